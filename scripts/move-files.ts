// `npm run move-files`: moves the files an older TesiGo kept on disk (DATA_DIR/files) into the configured store (the
// database's `files` table, or S3 when S3_URL is set). Safe to run again, and with the server running; prints one line.
import path from "node:path";
import { createDb } from "../app/utils/db.server";
import { getEnv, loadDotEnvFile } from "../app/utils/env.server";
import { moveDiskFilesToStore } from "../app/utils/move-disk-files.server";
import { fileStoreFor } from "../app/utils/storage.server";
import { migrateToLatest } from "../db/migrate";
import { openDatabaseForTool } from "../db/open";
import { runTool } from "./run-tool";

async function main(): Promise<number> {
  loadDotEnvFile();
  const env = getEnv();
  const { url, embedded } = await openDatabaseForTool(env, () => {});
  const db = createDb(url, 2);
  try {
    await migrateToLatest(db);
    const store = fileStoreFor(env, db);
    const dir = path.resolve(env.DATA_DIR, "files");
    const report = await moveDiskFilesToStore(dir, store);
    const where = store.kind === "s3" ? `the S3 bucket ${env.S3_BUCKET}` : "the database";
    console.log(
      `Moved ${report.moved} file(s) from ${dir} to ${where}; ${report.alreadyStored} were there already` +
        `; ${report.skipped.length} skipped (not a TesiGo key); ${report.failed.length} failed.`,
    );
    for (const key of report.skipped) console.error(`skipped: ${key}`);
    for (const failure of report.failed) console.error(`failed: ${failure}`);
    return report.failed.length ? 1 : 0;
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

runTool("move-files", main);
