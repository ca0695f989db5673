// Stored shingle fingerprints brought up to the hash of this code (SHINGLE_HASH_VERSION), document by document: the
// work a migration must not do, since a migration has to do tomorrow what it did the day it was written. Run by the
// hourly maintenance; any number of workers may run it at once.
import { sql } from "kysely";
import { transactionRetryingDeadlocks, type Db } from "../../app/utils/db.server";
import { SHINGLE_HASH_VERSION, storeDeliveredShingles } from "../quality/shingles";

/** Older rows read per look-up: a few documents' worth, straight from shingles_hash_version_idx. */
const STALE_ROWS_PER_LOOKUP = 5000;
/** A run stops after this many documents (a 100-page one took ~0.5 s here), well within the maintenance job's 5 min. */
const REHASH_DOCUMENTS_PER_RUN = 100;

export type RehashRun = {
  /** Documents whose older fingerprints this run replaced. */
  documents: number;
  /** Fingerprints it stored in their place. */
  rows: number;
  /** Whether older fingerprints remain for a later run (over the limit, or held by another worker). */
  left: boolean;
};

/** Re-hashes the fingerprints of older versions, at most `maxDocuments` documents; rows of this version stay as they are. */
export async function rehashStaleShingles(db: Db, maxDocuments = REHASH_DOCUMENTS_PER_RUN): Promise<RehashRun> {
  // Documents this run has tried: done, found done by another worker, or held by one (left to it).
  const tried = new Set<string>();
  const run: RehashRun = { documents: 0, rows: 0, left: false };
  for (;;) {
    const stale = await staleDocuments(db, tried);
    if (stale.length === 0) return run;
    for (const documentId of stale) {
      if (run.documents >= maxDocuments) return { ...run, left: true };
      tried.add(documentId);
      const outcome = await rehashDocument(db, documentId);
      if (outcome === "held") run.left = true;
      if (typeof outcome !== "number") continue;
      run.documents++;
      run.rows += outcome;
    }
  }
}

async function staleDocuments(db: Db, tried: ReadonlySet<string>): Promise<string[]> {
  let stale = db.selectFrom("shingles").select("document_id").where("hash_version", "<", SHINGLE_HASH_VERSION);
  if (tried.size > 0) stale = stale.where("document_id", "not in", [...tried]);
  const rows = await db
    .selectFrom(stale.limit(STALE_ROWS_PER_LOOKUP).as("stale"))
    .select("document_id")
    .distinct()
    .execute();
  return rows.map((r) => r.document_id);
}

/**
 * One document's older fingerprints, deleted and stored again from its sections' text in one transaction: the rows
 * stored; "held" while another worker re-hashes it; "done" when another worker already has.
 */
async function rehashDocument(db: Db, documentId: string): Promise<number | "held" | "done"> {
  // Inserting references the document and its sections while an account deletion may hold them: a deadlock's victim
  // runs again.
  return transactionRetryingDeadlocks(db, async (trx) => {
    const claim = await sql<{ mine: boolean }>`
      select pg_try_advisory_xact_lock(hashtextextended(${`shingles-rehash:${documentId}`}, 0)) as mine`.execute(trx);
    if (!claim.rows[0].mine) return "held";
    const replaced = await trx
      .with("gone", (q) =>
        q
          .deleteFrom("shingles")
          .where("document_id", "=", documentId)
          .where("hash_version", "<", SHINGLE_HASH_VERSION)
          .returning("section_id"),
      )
      .selectFrom("gone")
      .select("section_id")
      .distinct()
      .execute();
    if (replaced.length === 0) return "done";
    const sectionIds = replaced.map((r) => r.section_id);
    const sections = await trx.selectFrom("sections").select(["id", "content"]).where("id", "in", sectionIds).execute();
    const texts = sections.map((s) => ({ id: s.id, text: s.content }));
    return storeDeliveredShingles(trx, documentId, texts);
  });
}
