// `npm run restore -- FILE [--force]`: migrates the configured database to the backup's version and replaces its data
// with the backup's, in one transaction. Refuses a database that has accounts unless --force. Stop the app first.
// Prints one line.
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createBoss } from "../app/jobs/queue.server";
import { createDb } from "../app/utils/db.server";
import { getEnv, loadDotEnvFile } from "../app/utils/env.server";
import { BackupFileError, readBackupHeader } from "../db/backup-format";
import { migrateTo } from "../db/migrate";
import { openDatabaseForTool } from "../db/open";
import { hasUsers, loadBackup } from "../db/restore";
import { runTool } from "./run-tool";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { force: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    console.error("Usage: npm run restore -- FILE [--force]   (--force: replace a database that has accounts)");
    return 2;
  }
  // npm runs scripts from the project folder; INIT_CWD is where the command was typed.
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]!);
  if (!existsSync(file)) {
    console.error(`There is no file ${file}.`);
    return 1;
  }
  const header = await readBackupHeader(file);
  loadDotEnvFile();
  const env = getEnv();
  const { url, embedded } = await openDatabaseForTool(env, () => {});
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db = createDb(url, 2);
  try {
    if (!values.force && (await hasUsers(client))) {
      console.error(
        "The database has accounts already: nothing was restored. Run again with --force to replace all its data with the backup's.",
      );
      return 1;
    }
    await migrateTo(db, header.migration);
    if (header.pgbossVersion !== null) await installQueueSchema(client, url, header.pgbossVersion);
    const restored = await loadBackup(client, file, header);
    const files = header.files === "s3" ? "; its files are in the S3 bucket, which this does not restore" : "";
    console.log(
      `Restored ${file} (taken ${header.createdAt}, migration ${header.migration}): ${restored.tables} tables, ${restored.rows} rows${files}.`,
    );
    return 0;
  } finally {
    await client.end();
    await db.destroy();
    await embedded?.stop();
  }
}

/** pg-boss' own schema, installed (or brought up to this version) by pg-boss; the backup's must be the same. */
async function installQueueSchema(client: pg.Client, url: string, expected: number): Promise<void> {
  const boss = createBoss(url, { worker: false });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
  const { rows } = await client.query<{ version: number }>("select version from pgboss.version");
  if (rows[0]?.version !== expected) {
    throw new Error(
      `the backup holds pg-boss schema version ${expected}, this TesiGo's pg-boss has ${rows[0]?.version}: restore it with the TesiGo that wrote it`,
    );
  }
}

runTool("restore", main, (error) => error instanceof BackupFileError);
