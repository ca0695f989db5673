import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import { JobCompletions } from "../../worker/job-completions";
import { logger } from "../../app/utils/logger.server";
import { QueueRunner } from "../../worker/runner";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { eventually, startTestBoss } from "../setup/fixtures";

let database: TestDatabase;
let boss: PgBoss;

beforeAll(async () => {
  database = await createTestDatabase();
  boss = await startTestBoss(database.url);
});

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await database?.destroy();
});

async function activeJobs(count: number): Promise<string[]> {
  const queue = QUEUES.sendEmail;
  for (let i = 0; i < count; i++) await boss.send(queue, { to: `reader${i}@example.com`, subject: "s", text: "t" });
  const jobs = await boss.fetch(queue, { batchSize: count });
  expect(jobs).toHaveLength(count);
  return jobs.map((job) => job.id);
}

async function stateOf(id: string): Promise<string | undefined> {
  return (await boss.getJobById(QUEUES.sendEmail, id))?.state;
}

describe("job completions", () => {
  it("completes jobs that finish while one completion is on its way together, in one statement", async () => {
    const ids = await activeJobs(6);
    const statements: string[][] = [];
    const counted = {
      complete: (name: string, batch: string | string[]) => {
        statements.push([batch].flat());
        return boss.complete(name, batch as string[]);
      },
    } as Pick<PgBoss, "complete">;
    const completions = new JobCompletions(counted);
    await Promise.all(ids.map((id) => completions.complete(QUEUES.sendEmail, id)));
    // The first goes at once; the five that finished while it was on its way go together.
    expect(statements).toEqual([[ids[0]], ids.slice(1)]);
    for (const id of ids) expect(await stateOf(id)).toBe("completed");

    // One finishing on its own later goes on its own.
    const [later] = await activeJobs(1);
    await completions.complete(QUEUES.sendEmail, later);
    expect(statements.at(-1)).toEqual([later]);
    expect(await stateOf(later)).toBe("completed");
  });

  it("reports a failed completion to every job in its statement, and goes on with the next ones", async () => {
    const ids = await activeJobs(3);
    let calls = 0;
    const flaky = {
      complete: (name: string, batch: string | string[]) =>
        ++calls === 2 ? Promise.reject(new Error("connection lost")) : boss.complete(name, batch as string[]),
    } as Pick<PgBoss, "complete">;
    const completions = new JobCompletions(flaky);
    const results = await Promise.allSettled(ids.map((id) => completions.complete(QUEUES.sendEmail, id)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected"]);
    expect(await stateOf(ids[0])).toBe("completed");
    expect(await stateOf(ids[1])).toBe("active"); // its caller fails it, or it expires and is retried
    const [next] = await activeJobs(1);
    await completions.complete(QUEUES.sendEmail, next);
    expect(await stateOf(next)).toBe("completed");
  });
});

describe("the queue runner's idle poll", () => {
  it("finds a job that came without a NOTIFY (pg-boss' own moves, delayed jobs) at the queue's own interval, and completes it", async () => {
    const runner = new QueueRunner(boss, database.url, logger);
    const ran: string[] = [];
    runner.register(QUEUES.sendEmail, async (data: { to: string }) => void ran.push(data.to), 1, { idlePollMs: 200 });
    await runner.start();
    try {
      await new Promise((r) => setTimeout(r, 50)); // the runner's first look has found nothing
      const id = await boss.send(QUEUES.sendEmail, {
        to: "polled@example.com",
        subject: "s",
        text: "t",
        html: "<p>t</p>",
      }); // no NOTIFY
      await eventually("the polled job to run", async () => ran.includes("polled@example.com"));
      await eventually("the polled job to be completed", async () => (await stateOf(id!)) === "completed");
    } finally {
      await runner.stop(2000);
    }
  });
});
