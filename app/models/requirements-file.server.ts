// An order's requirements file, as the wizard's requirements step and the API (POST /api/v1/orders/{id}/requirements)
// both attach it: the same checks, storage and quota; one file per order, a new one replacing the old.
import type { Db } from "../utils/db.server";
import { getEnv } from "../utils/env.server";
import { updateDraftDocument } from "./documents.server";
import {
  attachUploadToDocument,
  deleteUpload,
  getDocumentUpload,
  saveUpload,
  type SavedUpload,
} from "./uploads.server";

/**
 * Checks and stores the file (throws UploadRefusedError), then puts it in place of the order's previous one. The web
 * shows the text read from it and waits for the customer's confirmation; `confirmed` (the API) uses that text at once.
 */
export async function replaceRequirementsFile(
  db: Db,
  of: { userId: string; documentId: string },
  file: { name: string; bytes: Uint8Array },
  { confirmed }: { confirmed: boolean },
): Promise<SavedUpload> {
  const previous = await getDocumentUpload(db, of.documentId);
  const env = getEnv();
  const saved = await saveUpload(db, of.userId, file.name, file.bytes, {
    quotaBytes: env.UPLOAD_QUOTA_MB * 1024 * 1024,
    readTimeoutMs: env.UPLOAD_READ_TIMEOUT_SECONDS * 1000,
    replacing: previous?.id,
  });
  if (previous) await deleteUpload(db, previous.id, of.userId);
  await attachUploadToDocument(db, saved.id, of.documentId, of.userId);
  await updateDraftDocument(db, of.documentId, of.userId, { requirements_text: confirmed ? saved.text : null });
  return saved;
}
