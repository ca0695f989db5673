import type PgBoss from "pg-boss";
import pg from "pg";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { payWithDevPayment } from "../../app/models/checkout.server";
import { queueDbAdapter, useDatabase } from "../../app/utils/db.server";
import { logger } from "../../app/utils/logger.server";
import { useBoss } from "../../app/jobs/queue.server";
import { wordsPerPage } from "../../app/utils/catalog";
import type { PipelineContext } from "../../worker/context";
import { createPipelineMachinery } from "../../worker/machinery";
import { startWorker } from "../../worker/index";
import { OpenAIProvider } from "../../worker/llm/openai";
import { LlmRouter } from "../../worker/llm/router";
import { planDocument } from "../../worker/pipeline/plan";
import { writeSection } from "../../worker/pipeline/write-section";
import { JOBS_CHANNEL, QUEUES } from "../../app/jobs/definitions";
import type { QueueRunner } from "../../worker/runner";
import { isJudgeRequest, startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { eventually, insertUser, listenToDocumentEvents, startTestBoss } from "../setup/fixtures";

let database: TestDatabase;
let boss: PgBoss;
let fake: FakeOpenAI;
let ctx: PipelineContext;
let runner: QueueRunner;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  boss = useBoss(await startTestBoss(database.url));
  fake = await startFakeOpenAI({ latencyMs: 20 });
  ctx = {
    db: database.db,
    router: new LlmRouter([new OpenAIProvider({ apiKey: "sk-fake-key", baseURL: fake.url, model: "gpt-4o-mini" })]),
    log: logger,
    sectionConcurrency: 3,
    completionThreshold: 0.85,
    machinery: createPipelineMachinery(),
  };
  runner = await startWorker(boss, ctx, { connectionString: database.url });
});

afterAll(async () => {
  await runner?.stop(5000);
  await boss?.stop({ graceful: false, wait: true });
  await fake?.close();
  await database?.destroy();
});

async function paidDocument(pages = 6) {
  const user = await insertUser(database.db);
  const document = await createDocument(database.db, user.id, {
    topic: "Urban heat islands in Mediterranean cities",
    pages,
    language: "en",
  });
  expect(await payWithDevPayment(database.db, document.id, user.id)).toBe(true);
  return { user, document };
}

function waitForStatus(documentId: string, statuses: string[]) {
  return eventually(`document ${documentId} to reach ${statuses.join("/")}`, async () => {
    const row = await database.db
      .selectFrom("documents")
      .selectAll()
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    return statuses.includes(row.status) ? row : undefined;
  });
}

