import { createHash } from "node:crypto";
import type { DbOrTrx } from "./db.server";

export type StoredFile = { content: Buffer; contentType: string };

/** Where delivered DOCX/PDF and uploads are kept: every web and worker container reaches the same store. */
export interface FileStore {
  readonly kind: "postgres" | "s3";
  /** Stores the bytes under `key`, replacing what was there (so a repeated move or delivery is harmless). */
  put(key: string, content: Uint8Array, contentType: string): Promise<void>;
  /** The file, or null when there is none under `key`. */
  get(key: string): Promise<StoredFile | null>;
  /** Deletes the file; one already gone is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

export function sha256Hex(content: Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** Files as rows of the `files` table: backed up with the rest of the database, read by every container. */
export function postgresFileStore(db: DbOrTrx): FileStore {
  return {
    kind: "postgres",
    async put(key, content, contentType) {
      const row = {
        key,
        content: Buffer.from(content.buffer, content.byteOffset, content.byteLength),
        content_type: contentType,
        size_bytes: content.byteLength,
        sha256: sha256Hex(content),
      };
      await db
        .insertInto("files")
        .values(row)
        .onConflict((oc) =>
          oc.column("key").doUpdateSet({
            content: row.content,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
          }),
        )
        .execute();
    },
    async get(key) {
      const row = await db
        .selectFrom("files")
        .select(["content", "content_type"])
        .where("key", "=", key)
        .executeTakeFirst();
      return row ? { content: row.content, contentType: row.content_type } : null;
    },
    async delete(key) {
      await db.deleteFrom("files").where("key", "=", key).execute();
    },
    async exists(key) {
      return Boolean(await db.selectFrom("files").select("key").where("key", "=", key).executeTakeFirst());
    },
  };
}
