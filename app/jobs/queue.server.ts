import PgBoss from "pg-boss";
import { sql } from "kysely";
import { queueDbAdapter, type DbOrTrx } from "../utils/db.server";
import { getEnv } from "../utils/env.server";
import { logger } from "../utils/logger.server";
import { provide, remember } from "../utils/singleton.server";
import {
  DEAD_LETTER_RETENTION_DAYS,
  JOBS_CHANNEL,
  QUEUES,
  deadLetterQueue,
  queuePolicies,
  type JobPayload,
  type QueueName,
} from "./definitions";

/** A pg-boss instance; only a worker supervises (maintenance, expiry) and runs schedules. */
export function createBoss(
  connectionString: string,
  options: { worker: boolean; maintenanceSeconds?: number },
): PgBoss {
  const boss = new PgBoss({
    connectionString,
    max: options.worker ? 8 : 3,
    supervise: options.worker,
    schedule: options.worker,
    migrate: true,
    // Expired jobs (their worker died) are found this often.
    maintenanceIntervalSeconds: options.maintenanceSeconds ?? 15,
  });
  boss.on("error", (error) => logger.error({ err: error }, "queue error"));
  return boss;
}

/**
 * Creates every queue and its dead-letter queue, and brings their policies up to date. Idempotent. The expiries of
 * the writers' queues follow LLM_TIMEOUT_SECONDS (this process' unless given); `expireSeconds` overrides them all.
 */
export async function ensureQueues(
  boss: PgBoss,
  options: { expireSeconds?: number; llmTimeoutSeconds?: number } = {},
): Promise<void> {
  const env = getEnv();
  const policies = queuePolicies(options.llmTimeoutSeconds ?? env.LLM_TIMEOUT_SECONDS);
  policies[QUEUES.deliverWebhook].retryDelay = env.WEBHOOK_RETRY_DELAY_SECONDS;
  for (const name of Object.values(QUEUES) as QueueName[]) {
    const dead = deadLetterQueue(name);
    const deadPolicy = { name: dead, retryLimit: 0, retentionMinutes: 60 * 24 * DEAD_LETTER_RETENTION_DAYS };
    await boss.createQueue(dead, deadPolicy);
    // A queue made by an older release keeps its old retention unless told.
    await boss.updateQueue(dead, deadPolicy);
    const expireInSeconds = options.expireSeconds ?? policies[name].expireInSeconds;
    const policy = { name, ...policies[name], expireInSeconds, deadLetter: dead };
    await boss.createQueue(name, policy);
    await boss.updateQueue(name, policy);
  }
}

export function useBoss(boss: PgBoss): PgBoss {
  return provide("boss", boss);
}

export function getBoss(): PgBoss {
  return remember<PgBoss>("boss", () => {
    throw new Error("The queue was not initialised: call useBoss() at boot");
  });
}

/** Sends a job inside the caller's transaction: it exists exactly when the rows it concerns do. */
export async function sendJob<N extends QueueName>(
  trx: DbOrTrx,
  name: N,
  data: NonNullable<JobPayload<N>>,
  /** `wake: false`: the caller sends the wake-up itself (wakeExpressions), with its other notifications. */
  options: { priority?: number; singletonKey?: string; startAfter?: Date; wake?: boolean } = {},
): Promise<string | null> {
  const { wake = true, ...sendOptions } = options;
  const id = await getBoss().send(name, data, { ...sendOptions, db: queueDbAdapter(trx) });
  // Wakes every worker's runner when the transaction commits (worker/runner.ts), instead of waiting for a poll.
  if (wake && !options.startAfter) await sql`select ${wakeExpressions([name])}`.execute(trx);
  return id;
}

/** `pg_notify(…)` wake-ups of the runners of `names`, for a select list: sent when the transaction commits. */
export function wakeExpressions(names: readonly QueueName[]) {
  return sql.join(names.map((name) => sql`pg_notify(${JOBS_CHANNEL}, ${name})`));
}

/** Many jobs of one queue in one statement (and one wake-up), inside the caller's transaction. */
export async function sendJobs<N extends QueueName>(
  trx: DbOrTrx,
  name: N,
  jobs: { data: NonNullable<JobPayload<N>>; priority?: number }[],
): Promise<void> {
  if (jobs.length === 0) return;
  await getBoss().insert(
    jobs.map((job) => ({ name, data: job.data, priority: job.priority })),
    { db: queueDbAdapter(trx) } as never,
  );
  await sql`select ${wakeExpressions([name])}`.execute(trx);
}
