import type PgBoss from "pg-boss";
import pg from "pg";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { payWithDevPayment } from "../../app/models/checkout.server";
import { useDatabase } from "../../app/utils/db.server";
import { logger } from "../../app/utils/logger.server";
import { useBoss } from "../../app/jobs/queue.server";
import type { PipelineContext } from "../../worker/context";
import { createPipelineMachinery } from "../../worker/machinery";
import { startWorker } from "../../worker/index";
import { refundPayment } from "../../worker/jobs/refund-payment";
import { AnthropicProvider } from "../../worker/llm/anthropic";
import { OpenAIProvider } from "../../worker/llm/openai";
import { AllProvidersFailedError, type LlmProvider } from "../../worker/llm/provider";
import { LlmRouter, type RouterOptions } from "../../worker/llm/router";
import { CitationEngine } from "../../worker/export/bibliography";
import { buildPreview } from "../../worker/export/deliver";
import { assembleDocument } from "../../worker/pipeline/assemble";
import { planDocument } from "../../worker/pipeline/plan";
import { QUALITY_FAILURE_REASON, reviewDocument } from "../../worker/pipeline/review";
import { writeSection } from "../../worker/pipeline/write-section";
import { QUEUES } from "../../app/jobs/definitions";
import { startFakeAnthropic, type FakeAnthropic } from "../fakes/anthropic";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { eventually, insertUser, startTestBoss } from "../setup/fixtures";

let database: TestDatabase;
let boss: PgBoss;
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  boss = useBoss(await startTestBoss(database.url));
  openai = await startFakeOpenAI();
  anthropic = await startFakeAnthropic();
});

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await openai?.close();
  await anthropic?.close();
  await database?.destroy();
});

const openaiProvider = (timeoutMs = 5000) =>
  new OpenAIProvider({ apiKey: "sk-openai", baseURL: openai.url, model: "gpt-4o-mini", timeoutMs });
const anthropicProvider = () =>
  new AnthropicProvider({ apiKey: "sk-ant", baseURL: anthropic.url, model: "claude-sonnet-4-6" });
const section = {
  system: "s",
  prompt: "Write. Length: about <words>50</words> words.",
  intent: {
    kind: "section" as const,
    topic: "t",
    language: "en",
    heading: "h",
    keyPoints: [],
    targetWords: 50,
    attempt: 1,
  },
};

/** A router whose sleeps are recorded instead of waited, with jitter fixed by `random`. */
function routerWith(chain: LlmProvider[], options: RouterOptions & { random?: () => number } = {}) {
  const delays: number[] = [];
  const router = new LlmRouter(chain, {
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0,
    ...options,
  });
  return { router, delays };
}

describe("the router's one retry mechanism", () => {
  it("retries 5xx after 2, 4 and 8 s, then succeeds", async () => {
    openai.failNext({ status: 500 }, 3);
    const before = openai.requests.length;
    const { router, delays } = routerWith([openaiProvider()]);
    const result = await router.complete(section);
    expect(result.provider).toBe("openai");
    expect(delays).toEqual([2000, 4000, 8000]);
    expect(openai.requests.length - before).toBe(4);
  });

  it("adds up to 25 % jitter and honours Retry-After", async () => {
    openai.failNext({ status: 503 });
    const jittered = routerWith([openaiProvider()], { random: () => 1 });
    await jittered.router.complete(section);
    expect(jittered.delays).toEqual([2500]);

    openai.failNext({ status: 429, retryAfterSeconds: 7 });
    const polite = routerWith([openaiProvider()]);
    await polite.router.complete(section);
    expect(polite.delays).toEqual([7000]);
  });

  it("retries timeouts, connection errors and malformed bodies", async () => {
    openai.failNext({ kind: "timeout" });
    openai.failNext({ kind: "malformed" });
    const { router, delays } = routerWith([openaiProvider(300)]);
    expect((await router.complete(section)).provider).toBe("openai");
    expect(delays).toHaveLength(2);

    const refused = routerWith([
      new OpenAIProvider({ apiKey: "k", baseURL: "http://127.0.0.1:1/v1", model: "m" }),
      anthropicProvider(),
    ]);
    expect((await refused.router.complete(section)).provider).toBe("anthropic");
    expect(refused.delays).toHaveLength(3); // the unreachable server was retried before falling back
  });

  it("goes to the next provider at once on a non-retryable error, in chain order", async () => {
    openai.failNext({ status: 400, message: "bad request" });
    const { router, delays } = routerWith([openaiProvider(), anthropicProvider()]);
    expect((await router.complete(section)).provider).toBe("anthropic");
    expect(delays).toEqual([]);

    anthropic.failNext({ status: 401 });
    const reversed = routerWith([anthropicProvider(), openaiProvider()]);
    expect((await reversed.router.complete(section)).provider).toBe("openai");
  });

  it("falls back after a provider's retries are used up, and reports every failure when the chain is exhausted", async () => {
    openai.failNext({ status: 500 }, 4);
    const fallback = routerWith([openaiProvider(), anthropicProvider()]);
    expect((await fallback.router.complete(section)).provider).toBe("anthropic");

    openai.failNext({ status: 500 }, 4);
    anthropic.failNext({ status: 529 }, 4);
    const { router } = routerWith([openaiProvider(), anthropicProvider()]);
    const error = await router.complete(section).catch((e) => e);
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect((error as AllProvidersFailedError).failures.map((f) => f.provider)).toEqual([
      ...Array(4).fill("openai:gpt-4o-mini"),
      ...Array(4).fill("anthropic:claude-sonnet-4-6"),
    ]);
  });

  it("caps calls in flight per provider", async () => {
    let inFlight = 0;
    let peak = 0;
    const slow: LlmProvider = {
      name: "slow",
      model: "m",
      breakerKey: null,
      async complete() {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        return { text: "x", tokensIn: 1, tokensOut: 1, provider: "slow", model: "m" };
      },
    };
    const router = new LlmRouter([slow], { concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => router.complete(section)));
    expect(peak).toBe(2);
  });
});

