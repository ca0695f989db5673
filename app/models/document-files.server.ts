// The DOCX and PDF of a document whose text changed after delivery are rebuilt by the worker (document.reassemble);
// a download asked for meanwhile asks for the rebuild at once and waits for it a little. Issue 21, decision 035.
import { setTimeout as wait } from "node:timers/promises";
import type { DbOrTrx } from "../utils/db.server";
import { sendReassembly } from "./text-changes.server";

/** A download waits this long for its files to be rebuilt before it is told to come back. */
export const FILES_WAIT_MS = 20_000;
const POLL_MS = 250;

export type FileKeys = { docx_key: string | null; pdf_key: string | null };

/**
 * The document's file keys once its files show text revision `revision` (or a later one): the rebuild is sent now
 * (a rebuild already waiting or done makes it a no-op), then the row is read until they do. Undefined when they are
 * still being rebuilt after `waitMs`, or when the request went away.
 */
export async function awaitCurrentFiles(
  db: DbOrTrx,
  documentId: string,
  revision: number,
  options: { waitMs?: number; signal?: AbortSignal } = {},
): Promise<FileKeys | undefined> {
  await sendReassembly(db, documentId);
  const deadline = Date.now() + (options.waitMs ?? FILES_WAIT_MS);
  for (;;) {
    const row = await db
      .selectFrom("documents")
      .select(["docx_key", "pdf_key", "files_revision"])
      .where("id", "=", documentId)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.files_revision >= revision) return row;
    if (Date.now() >= deadline || options.signal?.aborted) return undefined;
    await wait(POLL_MS, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
