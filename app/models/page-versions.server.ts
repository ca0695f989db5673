// What a cached page (app/utils/page-cache.server.ts) was rendered from, as one short string: the transaction ids
// (xmin) of every row the page shows. Postgres gives a row a new xmin on every UPDATE, so any change to any column, by
// any process, yields a new version; nobody has to remember to bump a timestamp. Each version is a scalar SQL
// expression of the reader's user id, so the rate limiter can read it in its own statement (one round trip a page).
import { sql, type RawBuilder } from "kysely";
import type { DbOrTrx } from "../utils/db.server";

/** The version of a page for the user whose id `userId` evaluates to; null: render it afresh. */
export type PageVersionSql = (userId: RawBuilder<unknown>) => RawBuilder<string | null>;

/** The customer's documents list: every document row of theirs. */
export const documentsListVersion: PageVersionSql = (userId) => sql<string>`(
  select 'list:' || coalesce(string_agg(d.id::text || ':' || d.xmin::text, ',' order by d.id), '')
  from documents d where d.user_id = ${userId}
)`;

/**
 * A document's page, for its owner: the document, its sections and its refunds. null for anyone else's document, an
 * unknown id, a draft (its page redirects to the wizard) or a document being written (its page changes every few
 * seconds: not worth keeping).
 */
export function documentPageVersion(documentId: string): PageVersionSql {
  return (userId) => sql<string | null>`(
    select 'document:' || d.xmin::text
      || '|' || coalesce((
        select string_agg(s.index::text || ':' || s.xmin::text, ',' order by s.index)
        from sections s where s.document_id = d.id
      ), '')
      || '|' || coalesce((
        select string_agg(r.id::text || ':' || r.xmin::text, ',' order by r.id)
        from refunds r join payments p on p.id = r.payment_id where p.document_id = d.id
      ), '')
    from documents d
    where d.id = ${documentId} and d.user_id = ${userId} and d.status not in ('draft', 'queued', 'generating')
  )`;
}

/** A page's version read on its own (when the rate limiter did not read it along). */
export async function readPageVersion(db: DbOrTrx, version: PageVersionSql, userId: string): Promise<string | null> {
  const { rows } = await sql<{ version: string | null }>`select ${version(sql`${userId}::uuid`)} as version`.execute(
    db,
  );
  return rows[0]?.version ?? null;
}
