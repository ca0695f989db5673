// Dead letters: jobs that exhausted their retries, as the worker's dead-letter handler recorded them. Admins list them
// at /admin/jobs and retry or discard them (dead-letter-actions.server.ts); every one is kept 30 days.
import { sql } from "kysely";
import { DEAD_LETTER_RETENTION_DAYS } from "../jobs/definitions";
import type { DbOrTrx } from "../utils/db.server";

export type NewDeadLetter = {
  /** The dead-letter job's id in pg-boss. */
  id: string;
  /** The queue the job died in. */
  queue: string;
  payload: unknown;
  error: string | null;
  documentId?: string | null;
};

/** Records a dead letter once (pg-boss may hand its job out twice); an order that no longer exists is not linked. */
export async function recordDeadLetter(db: DbOrTrx, letter: NewDeadLetter): Promise<void> {
  const documentId = letter.documentId ?? null;
  await db
    .insertInto("dead_letters")
    .values({
      id: letter.id,
      queue: letter.queue,
      payload: letter.payload === undefined ? null : JSON.stringify(letter.payload),
      error: letter.error?.slice(0, 4000) ?? null,
      document_id: documentId ? sql<string | null>`(select id from documents where id = ${documentId}::uuid)` : null,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

export const DEAD_LETTER_PAGE_SIZE = 100;

/** Dead letters waiting for an admin (oldest first), or the ones handled (latest first), with their order. */
export async function listDeadLetters(db: DbOrTrx, which: "waiting" | "handled") {
  let query = db
    .selectFrom("dead_letters")
    .leftJoin("documents", "documents.id", "dead_letters.document_id")
    .leftJoin("users as handler", "handler.id", "dead_letters.handled_by")
    .select([
      "dead_letters.id",
      "dead_letters.queue",
      "dead_letters.payload",
      "dead_letters.error",
      "dead_letters.document_id",
      "dead_letters.died_at",
      "dead_letters.handled_at",
      "dead_letters.outcome",
      "dead_letters.retry_job_id",
      "documents.status as document_status",
      "documents.topic as document_topic",
      "handler.email as handled_by_email",
    ])
    .limit(DEAD_LETTER_PAGE_SIZE);
  query =
    which === "waiting"
      ? query.where("dead_letters.handled_at", "is", null).orderBy("dead_letters.died_at").orderBy("dead_letters.id")
      : query.where("dead_letters.handled_at", "is not", null).orderBy("dead_letters.handled_at", "desc");
  return query.execute();
}

/** How many dead letters wait for an admin. */
export async function countWaitingDeadLetters(db: DbOrTrx): Promise<number> {
  const row = await db
    .selectFrom("dead_letters")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("handled_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Forgets dead letters older than the retention (handled or not); returns how many. Run by the hourly maintenance. */
export async function pruneDeadLetters(db: DbOrTrx): Promise<number> {
  const result = await db
    .deleteFrom("dead_letters")
    .where("died_at", "<", sql<Date>`now() - make_interval(days => ${DEAD_LETTER_RETENTION_DAYS})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