describe("circuit breakers in the router", () => {
  beforeEach(async () => {
    await database.db.deleteFrom("provider_breakers").execute();
  });

  it("opens after 5 failures in 60 s and skips the provider without a call; half-open after 60 s; closed after 2 successes", async () => {
    let now = new Date("2026-11-21T10:00:00Z");
    const make = () => routerWith([openaiProvider(), anthropicProvider()], { db: database.db, now: () => now });

    openai.failNext({ status: 500 }, 4);
    expect((await make().router.complete(section)).provider).toBe("anthropic"); // 4 tries, then fallback
    openai.failNext({ status: 500 });
    expect((await make().router.complete(section)).provider).toBe("anthropic"); // the 5th failure opens it
    const state = await database.db
      .selectFrom("provider_breakers")
      .selectAll()
      .where("provider", "=", "openai")
      .executeTakeFirstOrThrow();
    expect(state.state).toBe("open");

    const calls = openai.requests.length;
    expect((await make().router.complete(section)).provider).toBe("anthropic");
    expect(openai.requests.length).toBe(calls); // skipped without a call

    now = new Date(now.getTime() + 61_000);
    expect((await make().router.complete(section)).provider).toBe("openai"); // half-open lets it try
    expect(
      (
        await database.db
          .selectFrom("provider_breakers")
          .select("state")
          .where("provider", "=", "openai")
          .executeTakeFirstOrThrow()
      ).state,
    ).toBe("half_open");
    await make().router.complete(section);
    expect(
      (
        await database.db
          .selectFrom("provider_breakers")
          .select("state")
          .where("provider", "=", "openai")
          .executeTakeFirstOrThrow()
      ).state,
    ).toBe("closed");
  });

  it("a failure while half-open opens it again at once", async () => {
    let now = new Date("2026-11-21T11:00:00Z");
    const make = () => routerWith([openaiProvider(), anthropicProvider()], { db: database.db, now: () => now });
    openai.failNext({ status: 500 }, 5);
    await make().router.complete(section);
    await make()
      .router.complete(section)
      .catch(() => {});
    now = new Date(now.getTime() + 61_000);
    openai.failNext({ status: 500 });
    const { router, delays } = make();
    expect((await router.complete(section)).provider).toBe("anthropic");
    expect(delays).toEqual([]); // open again: no retries against it
    expect(
      (
        await database.db
          .selectFrom("provider_breakers")
          .select("state")
          .where("provider", "=", "openai")
          .executeTakeFirstOrThrow()
      ).state,
    ).toBe("open");
  });
});

function pipelineContext(router: LlmRouter, extra: Partial<PipelineContext> = {}): PipelineContext {
  return {
    db: database.db,
    router,
    log: logger,
    sectionConcurrency: 2,
    completionThreshold: 0.85,
    machinery: createPipelineMachinery(),
    ...extra,
  };
}

