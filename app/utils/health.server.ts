import { createHash, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";
import { getFileStore } from "./storage.server";
import { getBoss } from "../jobs/queue.server";
import { describeProviderChain, writerLabel } from "./provider-chain.server";

type Check = { status: "ok" | "down" | "degraded"; latencyMs: number | null; detail?: string };

async function timed(run: () => Promise<string | void>): Promise<Check> {
  const started = performance.now();
  try {
    const detail = await withTimeout(run(), 3000);
    return { status: "ok", latencyMs: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
  } catch (error) {
    return {
      status: "down",
      latencyMs: Math.round(performance.now() - started),
      detail: error instanceof Error ? error.message : String(error),
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref()),
  ]);
}

/** GET /health/detailed: each dependency with status and latency; the database being down makes the whole 503. */
export async function detailedHealth() {
  const env = getEnv();
  const [database, queue, storage] = await Promise.all([
    timed(async () => {
      await sql`select 1`.execute(getDb());
    }),
    timed(async () => {
      const queues = await getBoss().getQueues();
      return `${queues.length} queues`;
    }),
    timed(async () => {
      // A read: reaching the store with these credentials is what matters, and polling must not write.
      const store = getFileStore();
      await store.exists("health/probe");
      return store.kind === "s3" ? `S3 bucket ${env.S3_BUCKET}` : "files table";
    }),
  ]);
  let providers: Check & { chain?: string[] };
  try {
    const writers = describeProviderChain(env);
    providers = {
      status: "ok",
      latencyMs: null,
      chain: writers.map(writerLabel),
      ...(writers.every((w) => w.provider === "offline") ? { detail: "offline demo writer only" } : {}),
    };
  } catch (error) {
    providers = { status: "down", latencyMs: null, detail: error instanceof Error ? error.message : String(error) };
  }
  const checks = { database, queue, storage, providers };
  const status =
    database.status === "down" ? "down" : Object.values(checks).some((c) => c.status !== "ok") ? "degraded" : "ok";
  return { status, role: env.ROLE, checks, httpStatus: database.status === "down" ? 503 : 200 };
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
