// The queues as pg-boss keeps them (its `pgboss.job` table): jobs per queue and state, and the stuck ones — active past
// their expiry, whose worker most likely died (pg-boss' maintenance fails them for a retry every few seconds, so one
// that stays stuck means no worker supervises the queues).
import { sql } from "kysely";
import { QUEUES, deadLetterQueue, type QueueName } from "../jobs/definitions";
import type { DbOrTrx } from "../utils/db.server";

/** pg-boss 10's job states, in the order a job goes through them. */
export const JOB_STATES = ["created", "retry", "active", "completed", "cancelled", "failed"] as const;
export type JobState = (typeof JOB_STATES)[number];

export type QueueCounts = { queue: string; states: Record<JobState, number>; stuck: number };

const STUCK = sql<boolean>`state = 'active' and started_on + expire_in < now()`;

/** Every queue we run (the dead-letter ones after the working ones), with its jobs counted by state and the stuck ones. */
export async function countJobsByQueue(db: DbOrTrx): Promise<QueueCounts[]> {
  const { rows } = await sql<{ name: string; state: JobState; jobs: number; stuck: number }>`
    select name, state::text as state, count(*)::int as jobs, (count(*) filter (where ${STUCK}))::int as stuck
    from pgboss.job group by name, state`.execute(db);
  const working = Object.values(QUEUES) as QueueName[];
  const names = [...working, ...working.map(deadLetterQueue)];
  for (const row of rows) if (!names.includes(row.name as QueueName)) names.push(row.name as QueueName);
  return names.map((queue) => {
    const states = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
    let stuck = 0;
    for (const row of rows.filter((r) => r.name === queue)) {
      states[row.state] = row.jobs;
      stuck += row.stuck;
    }
    return { queue, states, stuck };
  });
}

export type StuckJob = {
  id: string;
  queue: string;
  started_on: Date;
  expired_on: Date;
  retry_count: number;
  document_id: string | null;
};

/** The stuck jobs, longest stuck first. */
export async function listStuckJobs(db: DbOrTrx, limit = 50): Promise<StuckJob[]> {
  const { rows } = await sql<StuckJob>`
    select id, name as queue, started_on, started_on + expire_in as expired_on, retry_count,
      case when data->>'documentId' ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then data->>'documentId' end
        as document_id
    from pgboss.job where ${STUCK}
    order by started_on + expire_in, id limit ${limit}`.execute(db);
  return rows;
}
