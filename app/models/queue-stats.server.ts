import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";
import { QUEUES, deadLetterQueue } from "../jobs/definitions";

export type QueueStat = {
  queue: string;
  /** Jobs not yet taken by a worker: new, and retries (including those whose time has not come yet). */
  depth: number;
  /** Of those, the ones a worker could take now. */
  ready: number;
  /** Seconds the longest-waiting ready job has waited since it could run (null: none waits). */
  oldestWaitingSeconds: number | null;
};

/** Every queue of app/jobs/definitions.ts, then its dead-letter queue: the order the admin screens list them in. */
export function queueNames(): string[] {
  const working = Object.values(QUEUES);
  return [...working, ...working.map((name) => deadLetterQueue(name))];
}

/**
 * Depth and lag of every queue, from pg-boss' job table (states created and retry, which its index on
 * (name, start_after) covers); a queue without waiting jobs is listed with zeros.
 */
export async function readQueueStats(db: DbOrTrx): Promise<QueueStat[]> {
  const { rows } = await sql<{ name: string; depth: number; ready: number; oldest: number | null }>`
    select name, count(*)::int as depth,
      count(*) filter (where start_after <= now())::int as ready,
      extract(epoch from now() - min(start_after) filter (where start_after <= now()))::float8 as oldest
    from pgboss.job
    where state < 'active'
    group by name`.execute(db);
  const byName = new Map(rows.map((row) => [row.name, row]));
  const known = queueNames();
  const others = rows.map((row) => row.name).filter((name) => !known.includes(name));
  return [...known, ...others.sort()].map((queue) => {
    const row = byName.get(queue);
    return {
      queue,
      depth: row?.depth ?? 0,
      ready: row?.ready ?? 0,
      oldestWaitingSeconds: row?.oldest == null ? null : Math.max(0, Math.round(row.oldest)),
    };
  });
}

/**
 * Jobs that arrived in each dead-letter queue in the last `minutes`, from everything pg-boss keeps (waiting, handled,
 * and archived): the dead-letter handler takes each at once, so the depth of those queues would not show them.
 */
export async function readRecentDeadLetters(db: DbOrTrx, minutes: number): Promise<{ queue: string; count: number }[]> {
  const working = Object.values(QUEUES);
  const deadQueues = working.map((name) => deadLetterQueue(name));
  const { rows } = await sql<{ name: string; count: number }>`
    select name, count(*)::int as count from (
      select name from pgboss.job where name in (${sql.join(deadQueues)})
        and created_on > now() - make_interval(mins => ${minutes})
      union all
      select name from pgboss.archive where name in (${sql.join(deadQueues)})
        and created_on > now() - make_interval(mins => ${minutes})
    ) arrived group by name`.execute(db);
  const byName = new Map(rows.map((row) => [row.name, row.count]));
  return deadQueues.map((queue) => ({ queue, count: byName.get(queue) ?? 0 }));
}
