// The pipeline's handlers called directly (plan, write, review), with no worker polling the queue: a test database and
// pg-boss, the fake OpenAI as TesiGo's writer and, for research, the fake scholarly indexes.
import type PgBoss from "pg-boss";
import { expect } from "vitest";
import { payWithDevPayment } from "../../app/models/checkout.server";
import { createDocument, type NewOrder } from "../../app/models/documents.server";
import { useBoss } from "../../app/jobs/queue.server";
import { useDatabase } from "../../app/utils/db.server";
import { parseEnv } from "../../app/utils/env.server";
import { logger } from "../../app/utils/logger.server";
import type { PipelineContext } from "../../worker/context";
import { OpenAIProvider } from "../../worker/llm/openai";
import { LlmRouter } from "../../worker/llm/router";
import { createPipelineMachinery } from "../../worker/machinery";
import { planDocument } from "../../worker/pipeline/plan";
import { createGates, qualityConfig } from "../../worker/quality/registry";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { startFakeScholarly, type FakeScholarly } from "../fakes/scholarly";
import { createTestDatabase, type TestDatabase } from "./database";
import { insertUser, startTestBoss } from "./fixtures";

export type PipelineFixture = {
  database: TestDatabase;
  openai: FakeOpenAI;
  /** The fake OpenAI behind TesiGo's router: ctx.router. */
  writer: LlmRouter;
  ctx: PipelineContext;
  /** Closes what was started, last first; safe to call after a start that failed halfway. */
  stop: () => Promise<void>;
};

/** A pipeline that researches in the fake scholarly indexes. */
export type ResearchingPipelineFixture = PipelineFixture & { scholarly: FakeScholarly };

type PipelineOptions = {
  /** Plan with sources from the fake indexes (ctx.research); without, documents are written without references. */
  research: boolean;
  /** Run the quality gates, configured from these variables as parseEnv reads them ({} for the defaults). */
  gatesFromEnv?: Record<string, string>;
};

/**
 * Starts a database (made current with useDatabase), pg-boss (useBoss), the fake OpenAI and, with `research`, the
 * fake scholarly indexes; returns a PipelineContext over them. Call stop() in afterAll.
 */
export async function startPipelineFixture(
  options: PipelineOptions & { research: true },
): Promise<ResearchingPipelineFixture>;
export async function startPipelineFixture(options: PipelineOptions & { research: false }): Promise<PipelineFixture>;
export async function startPipelineFixture(
  options: PipelineOptions,
): Promise<PipelineFixture & { scholarly?: FakeScholarly }> {
  const started: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const close of started.splice(0).reverse()) await close();
  };
  try {
    const database = await createTestDatabase();
    started.push(() => database.destroy());
    useDatabase(database.db);
    const boss: PgBoss = useBoss(await startTestBoss(database.url));
    started.push(() => boss.stop({ graceful: false, wait: true }));
    const openai = await startFakeOpenAI();
    started.push(() => openai.close());
    const scholarly = options.research ? await startFakeScholarly() : undefined;
    if (scholarly) started.push(() => scholarly.close());
    const machinery = createPipelineMachinery();
    started.push(() => machinery.close());
    const writer = new LlmRouter([new OpenAIProvider({ apiKey: "sk", baseURL: openai.url, model: "gpt-4o-mini" })]);
    const ctx: PipelineContext = {
      db: database.db,
      router: writer,
      log: logger,
      sectionConcurrency: 2,
      completionThreshold: 0.85,
      machinery,
      ...(scholarly && {
        research: {
          providers: ["openalex", "crossref", "semantic-scholar"],
          urls: scholarly.urls,
          db: database.db,
          retryDelaysMs: [1, 1],
        },
      }),
      ...(options.gatesFromEnv && { gates: createGates(qualityConfig(parseEnv(options.gatesFromEnv)), machinery) }),
    };
    return { database, openai, scholarly, writer, ctx, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A customer's order, paid with the dev payment and planned by `ctx`: its user, the document as created, and its
 * sections in order. `instructions` are the customer's, stored before payment.
 */
export async function planPaidDocument(ctx: PipelineContext, order: NewOrder & { instructions?: string }) {
  const { instructions, ...newOrder } = order;
  const user = await insertUser(ctx.db);
  const document = await createDocument(ctx.db, user.id, newOrder);
  if (instructions !== undefined)
    await ctx.db.updateTable("documents").set({ instructions }).where("id", "=", document.id).execute();
  expect(await payWithDevPayment(ctx.db, document.id, user.id)).toBe(true);
  await planDocument(ctx, { documentId: document.id });
  const sections = await ctx.db
    .selectFrom("sections")
    .selectAll()
    .where("document_id", "=", document.id)
    .orderBy("index")
    .execute();
  return { user, document, sections };
}
