import { sql } from "kysely";
import type { Db } from "../utils/db.server";
import { deleteStoredFile } from "../utils/storage.server";
import { DRAFT_FILE_DAYS } from "../utils/upload-limits";

/**
 * Deletes the requirements files of draft orders left untouched for `days` days, and files of no order as old: rows
 * first (such a draft forgets the file's text too, in the same transaction), then the stored files. Paid orders keep
 * theirs. Returns how many were deleted.
 */
export async function deleteStaleDraftUploads(db: Db, days = DRAFT_FILE_DAYS): Promise<number> {
  const before = sql<Date>`now() - make_interval(days => ${days})`;
  const deleted = await db.transaction().execute(async (trx) => {
    const rows = await trx
      .deleteFrom("uploads")
      .where("created_at", "<", before)
      .where((eb) =>
        eb.or([
          eb("document_id", "is", null),
          eb.exists(
            eb
              .selectFrom("documents")
              .select("documents.id")
              .whereRef("documents.id", "=", "uploads.document_id")
              .where("documents.status", "=", "draft")
              .where("documents.updated_at", "<", before),
          ),
        ]),
      )
      .returning(["storage_key", "document_id"])
      .execute();
    const drafts = [...new Set(rows.flatMap((r) => (r.document_id ? [r.document_id] : [])))];
    if (drafts.length) {
      await trx
        .updateTable("documents")
        .set({ requirements_text: null })
        .where("id", "in", drafts)
        .where("status", "=", "draft")
        .execute();
    }
    return rows;
  });
  // After the commit, so a rolled-back delete never loses a file; one that fails stays on disk, unreferenced.
  await Promise.allSettled(deleted.map((r) => deleteStoredFile(r.storage_key)));
  return deleted.length;
}
