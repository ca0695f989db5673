import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { getEnv } from "./env.server";

// Files (uploads, delivered DOCX/PDF) on local disk under DATA_DIR/files. Keys are ours, never user input.
function filesDir(): string {
  return path.resolve(getEnv().DATA_DIR, "files");
}

function pathOf(key: string): string {
  if (!/^[a-z0-9/_.-]+$/i.test(key) || key.includes("..")) throw new Error(`Invalid storage key: ${key}`);
  return path.join(filesDir(), key);
}

/** Stores bytes under a new key below `prefix` (e.g. "uploads/<userId>") and returns the key. */
export async function storeFile(prefix: string, bytes: Uint8Array, extension: string): Promise<string> {
  const key = `${prefix}/${randomUUID()}${extension ? `.${extension.replace(/^\./, "")}` : ""}`;
  const file = pathOf(key);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, bytes);
  return key;
}

export async function readStoredFile(key: string): Promise<Buffer> {
  return fs.readFile(pathOf(key));
}

/** Deletes a stored file; a file already gone is not an error. */
export async function deleteStoredFile(key: string): Promise<void> {
  await fs.rm(pathOf(key), { force: true });
}

export async function storedFileExists(key: string): Promise<boolean> {
  return fs.access(pathOf(key)).then(
    () => true,
    () => false,
  );
}
