import { promises as fs } from "node:fs";
import path from "node:path";
import type { FileStore } from "./file-store.server";
import { contentTypeOf, isStorageKey } from "./storage.server";

export type MoveReport = { moved: number; alreadyStored: number; skipped: string[]; failed: string[] };

async function* filesBelow(dir: string): AsyncGenerator<string> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesBelow(full);
    else if (entry.isFile()) yield full;
  }
}

/**
 * Moves every file below `dir` (the old DATA_DIR/files) into `store` under its relative path, the key the rows
 * already hold, and deletes it from disk once stored. Idempotent and resumable: a file the store already has is not
 * sent again, only removed from disk; a failure leaves that file on disk for the next run.
 */
export async function moveDiskFilesToStore(dir: string, store: FileStore): Promise<MoveReport> {
  const report: MoveReport = { moved: 0, alreadyStored: 0, skipped: [], failed: [] };
  for await (const file of filesBelow(dir)) {
    const key = path.relative(dir, file).split(path.sep).join("/");
    if (!isStorageKey(key)) {
      report.skipped.push(key);
      continue;
    }
    try {
      if (await store.exists(key)) {
        report.alreadyStored++;
      } else {
        await store.put(key, await fs.readFile(file), contentTypeOf(key));
        report.moved++;
      }
      await fs.rm(file, { force: true });
    } catch (error) {
      report.failed.push(`${key} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return report;
}
