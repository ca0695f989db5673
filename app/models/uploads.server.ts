import type { Db, DbOrTrx } from "../utils/db.server";
import { deleteStoredFile, storeFile } from "../utils/storage.server";
import { inspectUpload } from "../utils/uploads.server";
import { isUuid } from "./documents.server";

export type SavedUpload = { id: string; filename: string; kind: string; sizeBytes: number; text: string; truncated: boolean };

/**
 * Inspects a requirements file (throws UploadRefusedError), stores its bytes, then records it.
 * A refused file stores nothing; if the row cannot be inserted, the stored file is removed again.
 */
export async function saveUpload(db: Db, userId: string, filename: string, bytes: Uint8Array): Promise<SavedUpload> {
  // The user id becomes part of a storage path: never let anything but a UUID near the disk.
  if (!isUuid(userId)) throw new Error(`saveUpload: invalid user id ${JSON.stringify(userId)}`);
  const upload = await inspectUpload(filename, bytes);
  const storageKey = await storeFile(`uploads/${userId}`, bytes, upload.kind);
  try {
    const row = await db
      .insertInto("uploads")
      .values({
        user_id: userId,
        filename: upload.filename,
        mime_type: upload.mimeType,
        size_bytes: upload.sizeBytes,
        sha256: upload.sha256,
        storage_key: storageKey,
        extracted_text: upload.text,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return {
      id: row.id,
      filename: upload.filename,
      kind: upload.kind,
      sizeBytes: upload.sizeBytes,
      text: upload.text,
      truncated: upload.truncated,
    };
  } catch (error) {
    await deleteStoredFile(storageKey).catch(() => {});
    throw error;
  }
}

/** An upload of another user, or a malformed id, is simply not found. */
export function getUploadForOwner(db: DbOrTrx, uploadId: string, userId: string) {
  if (!isUuid(uploadId) || !isUuid(userId)) return Promise.resolve(undefined);
  return db
    .selectFrom("uploads")
    .select(["id", "user_id", "document_id", "filename", "mime_type", "size_bytes", "sha256", "storage_key", "extracted_text", "created_at"])
    .where("id", "=", uploadId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/** The requirements file attached to a document (the newest, should there be several); the caller checks ownership. */
export function getDocumentUpload(db: DbOrTrx, documentId: string) {
  if (!isUuid(documentId)) return Promise.resolve(undefined);
  return db
    .selectFrom("uploads")
    .select(["id", "user_id", "document_id", "filename", "mime_type", "size_bytes", "sha256", "storage_key", "extracted_text", "created_at"])
    .where("document_id", "=", documentId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/**
 * Links an upload to a document when both belong to `userId` and the upload is not linked to another document.
 * Returns whether it applied (linking it again to the same document counts as applied).
 */
export async function attachUploadToDocument(db: DbOrTrx, uploadId: string, documentId: string, userId: string): Promise<boolean> {
  if (!isUuid(uploadId) || !isUuid(documentId) || !isUuid(userId)) return false;
  const result = await db
    .updateTable("uploads")
    .set({ document_id: documentId })
    .where("id", "=", uploadId)
    .where("user_id", "=", userId)
    .where((eb) => eb.or([eb("document_id", "is", null), eb("document_id", "=", documentId)]))
    .where((eb) =>
      eb.exists(eb.selectFrom("documents").select("documents.id").where("documents.id", "=", documentId).where("documents.user_id", "=", userId)),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes one upload of `userId` (row, then stored file); returns whether there was one. */
export async function deleteUpload(db: DbOrTrx, uploadId: string, userId: string): Promise<boolean> {
  if (!isUuid(uploadId) || !isUuid(userId)) return false;
  const row = await db
    .deleteFrom("uploads")
    .where("id", "=", uploadId)
    .where("user_id", "=", userId)
    .returning("storage_key")
    .executeTakeFirst();
  if (!row) return false;
  await deleteStoredFile(row.storage_key);
  return true;
}

/**
 * Deletes every upload of a user: the rows, then their stored files (every file is attempted; the first failure is
 * rethrown). Inside a transaction the files are gone even if it later rolls back, so call it last.
 */
export async function deleteUploadsOfUser(db: DbOrTrx, userId: string): Promise<number> {
  if (!isUuid(userId)) return 0;
  const rows = await db.deleteFrom("uploads").where("user_id", "=", userId).returning("storage_key").execute();
  const results = await Promise.allSettled(rows.map((r) => deleteStoredFile(r.storage_key)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return rows.length;
}
