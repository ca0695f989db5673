import PgBoss from "pg-boss";
import { QUEUES, QUEUE_POLICIES, deadLetterQueue, type QueueName } from "../../worker/queues";
import { queueDbAdapter, type DbOrTrx } from "./db.server";
import { logger } from "./logger.server";
import { provide, remember } from "./singleton.server";

/** A pg-boss instance; only a worker supervises (maintenance, expiry) and runs schedules. */
export function createBoss(connectionString: string, options: { worker: boolean }): PgBoss {
  const boss = new PgBoss({
    connectionString,
    max: options.worker ? 8 : 3,
    supervise: options.worker,
    schedule: options.worker,
    migrate: true,
  });
  boss.on("error", (error) => logger.error({ err: error }, "queue error"));
  return boss;
}

/** Creates every queue and its dead-letter queue, and brings their policies up to date. Idempotent. */
export async function ensureQueues(boss: PgBoss): Promise<void> {
  for (const name of Object.values(QUEUES) as QueueName[]) {
    const dead = deadLetterQueue(name);
    await boss.createQueue(dead, { name: dead, retryLimit: 0, retentionMinutes: 60 * 24 * 14 });
    const policy = { name, ...QUEUE_POLICIES[name], deadLetter: dead };
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
export function sendJob<T extends object>(
  trx: DbOrTrx,
  name: QueueName,
  data: T,
  options: { priority?: number; singletonKey?: string } = {},
): Promise<string | null> {
  return getBoss().send(name, data, { ...options, db: queueDbAdapter(trx) });
}
