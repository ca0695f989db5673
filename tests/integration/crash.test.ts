import type PgBoss from "pg-boss";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { payWithDevPayment } from "../../app/models/checkout.server";
import { useDatabase } from "../../app/utils/db.server";
import { useBoss } from "../../app/jobs/queue.server";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { eventually, insertUser, startTestBoss } from "../setup/fixtures";
import { spawnWorker, stopProcess } from "../setup/worker-process";

// A real crash: the worker process is killed with SIGKILL in the middle of a document and started again.
let database: TestDatabase;
let boss: PgBoss;
let fake: FakeOpenAI;
const workers: Awaited<ReturnType<typeof spawnWorker>>[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  boss = useBoss(await startTestBoss(database.url)); // this process only sends jobs
  fake = await startFakeOpenAI({ latencyMs: 500 });
});

afterAll(async () => {
  for (const w of workers) await stopProcess(w.process, "SIGKILL");
  await boss?.stop({ graceful: false, wait: true });
  await fake?.close();
  await database?.destroy();
});

const workerEnv = () => ({
  DATABASE_URL: database.url,
  OPENAI_API_KEY: "sk-crash-test",
  OPENAI_BASE_URL: fake.url,
  SECTION_CONCURRENCY: "2",
  // Short expiry and frequent maintenance, so the killed worker's jobs come back within seconds in this test; the
  // expiry must still cover the calls' legal longest (two calls of 5 s, or one streamed of 10 s, + 5 s of work + 5 s margin).
  LLM_TIMEOUT_SECONDS: "5",
  QUEUE_EXPIRE_SECONDS: "25",
  QUEUE_MAINTENANCE_SECONDS: "1",
});

function requestsFor(heading: string): number {
  return fake.requests.filter(
    (r) => JSON.stringify(r.body).includes(`\\"${heading}\\": `) || JSON.stringify(r.body).includes(`"${heading}": `),
  ).length;
}

it("finishes the document after SIGKILL, writing no passed section again and charging its tokens once", async () => {
  const user = await insertUser(database.db);
  const document = await createDocument(database.db, user.id, {
    topic: "Crash recovery in distributed job queues",
    pages: 12,
    language: "en",
  });
  workers.push(await spawnWorker(workerEnv()));
  expect(await payWithDevPayment(database.db, document.id, user.id)).toBe(true);

  // Kill it once a few sections are done and others are being written.
  const passedBefore = await eventually("two passed sections", async () => {
    const rows = await database.db
      .selectFrom("sections")
      .select(["id", "heading"])
      .where("document_id", "=", document.id)
      .where("status", "=", "passed")
      .execute();
    return rows.length >= 2 ? rows : undefined;
  });
  await stopProcess(workers[0].process, "SIGKILL");
  const callsAtKill = new Map(passedBefore.map((s) => [s.id, requestsFor(s.heading)]));
  expect(
    await database.db.selectFrom("documents").select("status").where("id", "=", document.id).executeTakeFirstOrThrow(),
  ).toEqual({ status: "generating" });

  workers.push(await spawnWorker(workerEnv()));
  const finished = await eventually(
    "the document to complete after the restart",
    async () => {
      const row = await database.db
        .selectFrom("documents")
        .selectAll()
        .where("id", "=", document.id)
        .executeTakeFirstOrThrow();
      return row.status === "completed" ? row : undefined;
    },
    90_000,
  ).catch(async (error) => {
    const row = await database.db
      .selectFrom("documents")
      .select(["status", "progress_stage", "failure_reason"])
      .where("id", "=", document.id)
      .executeTakeFirst();
    const sections = await database.db
      .selectFrom("sections")
      .innerJoin("section_attempts", "section_attempts.section_id", "sections.id")
      .select(["index", "status", "section_attempts.attempt", "section_attempts.feedback", "section_attempts.scores"])
      .where("document_id", "=", document.id)
      .where("status", "=", "failed")
      .execute();
    throw new Error(`${error.message}: ${JSON.stringify({ row, sections })}\n${workers.at(-1)?.output().slice(-3000)}`);
  });
  expect(finished.progress_percent).toBe(100);

  const sections = await database.db
    .selectFrom("sections")
    .select(["id", "heading", "status"])
    .where("document_id", "=", document.id)
    .execute();
  expect(sections).toHaveLength(7);
  expect(sections.every((s) => s.status === "passed")).toBe(true);
  for (const section of sections) {
    const attempts = await database.db
      .selectFrom("section_attempts")
      .select(["attempt", "passed"])
      .where("section_id", "=", section.id)
      .execute();
    expect(attempts.filter((a) => a.passed)).toHaveLength(1);
    const usage = await database.db
      .selectFrom("token_usage")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("section_id", "=", section.id)
      .executeTakeFirstOrThrow();
    expect(usage.n).toBe(attempts.length); // one charge per stored attempt
  }
  // The sections passed before the crash were never asked of the writer again.
  for (const [id, calls] of callsAtKill) {
    const heading = passedBefore.find((s) => s.id === id)!.heading;
    expect(requestsFor(heading)).toBe(calls);
    expect(calls).toBe(1);
  }
}, 150_000);