async function paidAndQueued(pages = 5) {
  const user = await insertUser(database.db);
  const document = await createDocument(database.db, user.id, {
    topic: `Engine test ${Math.random()}`,
    pages,
    language: "en",
  });
  await boss.offWork(QUEUES.planDocument).catch(() => {});
  expect(await payWithDevPayment(database.db, document.id, user.id)).toBe(true);
  return { user, document };
}

describe("failure handling in the pipeline", () => {
  it("when every writer fails on the last try, the sections fail, the review fails the order and refunds it", async () => {
    const { user, document } = await paidAndQueued(5);
    const working = pipelineContext(routerWith([openaiProvider()]).router);
    await planDocument(working, { documentId: document.id });
    const sections = await database.db
      .selectFrom("sections")
      .select("id")
      .where("document_id", "=", document.id)
      .execute();

    const broken = pipelineContext(routerWith([openaiProvider(), anthropicProvider()]).router);
    openai.failNext({ status: 500 }, 4 * (sections.length + 1));
    anthropic.failNext({ status: 500 }, 4 * (sections.length + 1));
    // Not the last try: the job fails and pg-boss will retry it.
    await expect(
      writeSection(broken, { documentId: document.id, sectionId: sections[0].id }, { isLastTry: false }),
    ).rejects.toBeInstanceOf(AllProvidersFailedError);
    for (const s of sections)
      await writeSection(broken, { documentId: document.id, sectionId: s.id }, { isLastTry: true });

    const statuses = await database.db
      .selectFrom("sections")
      .select("status")
      .where("document_id", "=", document.id)
      .execute();
    expect(statuses.every((s) => s.status === "failed")).toBe(true);
    await reviewDocument(working, { documentId: document.id });
    const failed = await database.db
      .selectFrom("documents")
      .selectAll()
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ status: "failed_quality", failure_reason: QUALITY_FAILURE_REASON });

    const refundJobs = await sql<{
      data: { paymentId: string; reason: string };
    }>`select data from pgboss.job where name = ${QUEUES.refundPayment} and data->>'documentId' = ${document.id}`.execute(
      database.db,
    );
    expect(refundJobs.rows).toHaveLength(1);
    await refundPayment(working, refundJobs.rows[0].data);
    const payment = await database.db
      .selectFrom("payments")
      .select(["status", "refunded_cents", "amount_cents"])
      .where("document_id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(payment).toEqual({ status: "refunded", refunded_cents: 2500, amount_cents: 2500 });
    expect(
      (
        await database.db
          .selectFrom("documents")
          .select("status")
          .where("id", "=", document.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe("refunded");
    const apology = await sql<{
      n: number;
    }>`select count(*)::int as n from pgboss.job where name = ${QUEUES.sendEmail} and data->>'to' = ${user.email} and data->>'text' like '%we are sorry%'`.execute(
      database.db,
    );
    expect(apology.rows[0].n).toBe(0); // the refund email carries the reason…
    const refundEmail = await sql<{
      text: string;
    }>`select data->>'text' as text from pgboss.job where name = ${QUEUES.sendEmail} and data->>'subject' like 'Refund%' and data->>'to' = ${user.email}`.execute(
      database.db,
    );
    expect(refundEmail.rows[0].text).toContain("We are sorry."); // …with the apology
  });

  it("delivers 9 of 10 sections with warnings, and refunds 7 of 10", async () => {
    for (const [passed, expected] of [
      [9, "generating"],
      [7, "failed_quality"],
    ] as const) {
      const { document } = await paidAndQueued(17); // 17 pages → 10 sections
      const ctx = pipelineContext(routerWith([openaiProvider()]).router);
      await planDocument(ctx, { documentId: document.id });
      const sections = await database.db
        .selectFrom("sections")
        .select(["id", "index"])
        .where("document_id", "=", document.id)
        .orderBy("index")
        .execute();
      expect(sections).toHaveLength(10);
      await database.db
        .updateTable("sections")
        .set((eb) => ({ status: eb.case().when("index", "<", passed).then("passed").else("failed").end() }) as never)
        .where("document_id", "=", document.id)
        .execute();
      await database.db
        .updateTable("documents")
        .set({ progress_stage: "reviewing" })
        .where("id", "=", document.id)
        .execute();
      await reviewDocument(ctx, { documentId: document.id });
      const row = await database.db
        .selectFrom("documents")
        .select(["status", "progress_stage", "quality_warnings"])
        .where("id", "=", document.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe(expected);
      expect((row.quality_warnings as unknown as string[]).length).toBe(10 - passed);
      if (expected === "generating") expect(row.progress_stage).toBe("assembling");
      const refunds = await sql<{
        n: number;
      }>`select count(*)::int as n from pgboss.job where name = ${QUEUES.refundPayment} and data->>'documentId' = ${document.id}`.execute(
        database.db,
      );
      expect(refunds.rows[0].n).toBe(expected === "failed_quality" ? 1 : 0);
    }
  });

  it("a worker that died between a document's last section and its hand-over is mended by the job's next delivery", async () => {
    const { document } = await paidAndQueued(5);
    const ctx = pipelineContext(routerWith([openaiProvider()]).router);
    await planDocument(ctx, { documentId: document.id });
    const sections = await database.db
      .selectFrom("sections")
      .select("id")
      .where("document_id", "=", document.id)
      .execute();
    // Every section finished and counted; the hand-over never happened.
    await database.db
      .updateTable("sections")
      .set({ status: "passed", content: "A written section." })
      .where("document_id", "=", document.id)
      .execute();
    await database.db
      .updateTable("documents")
      .set({ sections_finished: sections.length })
      .where("id", "=", document.id)
      .execute();
    const calls = openai.requests.length;
    await writeSection(ctx, { documentId: document.id, sectionId: sections[0].id });
    expect(openai.requests.length).toBe(calls);
    const row = await database.db
      .selectFrom("documents")
      .select("progress_stage")
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(row.progress_stage).toBe("reviewing");
    const reviews = await sql<{
      n: number;
    }>`select count(*)::int as n from pgboss.job where name = ${QUEUES.reviewDocument} and data->>'documentId' = ${document.id}`.execute(
      database.db,
    );
    expect(reviews.rows[0].n).toBe(1);
    // Delivered once more: handed over already, nothing more is sent.
    await writeSection(ctx, { documentId: document.id, sectionId: sections[1].id });
    const again = await sql<{
      n: number;
    }>`select count(*)::int as n from pgboss.job where name = ${QUEUES.reviewDocument} and data->>'documentId' = ${document.id}`.execute(
      database.db,
    );
    expect(again.rows[0].n).toBe(1);
  });

  it("two deliveries of one plan job at the same moment plan the document once, and neither fails", async () => {
    const { document } = await paidAndQueued(5);
    const ctx = pipelineContext(routerWith([openaiProvider()]).router);
    // Both ask for an outline, then wait at the document row's lock (held here until both wait), then go one by one.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query("begin");
    await holder.query("select 1 from documents where id = $1 for update", [document.id]);
    const both = Promise.all([
      planDocument(ctx, { documentId: document.id }),
      planDocument(ctx, { documentId: document.id }),
    ]);
    await eventually("both deliveries to wait for the lock", async () => {
      // Asked outside the holder's transaction, which would see one snapshot of the statistics throughout.
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(
        database.db,
      );
      return rows[0].n >= 2;
    });
    await holder.query("commit");
    await holder.end();
    await both;
    const sections = await database.db
      .selectFrom("sections")
      .select("index")
      .where("document_id", "=", document.id)
      .execute();
    expect(sections.length).toBeGreaterThan(0);
    expect(new Set(sections.map((s) => s.index)).size).toBe(sections.length);
    const jobs = await sql<{
      n: number;
    }>`select count(*)::int as n from pgboss.job where name = ${QUEUES.writeSection} and data->>'documentId' = ${document.id}`.execute(
      database.db,
    );
    expect(jobs.rows[0].n).toBe(sections.length);
  });

  it("a review that assembles the text itself leaves the queued assembly as a later safety net", async () => {
    const { document } = await paidAndQueued(5);
    const ctx = pipelineContext(routerWith([openaiProvider()]).router);
    await planDocument(ctx, { documentId: document.id });
    await database.db
      .updateTable("sections")
      .set({ status: "passed", content: "A written section." })
      .where("document_id", "=", document.id)
      .execute();
    await database.db
      .updateTable("documents")
      .set({ progress_stage: "reviewing" })
      .where("id", "=", document.id)
      .execute();
    const review = await reviewDocument(ctx, { documentId: document.id }, { assembleHere: true });
    expect(review.assemble).toBe(true);
    // The sections as the review left them (it revised the short ones), for the assembly in the same job.
    const stored = await database.db
      .selectFrom("sections")
      .selectAll()
      .where("document_id", "=", document.id)
      .orderBy("index")
      .execute();
    expect(review.sections).toEqual(stored);
    const job = await sql<{ delay: number }>`
      select extract(epoch from start_after - now())::float as delay from pgboss.job
      where name = ${QUEUES.assembleDocument} and data->>'documentId' = ${document.id}`.execute(database.db);
    expect(job.rows).toHaveLength(1);
    expect(job.rows[0].delay).toBeGreaterThan(20);
    // Reviewed again (a redelivered job): nothing more to hand over.
    expect(await reviewDocument(ctx, { documentId: document.id }, { assembleHere: true })).toEqual({ assemble: false });
    // Assembled from what the review read (as the worker's review job does); its first draft is the delivered text.
    expect(review.document).toMatchObject({ id: document.id, status: "generating", progress_stage: "assembling" });
    await assembleDocument(ctx, { documentId: document.id }, review);
    const delivered = await database.db
      .selectFrom("documents")
      .selectAll()
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(delivered.status).toBe("completed");
    for (const section of stored) expect(delivered.content).toContain(section.content);
    // The same text as an assembly that reads everything again (the queued safety net) makes.
    expect(delivered.content).toBe((await buildPreview(database.db, new CitationEngine(), delivered, stored)).content);
    const draft = await database.db
      .selectFrom("drafts")
      .select(["version", "content"])
      .where("document_id", "=", document.id)
      .execute();
    expect(draft).toEqual([{ version: 1, content: delivered.content }]);
  });

  it("a daily token limit makes new work wait with a clear status, and nothing is called or dropped", async () => {
    const { user, document } = await paidAndQueued(5);
    await database.db
      .insertInto("token_usage")
      .values({
        user_id: user.id,
        provider: "openai",
        model: "gpt-4o-mini",
        purpose: "section",
        tokens_in: 600,
        tokens_out: 500,
      })
      .execute();
    const calls = openai.requests.length;
    const limited = pipelineContext(routerWith([openaiProvider()]).router, { dailyTokenLimitPerUser: 1000 });
    await planDocument(limited, { documentId: document.id });
    expect(openai.requests.length).toBe(calls);
    const row = await database.db
      .selectFrom("documents")
      .select(["status", "progress_stage"])
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "generating", progress_stage: "waiting_for_budget" });
    const deferred = await sql<{
      start_after: Date;
    }>`select start_after from pgboss.job where name = ${QUEUES.planDocument} and data->>'documentId' = ${document.id} and state = 'created' order by created_on desc limit 1`.execute(
      database.db,
    );
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(deferred.rows[0].start_after.getTime()).toBe(midnight.getTime());

    // Other customers are not held back by this customer's allowance.
    const other = await paidAndQueued(5);
    await planDocument(limited, { documentId: other.document.id });
    expect(openai.requests.length).toBe(calls + 1);
  });
});

describe("dead letters", () => {
  it("a job that exhausts its retries lands in the dead-letter queue with its error, and the document shows a failed state", async () => {
    const user = await insertUser(database.db);
    const document = await createDocument(database.db, user.id, {
      topic: "Dead letter topic",
      pages: 5,
      language: "en",
    });
    const ctx = pipelineContext(routerWith([openaiProvider()]).router);
    // Earlier tests left orders waiting in the queues; only this one should run here.
    await sql`delete from pgboss.job where state in ('created', 'retry')`.execute(database.db);
    const runner = await startWorker(boss, ctx, { connectionString: database.url });
    try {
      openai.failNext({ status: 401, message: "invalid key" }, 2);
      await database.db.updateTable("documents").set({ status: "queued" }).where("id", "=", document.id).execute();
      await boss.send(QUEUES.planDocument, { documentId: document.id }, { retryLimit: 0 });
      const failed = await eventually("the document to fail", async () => {
        const row = await database.db
          .selectFrom("documents")
          .selectAll()
          .where("id", "=", document.id)
          .executeTakeFirstOrThrow();
        return row.status === "failed" ? row : undefined;
      });
      expect(failed.failure_reason).toBe(
        'Generation stopped at the "document.plan" step after repeated errors. Our team has been notified.',
      );
      const dead = await sql<{
        data: { documentId: string };
      }>`select data from pgboss.job where name = 'document.plan.dead'`.execute(database.db);
      expect(dead.rows.map((r) => r.data.documentId)).toContain(document.id);
      const audit = await database.db
        .selectFrom("audit_log")
        .selectAll()
        .where("target_id", "=", document.id)
        .executeTakeFirstOrThrow();
      expect(audit.action).toBe("job.dead_letter");
      expect((audit.details as unknown as { error: string }).error).toMatch(
        /Every writer in the chain failed: openai:gpt-4o-mini: HTTP 401/,
      );
    } finally {
      await runner.stop(2000);
    }
  });
});
