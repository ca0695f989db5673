// `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits.
// The server also migrates at boot; this is for deployers who migrate as a separate release step.
import { createDb } from "../app/utils/db.server";
import { EnvError, getEnv, loadDotEnvFile } from "../app/utils/env.server";
import { migrateToLatest } from "../db/migrate";
import { openDatabaseForTool } from "../db/open";

try {
  loadDotEnvFile();
  const env = getEnv();
  const { url, embedded } = await openDatabaseForTool(env, (m) => console.log(m));
  const db = createDb(url, 2);
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
} catch (error) {
  console.error(
    error instanceof EnvError
      ? error.message
      : `Migration failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
