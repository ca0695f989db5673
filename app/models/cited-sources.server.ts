// The sources a document's text cites now (after edits too): what its bibliography lists, as stored CSL-JSON.
import type { DbOrTrx } from "../utils/db.server";
import { citedKeys } from "../utils/citations";

/**
 * The CSL-JSON of every source the sections cite, in order of first citation, each with `id` = its key. A key the
 * text cites without a source row is left out, as the rendered bibliography leaves it out.
 */
export async function citedSourcesOf(db: DbOrTrx, documentId: string): Promise<Record<string, unknown>[]> {
  const sections = await db
    .selectFrom("sections")
    .select("content")
    .where("document_id", "=", documentId)
    .where("content", "is not", null)
    .orderBy("index")
    .execute();
  const keys = [...new Set(sections.flatMap((s) => citedKeys(s.content ?? "")))];
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom("sources")
    .select(["key", "csl"])
    .where("document_id", "=", documentId)
    .where("key", "in", keys)
    .execute();
  const byKey = new Map(rows.map((row) => [row.key, row.csl as Record<string, unknown>]));
  return keys.flatMap((key) => {
    const csl = byKey.get(key);
    return csl ? [{ ...csl, id: key }] : [];
  });
}
