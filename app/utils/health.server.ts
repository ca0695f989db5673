import { promises as fs } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { buildProviderChain } from "../../worker/llm/router";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";
import { getBoss } from "./queue.server";

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
    const chain = buildProviderChain(env).map((p) => `${p.name}:${p.model}`);
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
