// One embedded Postgres per test run, with a migrated template database; each test file clones its own database.
import { mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../db/embedded";
import { recordBuildAtStart } from "../../scripts/coverage/build-unchanged";
import { migrateToLatest } from "../../db/migrate";
import { createBoss, ensureQueues } from "../../app/jobs/queue.server";
import { freePort } from "./worker-process";

export const TEMPLATE_DATABASE = "tesigo_template";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

let embedded: EmbeddedDatabase | undefined;

export async function setup(project: TestProject) {
  if (process.env.CHILD_COVERAGE_DIR) {
    // `npm run coverage` refuses the figure if a test rebuilds build/ meanwhile (scripts/coverage/build-unchanged.ts).
    const root = path.resolve(import.meta.dirname, "../..");
    const coverageDir = path.dirname(path.resolve(root, process.env.CHILD_COVERAGE_DIR));
    mkdirSync(coverageDir, { recursive: true });
    recordBuildAtStart(root, coverageDir);
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tesigo-test-pg-"));
  const port = await freePort();
  embedded = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, "pg"),
    port,
    database: TEMPLATE_DATABASE,
    ephemeral: true,
  });

  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: embedded.url, max: 2 }) }),
  });
  await migrateToLatest(db);
  await db.destroy();
  // pg-boss installs its schema and our queues once, in the template, so every clone starts ready.
  const boss = createBoss(embedded.url, { worker: false });
  await boss.start();
  await ensureQueues(boss);
  await boss.stop({ graceful: false, wait: true });

  project.provide("postgresAdminUrl", embedded.url.replace(/\/[^/]+$/, "/postgres"));
  project.provide("templateDatabase", TEMPLATE_DATABASE);
}

export async function teardown() {
  await embedded?.stop();
}
