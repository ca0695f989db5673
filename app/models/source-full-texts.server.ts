// The text of found sources' open-access PDFs, page by page (issue 24, item 4): stored by the plan beside the sources,
// read by the citation support check for page-anchored evidence. A source whose PDF could not be had keeps only its
// abstract; the row says why (status, detail) for operators.
import type { FullTextStatus } from "../../db/schema";
import type { DbOrTrx } from "../utils/db.server";

/** What came of one source's PDF: its pages (page 1 first) only when `status` is "fetched". */
export type FullTextOutcome = {
  url: string;
  status: FullTextStatus;
  pages: string[];
  pageCount: number | null;
  sizeBytes: number | null;
  detail: string | null;
};

/**
 * Stores the outcomes of a document's sources, by citation key; a second delivery of the plan stores nothing again
 * (one row per source). Returns the rows inserted.
 */
export async function storeFullTexts(
  trx: DbOrTrx,
  documentId: string,
  outcomes: ReadonlyMap<string, FullTextOutcome>,
): Promise<number> {
  if (outcomes.size === 0) return 0;
  const sources = await trx
    .selectFrom("sources")
    .select(["id", "key"])
    .where("document_id", "=", documentId)
    .where("key", "in", [...outcomes.keys()])
    .execute();
  if (sources.length === 0) return 0;
  const inserted = await trx
    .insertInto("source_full_texts")
    .values(
      sources.map(({ id, key }) => {
        const outcome = outcomes.get(key)!;
        const fetched = outcome.status === "fetched" && outcome.pages.length > 0;
        return {
          source_id: id,
          url: outcome.url,
          status: fetched || outcome.status !== "fetched" ? outcome.status : ("no-text" as const),
          pages: fetched ? outcome.pages : [],
          page_count: outcome.pageCount,
          size_bytes: outcome.sizeBytes,
          detail: outcome.detail?.slice(0, 500) ?? null,
        };
      }),
    )
    .onConflict((oc) => oc.column("source_id").doNothing())
    .returning("source_id")
    .execute();
  return inserted.length;
}

/** Source id → the text of its pages, page 1 first; sources without full text are absent. */
export async function fullTextPagesOf(db: DbOrTrx, sourceIds: string[]): Promise<Map<string, string[]>> {
  if (sourceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("source_full_texts")
    .select(["source_id", "pages"])
    .where("source_id", "in", sourceIds)
    .where("status", "=", "fetched")
    .execute();
  return new Map(rows.map((row) => [row.source_id, row.pages]));
}

/** How many of a document's sources ended in each outcome, for the research report. */
export async function fullTextCounts(
  db: DbOrTrx,
  documentId: string,
): Promise<Partial<Record<FullTextStatus, number>>> {
  const rows = await db
    .selectFrom("source_full_texts")
    .innerJoin("sources", "sources.id", "source_full_texts.source_id")
    .select(["source_full_texts.status", (eb) => eb.fn.countAll<string>().as("count")])
    .where("sources.document_id", "=", documentId)
    .groupBy("source_full_texts.status")
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
