// Issue 17: every job's payload is checked against its queue's zod schema where the worker's runner hands it to the
// handler, so a handler never works on a payload that arrived as `any`.
import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES, deadLetterQueue } from "../../app/jobs/definitions";
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

async function finished(queue: string, id: string | null) {
  return eventually(`job ${id} of ${queue} to finish`, async () => {
    const job = await boss.getJobById(queue, id!);
    return job && (job.state === "completed" || job.state === "failed") ? job : undefined;
  });
}

describe("job payloads are checked at the edge of their handler", () => {
  it("a malformed payload fails its job with a message that names each wrong field, and its handler never runs", async () => {
    const runner = new QueueRunner(boss, database.url, logger);
    const received: unknown[] = [];
    runner.register(QUEUES.writeSection, async (job) => void received.push(job), 1, { idlePollMs: 200 });
    await runner.start();
    try {
      const garbled = await boss.send(QUEUES.writeSection, { documentId: "1 or 1=1", attempt: "2" }, { retryLimit: 0 });
      const well = { documentId: randomUUID(), sectionId: randomUUID(), attempt: 2 };
      const formed = await boss.send(
        QUEUES.writeSection,
        { ...well, smuggled: "dropped before the handler" },
        { retryLimit: 0 },
      );

      const failed = await finished(QUEUES.writeSection, garbled);
      expect(failed.state).toBe("failed");
      expect(failed.output).toEqual({
        name: "InvalidJobPayloadError",
        message:
          "The payload of this section.write job is not valid: documentId must be an id (a UUID); sectionId must be an id (a UUID); attempt must be a whole number from 1.",
      });
      expect((await finished(QUEUES.writeSection, formed)).state).toBe("completed");
      // Only the well-formed job reached the handler, with the fields its schema names.
      expect(received).toEqual([well]);
    } finally {
      await runner.stop(2000);
    }
  });

  it("a job that is no JSON object at all fails the same way; a dead letter needs only a readable document id", async () => {
    const runner = new QueueRunner(boss, database.url, logger);
    const dead: unknown[] = [];
    runner.register(QUEUES.sendEmail, async () => {}, 1, { idlePollMs: 200 });
    runner.register(deadLetterQueue(QUEUES.planDocument), async (data) => void dead.push(data), 1, { idlePollMs: 200 });
    await runner.start();
    try {
      const notAnObject = await boss.send(QUEUES.sendEmail, 42 as never, { retryLimit: 0 });
      expect((await finished(QUEUES.sendEmail, notAnObject)).output).toMatchObject({
        message: "The payload of this email.send job is not valid: the payload must be a JSON object.",
      });
      const documentId = randomUUID();
      const letter = await boss.send(deadLetterQueue(QUEUES.planDocument), { documentId, rest: "kept" });
      expect((await finished(deadLetterQueue(QUEUES.planDocument), letter)).state).toBe("completed");
      expect(dead).toEqual([{ documentId, rest: "kept" }]);
    } finally {
      await runner.stop(2000);
    }
  });
});
