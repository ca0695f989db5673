// A customer marked premium (or no longer) has their orders' waiting jobs moved up (or back) in the queue at once,
// not only the orders they pay for next.
import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";
import { QUEUES } from "./definitions";
import { planPriority, sectionPriority } from "./priorities";

/**
 * Gives the waiting (not yet started) plan and section jobs of `userId`'s orders the priority their tier gives them
 * now; call it in the transaction that changes `users.premium`. Returns how many jobs it changed.
 */
export async function reprioritizeWaitingJobs(trx: DbOrTrx, userId: string, premium: boolean): Promise<number> {
  const { rows } = await sql<{
    id: string;
    name: string;
    priority: number;
    express: boolean;
    pages: number;
    index: number | null;
  }>`
    select j.id, j.name, j.priority, d.express, d.pages, s.index
    from pgboss.job j
    join documents d on d.id::text = j.data->>'documentId'
    left join sections s on s.id::text = j.data->>'sectionId' and s.document_id = d.id
    where j.name in (${QUEUES.planDocument}, ${QUEUES.writeSection}) and j.state < 'active' and d.user_id = ${userId}
    for update of j`.execute(trx);
  const changes = rows
    .map((job) => {
      const first = premium || job.express;
      const priority =
        job.name === QUEUES.planDocument
          ? planPriority(first)
          : job.index === null
            ? job.priority
            : sectionPriority(first, job.pages, job.index);
      return { ...job, priority, changed: priority !== job.priority };
    })
    .filter((job) => job.changed);
  if (changes.length === 0) return 0;
  const values = sql.join(changes.map((job) => sql`(${job.id}::uuid, ${job.name}::text, ${job.priority}::int)`));
  await sql`
    update pgboss.job j set priority = v.priority
    from (values ${values}) as v(id, name, priority)
    where j.name = v.name and j.id = v.id and j.state < 'active'`.execute(trx);
  return changes.length;
}
