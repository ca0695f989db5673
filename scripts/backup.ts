// `npm run backup -- FILE`: writes a consistent backup of the whole database (the app's tables, pg-boss' jobs and the
// stored files when they live in Postgres) to FILE, with the server running or not. Prints one line.
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { getEnv, loadDotEnvFile } from "../app/utils/env.server";
import { writeBackup } from "../db/backup";
import { openDatabaseForTool } from "../db/open";
import { runTool } from "./run-tool";

async function main(): Promise<number> {
  const { positionals } = parseArgs({ allowPositionals: true });
  if (positionals.length !== 1) {
    console.error(
      "Usage: npm run backup -- FILE   (FILE: where to write the backup, e.g. tesigo-2026-12-06.backup.gz)",
    );
    return 2;
  }
  // npm runs scripts from the project folder; INIT_CWD is where the command was typed.
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]!);
  if (existsSync(file)) {
    console.error(`${file} exists already: choose a new name (a backup never overwrites another).`);
    return 1;
  }
  loadDotEnvFile();
  const env = getEnv();
  const { url, embedded } = await openDatabaseForTool(env, () => {});
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const summary = await writeBackup(client, file, { files: env.S3_URL ? "s3" : "postgres" });
    const megabytes = (summary.bytes / 1024 / 1024).toFixed(1);
    const files = env.S3_URL ? `; the files are in the S3 bucket ${env.S3_BUCKET}, not in this backup` : "";
    console.log(
      `Backed up ${summary.tables} tables (${summary.rows} rows, migration ${summary.migration}) to ${file}, ${megabytes} MB${files}.`,
    );
    return 0;
  } finally {
    await client.end();
    await embedded?.stop();
  }
}

runTool("backup", main);
