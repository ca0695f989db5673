// What follows a change of a delivered document's text (an edit, a restore, a kept regeneration): the change is
// counted, and the worker's document.reassemble job brings the assembled text, the DOCX/PDF and the changed
// sections' scores up to it. Issue 21, decision 035.
import { sql } from "kysely";
import { QUEUES } from "../jobs/definitions";
import { sendJob } from "../jobs/queue.server";
import type { DbOrTrx } from "../utils/db.server";

/** Saves this close together share one rebuild: the job starts this long after a change. */
export const REASSEMBLE_DELAY_MS = 2000;

/**
 * Counts a change of the document's text and sends the rebuild, inside the transaction that changed it (so the job
 * exists exactly when the change does). Every change sends a job; one that finds the files up to date does nothing.
 */
export async function noteTextChanged(trx: DbOrTrx, documentId: string): Promise<void> {
  await trx
    .updateTable("documents")
    .set({ text_revision: sql`text_revision + 1` })
    .where("id", "=", documentId)
    .execute();
  await sendReassembly(trx, documentId, REASSEMBLE_DELAY_MS);
}

/** Sends the rebuild of a document's text and files (again): harmless when they are up to date. */
export async function sendReassembly(db: DbOrTrx, documentId: string, delayMs = 0): Promise<void> {
  await sendJob(
    db,
    QUEUES.reassembleDocument,
    { documentId },
    delayMs ? { startAfter: new Date(Date.now() + delayMs) } : {},
  );
}