describe("the generation pipeline with the real openai SDK against the fake server", () => {
  it("plans, writes every section as its own job, assembles, and reports progress as it goes", async () => {
    const listener = await listenToDocumentEvents(database.url);
    const { document } = await paidDocument(6);
    const finished = await waitForStatus(document.id, ["completed"]);
    await new Promise((r) => setTimeout(r, 200)); // let the last NOTIFY arrive
    await listener.close();

    const sections = await database.db
      .selectFrom("sections")
      .selectAll()
      .where("document_id", "=", document.id)
      .orderBy("index")
      .execute();
    expect(sections).toHaveLength(4); // 6 pages → 4 sections
    expect(sections.every((s) => s.status === "passed" && s.provider === "openai" && s.model === "gpt-4o-mini")).toBe(
      true,
    );
    expect(sections.map((s) => s.heading)[0]).toBe("Introduction");
    for (const s of sections) {
      expect(s.word_count).toBeGreaterThanOrEqual(Math.floor(0.6 * s.target_words));
      expect(finished.content).toContain(`## ${s.heading}`);
    }
    // 6 pages × the words a page holds in English, split so the budgets add up to the order.
    expect(sections.reduce((n, s) => n + s.target_words, 0)).toBe(6 * wordsPerPage("en"));
    expect(finished.progress_percent).toBe(100);
    expect(finished.offline_demo).toBe(false);

    // Every call went through the SDK with our key; one outline call plus one per section.
    const ours = fake.requests.filter((r) => JSON.stringify(r.body).includes("Urban heat islands"));
    expect(ours).toHaveLength(1 + sections.length);
    expect(ours.every((r) => r.authorization === "Bearer sk-fake-key")).toBe(true);

    // Tokens: one usage row per call, summed onto the document.
    const usage = await database.db
      .selectFrom("token_usage")
      .selectAll()
      .where("document_id", "=", document.id)
      .execute();
    expect(usage).toHaveLength(1 + sections.length);
    const tokensOut = usage.reduce((n, u) => n + u.tokens_out, 0);
    expect(Number(finished.tokens_out)).toBe(tokensOut);
    expect(Number(finished.cost_microdollars)).toBeGreaterThan(0);

    // Each section was its own completed section.write job.
    const jobs = await sql<{
      state: string;
    }>`select state from pgboss.job where name = ${QUEUES.writeSection} and data->>'documentId' = ${document.id}`.execute(
      database.db,
    );
    expect(jobs.rows).toHaveLength(sections.length);
    expect(jobs.rows.every((j) => j.state === "completed")).toBe(true);

    // Progress only moves forward and ends at 100 with a completed event.
    const mine = listener.events.filter((e) => e.documentId === document.id).map((e) => e.event);
    const percents = mine.flatMap((e) => (e.type === "progress" ? [e.percent] : []));
    expect(percents.length).toBeGreaterThan(sections.length);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    expect(mine.filter((e) => e.type === "section" && e.status === "passed")).toHaveLength(sections.length);
    expect(mine.at(-1)).toEqual({ type: "completed", status: "completed" });
    // Each section was announced "writing" once, before its outcome, and its start was recorded.
    for (const s of sections) {
      const ofSection = mine.flatMap((e) => (e.type === "section" && e.index === s.index ? [e.status] : []));
      expect(ofSection, `section ${s.index}`).toEqual(["writing", "passed"]);
      expect(s.started_at).not.toBeNull();
      expect(s.started_at!.getTime()).toBeLessThanOrEqual(s.completed_at!.getTime());
    }

    // After the text: the files, and the fingerprints every later order is compared with (one set per section).
    await eventually(
      "the DOCX and PDF",
      async () =>
        (
          await database.db
            .selectFrom("documents")
            .select("pdf_key")
            .where("id", "=", document.id)
            .executeTakeFirstOrThrow()
        ).pdf_key ?? undefined,
    );
    const fingerprinted = await database.db
      .selectFrom("shingles")
      .select("section_id")
      .distinct()
      .where("document_id", "=", document.id)
      .execute();
    expect(fingerprinted.map((r) => r.section_id).sort()).toEqual(sections.map((s) => s.id).sort());
  });

  it("writes a section again when the answer is far too short, with the reason in the next prompt", async () => {
    fake.shortAnswersNext(1);
    const { document } = await paidDocument(5);
    await waitForStatus(document.id, ["completed"]);
    const attempts = await database.db
      .selectFrom("section_attempts")
      .innerJoin("sections", "sections.id", "section_attempts.section_id")
      .select(["sections.index", "section_attempts.attempt", "section_attempts.passed", "section_attempts.feedback"])
      .where("sections.document_id", "=", document.id)
      .orderBy("sections.index")
      .orderBy("section_attempts.attempt")
      .execute();
    const rejected = attempts.filter((a) => !a.passed);
    expect(rejected).toHaveLength(1);
    expect((rejected[0].feedback as unknown as string[])[0]).toMatch(/had \d+ words; this section needs about \d+/);
    const retried = attempts.filter((a) => a.index === rejected[0].index);
    expect(retried.map((a) => a.attempt)).toEqual([1, 2]);
    expect(retried[1].passed).toBe(true);
    const retryPrompt = fake.requests.find((r) =>
      JSON.stringify(r.body).includes("Fix these problems of the previous attempt"),
    );
    expect(retryPrompt).toBeDefined();
  });

  it("never writes a passed section again, and charges no tokens twice, when jobs are delivered again", async () => {
    const { document } = await paidDocument(5);
    await waitForStatus(document.id, ["completed"]);
    const before = await database.db
      .selectFrom("token_usage")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("document_id", "=", document.id)
      .executeTakeFirstOrThrow();
    const calls = fake.requests.length;
    const sections = await database.db
      .selectFrom("sections")
      .select(["id", "content"])
      .where("document_id", "=", document.id)
      .execute();

    await planDocument(ctx, { documentId: document.id });
    for (const s of sections) await writeSection(ctx, { documentId: document.id, sectionId: s.id });

    const after = await database.db
      .selectFrom("token_usage")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("document_id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(fake.requests.length).toBe(calls);
    const again = await database.db
      .selectFrom("sections")
      .select(["id", "content"])
      .where("document_id", "=", document.id)
      .execute();
    expect(again).toEqual(sections);
  });

  it("marks the order paid and enqueues its generation in one transaction, once", async () => {
    const user = await insertUser(database.db);
    const document = await createDocument(database.db, user.id, {
      topic: "A transaction test topic",
      pages: 5,
      language: "de",
    });
    // A job sent inside a transaction that rolls back does not exist afterwards.
    await expect(
      database.db.transaction().execute(async (trx) => {
        await boss.send(QUEUES.planDocument, { documentId: document.id }, { db: queueDbAdapter(trx) });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    const countJobs = async () =>
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from pgboss.job where name = ${QUEUES.planDocument} and data->>'documentId' = ${document.id}`.execute(
          database.db,
        )
      ).rows[0].n;
    expect(await countJobs()).toBe(0);

    const events = await listenToDocumentEvents(database.url);
    const wakeUps: string[] = [];
    const jobs = new pg.Client({ connectionString: database.url });
    jobs.on("notification", (m) => wakeUps.push(m.payload ?? ""));
    await jobs.connect();
    await jobs.query(`LISTEN ${JOBS_CHANNEL}`);
    try {
      expect(await payWithDevPayment(database.db, document.id, user.id)).toBe(true);
      expect(await payWithDevPayment(database.db, document.id, user.id)).toBe(false);
      // On commit: the browser's "queued" event, and the runners of the plan and the receipt e-mail woken.
      await eventually(
        "the payment's notifications",
        async () =>
          wakeUps.includes(QUEUES.planDocument) &&
          wakeUps.includes(QUEUES.sendEmail) &&
          events.events.some((e) => e.documentId === document.id),
      );
      // (The test's worker then starts on the order: what follows is its own.)
      expect(events.events.find((e) => e.documentId === document.id)?.event).toEqual({
        type: "progress",
        percent: 0,
        stage: "queued",
        currentSection: null,
        totalSections: null,
        etaSeconds: null,
        status: "queued",
      });
      // Both on commit (a wake-up from an earlier test's work may arrive in between: only their presence is the point).
      expect(wakeUps).toEqual(expect.arrayContaining([QUEUES.planDocument, QUEUES.sendEmail]));
    } finally {
      await events.close();
      await jobs.end();
    }
    const paid = await database.db
      .selectFrom("documents")
      .select(["status", "paid_at"])
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(["queued", "generating"]).toContain(paid.status);
    expect(paid.paid_at).not.toBeNull();
    const receipts = await sql<{
      n: number;
    }>`select count(*)::int as n from pgboss.job where name = ${QUEUES.sendEmail} and data->>'to' = ${user.email}`.execute(
      database.db,
    );
    expect(receipts.rows[0].n).toBe(1);
    expect(await countJobs()).toBe(1);
    const payments = await database.db
      .selectFrom("payments")
      .selectAll()
      .where("document_id", "=", document.id)
      .execute();
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ provider: "dev", status: "succeeded", amount_cents: 2500 });
  });

  it("a document of another user cannot be paid", async () => {
    const owner = await insertUser(database.db);
    const stranger = await insertUser(database.db);
    const document = await createDocument(database.db, owner.id, {
      topic: "Somebody else's order",
      pages: 5,
      language: "en",
    });
    expect(await payWithDevPayment(database.db, document.id, stranger.id)).toBe(false);
    const row = await database.db
      .selectFrom("documents")
      .select("status")
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("awaiting_payment");
  });

  it("gives the writer the customer's instructions and the confirmed text of the requirements file", async () => {
    const user = await insertUser(database.db);
    const document = await createDocument(database.db, user.id, {
      topic: "Coastal erosion management in the Baltic",
      pages: 5,
      language: "pl",
    });
    await database.db
      .updateTable("documents")
      .set({
        instructions: "Include a chapter on Poland.",
        requirements_text: "The essay must cite EU Directive 2007/60/EC.",
      })
      .where("id", "=", document.id)
      .execute();
    expect(await payWithDevPayment(database.db, document.id, user.id)).toBe(true);
    await waitForStatus(document.id, ["completed"]);
    const prompts = fake.requests
      .filter(
        (r) =>
          JSON.stringify(r.body).includes("Coastal erosion management") &&
          !r.body.messages.some((m: { content: string }) => isJudgeRequest(m.content)),
      )
      .map((r) => JSON.stringify(r.body));
    expect(prompts).toHaveLength(5); // the outline and 4 sections (the requirements judge's two calls aside)
    expect(
      prompts.every((p) => p.includes("Include a chapter on Poland.") && p.includes("EU Directive 2007/60/EC")),
    ).toBe(true);
  });
});
