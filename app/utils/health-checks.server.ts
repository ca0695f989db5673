// The parts /health/detailed reports beyond the database: file storage, mail, breakers, queue lag, and the versions of
// the app and its migrations. Each takes what it reads as arguments, so a test or another endpoint can call it alone.
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { MIGRATIONS } from "../../db/migrations/index";
import { listBreakerStates } from "../models/breaker-states.server";
import { readQueueStats } from "../models/queue-stats.server";
import type { DbOrTrx } from "./db.server";
import type { Env } from "./env.server";
import { projectRoot } from "./project-root.server";
import { getFileStore } from "./storage.server";
import type { WriterDescription } from "./provider-chain.server";

/**
 * Where the DOCX, PDF and uploads are kept (the files table, or an S3 bucket), and that the store answers now. A read:
 * reaching the store with these credentials is what matters, and polling must not write.
 */
export async function checkStorage(env: Pick<Env, "S3_BUCKET">): Promise<{ backend: string; detail: string }> {
  const store = getFileStore();
  await store.exists("health/probe");
  return store.kind === "s3"
    ? { backend: "s3", detail: `S3 bucket ${env.S3_BUCKET}` }
    : { backend: "postgres", detail: "files table" };
}

/** How mail leaves (nothing is sent): SMTP (its host, never its credentials) or files in $DATA_DIR/mail. */
export function describeMail(env: Pick<Env, "SMTP_URL" | "DATA_DIR">): { transport: "smtp" | "files"; detail: string } {
  if (!env.SMTP_URL) {
    return { transport: "files", detail: `no SMTP_URL: mail is written to ${path.resolve(env.DATA_DIR, "mail")}` };
  }
  const url = new URL(env.SMTP_URL);
  return { transport: "smtp", detail: `${url.protocol}//${url.host}` };
}

export type BreakerReport = { provider: string; state: "closed" | "open" | "half_open"; openedAt: string | null };

/**
 * Every provider breaker: those of the configured writers and scholarly indexes (closed until one fails: no row yet),
 * then any other recorded. Keys as the worker names them (worker/llm/router.ts, worker/research/http.ts).
 */
export async function readBreakers(
  db: DbOrTrx,
  writers: WriterDescription[],
  researchProviders: string,
): Promise<BreakerReport[]> {
  const configured = [
    ...writers.flatMap((writer) =>
      writer.provider === "offline"
        ? []
        : [writer.provider === "compat" ? `compat:${new URL(writer.baseURL!).host}` : writer.provider],
    ),
    ...(researchProviders === "none" ? [] : researchProviders.split(",")),
  ];
  const rows = new Map((await listBreakerStates(db)).map((row) => [row.provider, row]));
  const keys = [...new Set([...configured, ...[...rows.keys()].sort()])];
  return keys.map((provider) => {
    const row = rows.get(provider);
    return { provider, state: row?.state ?? "closed", openedAt: row?.openedAt?.toISOString() ?? null };
  });
}

/** Per queue: jobs waiting and the age of the oldest a worker could take now (the queue's lag). */
export async function readQueueLag(db: DbOrTrx) {
  return (await readQueueStats(db)).map((queue) => ({
    queue: queue.queue,
    waiting: queue.depth,
    oldestWaitingSeconds: queue.oldestWaitingSeconds,
  }));
}

let appVersion: { version: string; buildMode: string | null; builtAt: string | null } | undefined;

/** package.json's version and what `npm run build` recorded (build/build-info.json), read once. */
export function readAppVersion() {
  if (appVersion) return appVersion;
  const root = projectRoot();
  const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  let build: { mode?: string; builtAt?: string } = {};
  try {
    build = JSON.parse(readFileSync(path.join(root, "build", "build-info.json"), "utf8"));
  } catch {
    // Not built (tests running the TypeScript sources): no build to describe.
  }
  return (appVersion = { version, buildMode: build.mode ?? null, builtAt: build.builtAt ?? null });
}

/** The last migration the database has applied, against the last one this build knows (they differ mid-deploy). */
export async function readMigrationVersion(db: DbOrTrx): Promise<{ applied: string | null; expected: string }> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(
    db,
  );
  const expected = Object.keys(MIGRATIONS).sort().at(-1)!;
  return { applied: rows[0]?.name ?? null, expected };
}
