// A throwaway embedded Postgres for a benchmark, migrated, with a queue client that only sends jobs.
import path from "node:path";
import { createBoss, ensureQueues, useBoss } from "../../app/jobs/queue.server";
import { createDb, useDatabase } from "../../app/utils/db.server";
import { startEmbeddedPostgres } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";
import { freePort } from "../../tests/setup/worker-process";

/** Postgres in `<dir>/pg` (removed when stopped), the app's database handle on it, and a started pg-boss client. */
export async function startBenchDatabase(dir: string) {
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dir, "pg"),
    port: await freePort(),
    database: "bench",
    ephemeral: true,
  });
  const db = useDatabase(createDb(embedded.url, 4));
  await migrateToLatest(db);
  const boss = useBoss(createBoss(embedded.url, { worker: false }));
  await boss.start();
  await ensureQueues(boss);
  return { embedded, db, boss };
}
