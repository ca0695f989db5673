import { randomUUID } from "node:crypto";
import { getDb, type DbOrTrx } from "./db.server";
import { getEnv, type Env } from "./env.server";
import { postgresFileStore, type FileStore } from "./file-store.server";
import type { S3Settings } from "./s3-file-store.server";

// Files (uploads, delivered DOCX/PDF) in the store the configuration names. Keys are ours, never user input.

export type FileStoreSettings = Pick<
  Env,
  "S3_URL" | "S3_BUCKET" | "S3_ACCESS_KEY_ID" | "S3_SECRET_ACCESS_KEY" | "S3_REGION"
>;

/** S3-compatible storage when S3_URL is set, otherwise the `files` table of `db`. */
export function fileStoreFor(settings: FileStoreSettings, db: DbOrTrx): FileStore {
  if (!settings.S3_URL) return postgresFileStore(db);
  return lazyS3FileStore({
    url: settings.S3_URL,
    bucket: settings.S3_BUCKET!,
    accessKeyId: settings.S3_ACCESS_KEY_ID!,
    secretAccessKey: settings.S3_SECRET_ACCESS_KEY!,
    region: settings.S3_REGION,
  });
}

// The AWS SDK costs a process ~25 MB: only one that uses S3 loads it.
function lazyS3FileStore(settings: S3Settings): FileStore {
  let loaded: Promise<FileStore> | undefined;
  const store = () => (loaded ??= import("./s3-file-store.server").then((m) => m.s3FileStore(settings)));
  return {
    kind: "s3",
    put: async (key, content, contentType) => (await store()).put(key, content, contentType),
    get: async (key) => (await store()).get(key),
    delete: async (key) => (await store()).delete(key),
    exists: async (key) => (await store()).exists(key),
  };
}

/** This process' store (its configuration, its database). */
export function getFileStore(): FileStore {
  return fileStoreFor(getEnv(), getDb());
}

const CONTENT_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  txt: "text/plain; charset=utf-8",
};

export function contentTypeOf(key: string): string {
  return CONTENT_TYPES[/\.([a-z0-9]+)$/i.exec(key)?.[1]?.toLowerCase() ?? ""] ?? "application/octet-stream";
}

/** A key is a path of our own making: letters, digits and `/_.-`, never `..`. */
export function isStorageKey(key: string): boolean {
  return /^[a-z0-9/_.-]+$/i.test(key) && !key.includes("..") && !key.startsWith("/");
}

function checked(key: string): string {
  if (!isStorageKey(key)) throw new Error(`Invalid storage key: ${key}`);
  return key;
}

/** Stores bytes under a new key below `prefix` (e.g. "uploads/<userId>") and returns the key. */
export async function storeFile(prefix: string, bytes: Uint8Array, extension: string): Promise<string> {
  const key = checked(`${prefix}/${randomUUID()}${extension ? `.${extension.replace(/^\./, "")}` : ""}`);
  await getFileStore().put(key, bytes, contentTypeOf(key));
  return key;
}

/** The stored bytes; throws when there is no file under the key (a row pointing at nothing is a bug to see). */
export async function readStoredFile(key: string): Promise<Buffer> {
  const file = await getFileStore().get(checked(key));
  if (!file) throw new Error(`No stored file under ${key}`);
  return file.content;
}

/** Deletes a stored file; a file already gone is not an error. */
export async function deleteStoredFile(key: string): Promise<void> {
  await getFileStore().delete(checked(key));
}

export async function storedFileExists(key: string): Promise<boolean> {
  return getFileStore().exists(checked(key));
}
