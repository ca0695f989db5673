import path from "node:path";
import { runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded";

/** The settings that say where the database is (validated by the app's env schema before they get here). */
export type DatabaseSettings = { DATABASE_URL?: string; DATA_DIR: string; EMBEDDED_PG_PORT: number };

/** DATABASE_URL when set; otherwise the embedded Postgres in DATA_DIR/pg, started now. */
export async function openDatabase(
  env: DatabaseSettings,
  log: (message: string) => void,
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  const dataDir = path.resolve(env.DATA_DIR, "pg");
  const embedded = await startEmbeddedPostgres({ dataDir, port: env.EMBEDDED_PG_PORT, log });
  log(`Embedded Postgres is running on 127.0.0.1:${env.EMBEDDED_PG_PORT} with its data in ${dataDir}`);
  return { url: embedded.url, embedded };
}

/**
 * For a command run beside the server or without it: DATABASE_URL; else the embedded Postgres a running TesiGo
 * started (over its TCP port); else the embedded one, started now (`embedded`: stop it when done).
 */
export async function openDatabaseForTool(
  env: DatabaseSettings,
  log: (message: string) => void,
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  const running = runningEmbeddedUrl(path.resolve(env.DATA_DIR, "pg"), env.EMBEDDED_PG_PORT);
  return running ? { url: running } : openDatabase(env, log);
}
