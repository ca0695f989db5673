import { createHash, timingSafeEqual } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { getDb } from "./db.server";
import { getEnv, type Env } from "./env.server";
import { getBoss } from "../jobs/queue.server";

type Check = { status: "ok" | "down" | "degraded"; latencyMs: number | null; detail?: string };

async function timed(run: () => Promise<string | void>): Promise<Check> {
  const started = performance.now();
  try {
    const detail = await withTimeout(run(), 3000);
    return { status: "ok", latencyMs: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
  } catch (error) {
    return { status: "down", latencyMs: Math.round(performance.now() - started), detail: error instanceof Error ? error.message : String(error) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}

/**
 * The writer chain as configured (`provider:model`), read from the environment alone: no SDK client is built to
 * describe it. Throws what the worker would refuse (a provider without its key, an unknown one).
 */
export function configuredWriterChain(env: Env): string[] {
  const entries = env.AI_FALLBACK_CHAIN
    ? env.AI_FALLBACK_CHAIN.split(",").map((s) => s.trim()).filter(Boolean)
    : [...(env.OPENAI_API_KEY ? [`openai:${env.OPENAI_MODEL}`] : []), ...(env.ANTHROPIC_API_KEY ? [`anthropic:${env.ANTHROPIC_MODEL}`] : [])];
  if (entries.length === 0) entries.push("offline");
  return entries.map((entry) => {
    const at = entry.indexOf(":");
    const [kind, rest] = at === -1 ? [entry, ""] : [entry.slice(0, at), entry.slice(at + 1)];
    switch (kind) {
      case "offline":
        if (!env.ALLOW_OFFLINE_PROVIDERS) throw new Error("AI_FALLBACK_CHAIN: the offline writer is not allowed here");
        return "offline:offline-demo-1";
      case "openai":
        if (!env.OPENAI_API_KEY) throw new Error(`AI_FALLBACK_CHAIN: "${entry}" needs OPENAI_API_KEY`);
        return `openai:${rest || env.OPENAI_MODEL}`;
      case "anthropic":
        if (!env.ANTHROPIC_API_KEY) throw new Error(`AI_FALLBACK_CHAIN: "${entry}" needs ANTHROPIC_API_KEY`);
        return `anthropic:${rest || env.ANTHROPIC_MODEL}`;
      case "compat": {
        const model = rest.split("@")[0];
        if (!model || !rest.includes("@")) throw new Error(`AI_FALLBACK_CHAIN: "${entry}" must look like compat:MODEL@BASE_URL`);
        return `compat:${model}`;
      }
      default:
        throw new Error(`AI_FALLBACK_CHAIN: unknown provider "${kind}" (use openai, anthropic, compat or offline)`);
    }
  });
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
      const dir = path.resolve(env.DATA_DIR, "files");
      await fs.mkdir(dir, { recursive: true });
      const probe = path.join(dir, `.health-${process.pid}`);
      await fs.writeFile(probe, "ok");
      await fs.rm(probe);
    }),
  ]);
  let providers: Check & { chain?: string[] };
  try {
    const chain = configuredWriterChain(env);
    providers = {
      status: "ok",
      latencyMs: null,
      chain,
      ...(chain.every((c) => c.startsWith("offline")) ? { detail: "offline demo writer only" } : {}),
    };
  } catch (error) {
    providers = { status: "down", latencyMs: null, detail: error instanceof Error ? error.message : String(error) };
  }
  const checks = { database, queue, storage, providers };
  const status = database.status === "down" ? "down" : Object.values(checks).some((c) => c.status !== "ok") ? "degraded" : "ok";
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
