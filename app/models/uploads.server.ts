import { sql } from "kysely";
import type { Db, DbOrTrx } from "../utils/db.server";
import { deleteStoredFile, storeFile } from "../utils/storage.server";
import { DEFAULT_UPLOAD_QUOTA_MB, DEFAULT_UPLOAD_READ_TIMEOUT_SECONDS } from "../utils/upload-limits";
import { inspectUpload, sanitiseFilename, UploadRefusedError, type UploadKind } from "../utils/uploads.server";
import { isUuid } from "./documents.server";

export type SavedUpload = {
  id: string;
  filename: string;
  kind: UploadKind;
  sizeBytes: number;
  text: string;
  truncated: boolean;
};

export type SaveUploadOptions = {
  /** Bytes of uploads a customer may keep (UPLOAD_QUOTA_MB). */
  quotaBytes?: number;
  /** Longest a PDF's or DOCX's text may take to read (UPLOAD_READ_TIMEOUT_SECONDS). */
  readTimeoutMs?: number;
  /** The upload this one replaces (deleted by the caller afterwards): not counted against the quota. */
  replacing?: string;
};

/**
 * Inspects a requirements file (throws UploadRefusedError), stores its bytes, then records it, within the customer's
 * storage quota. A refused file stores nothing; if the row cannot be inserted, the stored file is removed again.
 */
export async function saveUpload(
  db: Db,
  userId: string,
  filename: string,
  bytes: Uint8Array,
  options: SaveUploadOptions = {},
): Promise<SavedUpload> {
  // The user id becomes part of a storage path: never let anything but a UUID near the disk.
  if (!isUuid(userId)) throw new Error(`saveUpload: invalid user id ${JSON.stringify(userId)}`);
  const quota = { bytes: options.quotaBytes ?? DEFAULT_UPLOAD_QUOTA_MB * 1024 * 1024, replacing: options.replacing };
  // Checked before the file is read, so a customer at their quota costs no parsing, and again under the lock below.
  await refuseOverQuota(db, userId, sanitiseFilename(filename), bytes.byteLength, quota);
  const upload = await inspectUpload(filename, bytes, {
    readTimeoutMs: options.readTimeoutMs ?? DEFAULT_UPLOAD_READ_TIMEOUT_SECONDS * 1000,
  });
  const storageKey = await storeFile(`uploads/${userId}`, bytes, upload.kind);
  try {
    const row = await db.transaction().execute(async (trx) => {
      // One upload per customer at a time: two sent together cannot both slip under the quota.
      await sql`select pg_advisory_xact_lock(hashtextextended(${`uploads:${userId}`}, 0))`.execute(trx);
      await refuseOverQuota(trx, userId, upload.filename, upload.sizeBytes, quota);
      return trx
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
    });
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

async function refuseOverQuota(
  db: DbOrTrx,
  userId: string,
  name: string,
  sizeBytes: number,
  quota: { bytes: number; replacing?: string },
) {
  let query = db
    .selectFrom("uploads")
    .select(sql<string>`coalesce(sum(size_bytes), 0)`.as("used"))
    .where("user_id", "=", userId);
  if (quota.replacing && isUuid(quota.replacing)) query = query.where("id", "<>", quota.replacing);
  const used = Number((await query.executeTakeFirstOrThrow()).used);
  if (used + sizeBytes <= quota.bytes) return;
  throw new UploadRefusedError("quota", {
    name,
    sizeBytes,
    quota: Math.floor(quota.bytes / 1024 / 1024),
    usedBytes: used,
  });
}

/** What callers read of an upload (its stored bytes are fetched by storage_key). */
const UPLOAD_COLUMNS = [
  "id",
  "user_id",
  "document_id",
  "filename",
  "mime_type",
  "size_bytes",
  "sha256",
  "storage_key",
  "extracted_text",
  "created_at",
] as const;

/** An upload of another user, or a malformed id, is simply not found. */
export function getUploadForOwner(db: DbOrTrx, uploadId: string, userId: string) {
  if (!isUuid(uploadId) || !isUuid(userId)) return Promise.resolve(undefined);
  return db
    .selectFrom("uploads")
    .select(UPLOAD_COLUMNS)
    .where("id", "=", uploadId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/** The requirements file attached to a document (the newest, should there be several); the caller checks ownership. */
export function getDocumentUpload(db: DbOrTrx, documentId: string) {
  if (!isUuid(documentId)) return Promise.resolve(undefined);
  return db
    .selectFrom("uploads")
    .select(UPLOAD_COLUMNS)
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
export async function attachUploadToDocument(
  db: DbOrTrx,
  uploadId: string,
  documentId: string,
  userId: string,
): Promise<boolean> {
  if (!isUuid(uploadId) || !isUuid(documentId) || !isUuid(userId)) return false;
  const result = await db
    .updateTable("uploads")
    .set({ document_id: documentId })
    .where("id", "=", uploadId)
    .where("user_id", "=", userId)
    .where((eb) => eb.or([eb("document_id", "is", null), eb("document_id", "=", documentId)]))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("documents")
          .select("documents.id")
          .where("documents.id", "=", documentId)
          .where("documents.user_id", "=", userId),
      ),
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
