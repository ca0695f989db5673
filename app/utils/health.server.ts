import { createHash, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";
import { getBoss } from "../jobs/queue.server";
import {
  checkStorage,
  describeMail,
  readAppVersion,
  readBreakers,
  readMigrationVersion,
  readQueueLag,
} from "./health-checks.server";
import { describeProviderChain, writerLabel, type WriterDescription } from "./provider-chain.server";

type Check = { status: "ok" | "down" | "degraded"; latencyMs: number | null; detail?: string };

/** Runs one check within 3 s: ok with what it reports (a detail, or fields of its own), or down with the error. */
async function timed<Extra extends object = object>(
  run: () => Promise<string | void | Extra>,
): Promise<Check & Partial<Extra>> {
  const started = performance.now();
  try {
    const result = await withTimeout(run(), 3000);
    const latencyMs = Math.round(performance.now() - started);
    if (typeof result === "string") return { status: "ok", latencyMs, detail: result } as Check & Partial<Extra>;
    return { status: "ok", latencyMs, ...(result ?? {}) } as Check & Partial<Extra>;
  } catch (error) {
    return {
      status: "down",
      latencyMs: Math.round(performance.now() - started),
      detail: error instanceof Error ? error.message : String(error),
    } as Check & Partial<Extra>;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref()),
  ]);
}

/**
 * GET /health/detailed: the database, the queues and their lag, file storage, mail, each provider's breaker and the
 * writer chain, each with its status; the versions of the app and of its database's migrations. The database being
 * down makes the whole 503; anything else not ok (an open breaker, a migration this build does not know) "degraded".
 */
export async function detailedHealth() {
  const env = getEnv();
  const db = getDb();
  let writers: WriterDescription[] = [];
  let providers: Check & { chain?: string[] };
  try {
    writers = describeProviderChain(env);
    providers = {
      status: "ok",
      latencyMs: null,
      chain: writers.map(writerLabel),
      ...(writers.every((w) => w.provider === "offline") ? { detail: "offline demo writer only" } : {}),
    };
  } catch (error) {
    providers = { status: "down", latencyMs: null, detail: error instanceof Error ? error.message : String(error) };
  }
  const [database, queue, storage, breakers, migrations] = await Promise.all([
    timed(async () => {
      await sql`select 1`.execute(db);
    }),
    timed(async () => {
      const [queues, lag] = await Promise.all([getBoss().getQueues(), readQueueLag(db)]);
      return { detail: `${queues.length} queues`, queues: lag };
    }),
    timed(() => checkStorage(env)),
    timed(async () => ({ providers: await readBreakers(db, writers, env.RESEARCH_PROVIDERS) })),
    timed(() => readMigrationVersion(db)),
  ]);
  const openBreakers = breakers.providers?.filter((breaker) => breaker.state !== "closed") ?? [];
  if (breakers.status === "ok" && openBreakers.length) {
    breakers.status = "degraded";
    breakers.detail = `not closed: ${openBreakers.map((breaker) => `${breaker.provider} (${breaker.state})`).join(", ")}`;
  }
  const mail: Check & ReturnType<typeof describeMail> = { status: "ok", latencyMs: null, ...describeMail(env) };
  const checks = { database, queue, storage, mail, breakers, providers };
  const migrationsKnown = migrations.status === "ok" && migrations.applied === migrations.expected;
  const status =
    database.status === "down"
      ? "down"
      : Object.values(checks).some((c) => c.status !== "ok") || !migrationsKnown
        ? "degraded"
        : "ok";
  const { status: migrationsStatus, latencyMs: _latency, ...migrationVersion } = migrations;
  return {
    status,
    role: env.ROLE,
    versions: {
      app: readAppVersion(),
      migrations: migrationsStatus === "ok" ? migrationVersion : { status: migrationsStatus, ...migrationVersion },
    },
    checks,
    httpStatus: database.status === "down" ? 503 : 200,
  };
}

/** True when `Authorization: Bearer <token>` carries METRICS_TOKEN; compared in constant time, never with no token set. */
export function bearerMatches(authorization: string | null | undefined, token: string | undefined): boolean {
  if (!token || !authorization) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return false;
  // Digests of equal length, so neither the comparison nor a length check tells how much of the token was right.
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/**
 * What /health/detailed answers: the whole report to monitoring (the token) and admins; to anyone else only the
 * status (model names, queue counts and raw errors help an attacker), with the same HTTP status code.
 */
export async function healthReport(options: { showDetails: boolean }): Promise<{ httpStatus: number; body: object }> {
  const { httpStatus, ...report } = await detailedHealth();
  return { httpStatus, body: options.showDetails ? report : { status: report.status } };
}
