// Issue 18, item 7: marking a customer premium (or standard again) gives their orders' waiting plan and section jobs the
// priority their tier gives now, in the same transaction; a job already running, and other customers' jobs, keep theirs.
import type PgBoss from "pg-boss";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import { planPriority, sectionPriority } from "../../app/jobs/priorities";
import { sendJob, useBoss } from "../../app/jobs/queue.server";
import { setPremium } from "../../app/models/account-admin.server";
import { createDocument } from "../../app/models/documents.server";
import { useDatabase } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser, startTestBoss } from "../setup/fixtures";

let database: TestDatabase;
let boss: PgBoss;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  boss = useBoss(await startTestBoss(database.url));
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await database?.destroy();
});

/** A paid order of `pages` pages with `sections` sections, its plan job and one waiting write job per section. */
async function orderWithWaitingJobs(userId: string, pages: number, sections: number) {
  const document = await createDocument(database.db, userId, { topic: "Tides", pages, language: "en" });
  await database.db.updateTable("documents").set({ status: "generating" }).where("id", "=", document.id).execute();
  const planJob = await sendJob(database.db, QUEUES.planDocument, { documentId: document.id }, { wake: false });
  const sectionJobs: string[] = [];
  for (let index = 0; index < sections; index++) {
    const section = await database.db
      .insertInto("sections")
      .values({
        document_id: document.id,
        index,
        heading: `Part ${index}`,
        brief: "b",
        key_points: JSON.stringify([]),
        source_keys: JSON.stringify([]),
        target_words: 300,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const job = await sendJob(
      database.db,
      QUEUES.writeSection,
      { documentId: document.id, sectionId: section.id },
      { priority: sectionPriority(false, pages, index), wake: false },
    );
    sectionJobs.push(job!);
  }
  return { planJob: planJob!, sectionJobs };
}

async function priorityOf(jobId: string): Promise<number> {
  const { rows } = await sql<{ priority: number }>`select priority from pgboss.job where id = ${jobId}`.execute(
    database.db,
  );
  return rows[0]!.priority;
}

const AUDIT = { actorUserId: null, reason: "partnership account" };

describe("premium re-prioritises the customer's waiting jobs", () => {
  it("raises their waiting plan and section jobs, leaves a running one and other customers' alone, and undoes it", async () => {
    const customer = await insertUser(database.db);
    const other = await insertUser(database.db);
    const mine = await orderWithWaitingJobs(customer.id, 20, 3);
    const theirs = await orderWithWaitingJobs(other.id, 20, 1);
    // One of the customer's section jobs is already being written: its priority no longer matters.
    await sql`update pgboss.job set state = 'active' where id = ${mine.sectionJobs[2]}`.execute(database.db);

    expect(await setPremium(database.db, customer.id, true, AUDIT)).toEqual({ outcome: "done", jobsReprioritized: 3 });
    expect(await priorityOf(mine.planJob)).toBe(planPriority(true));
    expect(await priorityOf(mine.sectionJobs[0]!)).toBe(sectionPriority(true, 20, 0));
    expect(await priorityOf(mine.sectionJobs[1]!)).toBe(sectionPriority(true, 20, 1));
    expect(await priorityOf(mine.sectionJobs[2]!)).toBe(sectionPriority(false, 20, 2));
    expect(await priorityOf(theirs.planJob)).toBe(planPriority(false));
    expect(await priorityOf(theirs.sectionJobs[0]!)).toBe(sectionPriority(false, 20, 0));

    // Asked twice, nothing changes and nothing more is audited.
    expect(await setPremium(database.db, customer.id, true, AUDIT)).toEqual({
      outcome: "unchanged",
      jobsReprioritized: 0,
    });

    expect(await setPremium(database.db, customer.id, false, AUDIT)).toEqual({ outcome: "done", jobsReprioritized: 3 });
    expect(await priorityOf(mine.planJob)).toBe(planPriority(false));
    expect(await priorityOf(mine.sectionJobs[1]!)).toBe(sectionPriority(false, 20, 1));

    const audit = await database.db
      .selectFrom("audit_log")
      .select(["action", "details"])
      .where("target_id", "=", customer.id)
      .orderBy("id")
      .execute();
    expect(audit).toEqual([
      { action: "user.premium_granted", details: { jobsReprioritized: 3 } },
      { action: "user.premium_revoked", details: { jobsReprioritized: 3 } },
    ]);
  });
});
