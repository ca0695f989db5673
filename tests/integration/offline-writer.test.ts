import type PgBoss from "pg-boss";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDocument, getProgressSnapshot } from "../../app/models/documents.server";
import { useDatabase } from "../../app/utils/db.server";
import { logger } from "../../app/utils/logger.server";
import { useBoss } from "../../app/jobs/queue.server";
import type { PipelineContext } from "../../worker/context";
import { createPipelineMachinery } from "../../worker/machinery";
import { OfflineWriter } from "../../worker/llm/offline";
import { LlmRouter } from "../../worker/llm/router";
import { assembleDocument } from "../../worker/pipeline/assemble";
import { planDocument } from "../../worker/pipeline/plan";
import { reviewDocument } from "../../worker/pipeline/review";
import { writeSection } from "../../worker/pipeline/write-section";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser, startTestBoss } from "../setup/fixtures";

// The handlers are plain functions: here they run one after another, with no worker polling the queue.
let database: TestDatabase;
let boss: PgBoss;
let ctx: PipelineContext;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  boss = useBoss(await startTestBoss(database.url));
  ctx = {
    db: database.db,
    router: new LlmRouter([new OfflineWriter()]),
    log: logger,
    sectionConcurrency: 2,
    completionThreshold: 0.85,
    machinery: createPipelineMachinery(),
  };
});

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await database?.destroy();
});

// 9 pages → 6 sections: introduction, four body sections, conclusion — in the order's language.
const ORDERS = [
  {
    language: "it",
    headings: [
      "Introduzione",
      "Quadro teorico e concetti chiave",
      "Sviluppo storico",
      "Dibattiti attuali",
      "Metodi e fonti dei dati",
      "Conclusioni",
    ],
    demo: "Questo è un testo segnaposto della versione dimostrativa",
  },
  {
    language: "uk",
    headings: [
      "Вступ",
      "Теоретичні засади та ключові поняття",
      "Історичний розвиток",
      "Сучасні дискусії",
      "Методи та джерела даних",
      "Висновки",
    ],
    demo: "Це демонстраційний текст, створений без мовної моделі",
  },
];

it.each(ORDERS)(
  "runs the whole pipeline for an order in $language with the offline writer: delivered as an offline demo, under headings in that language",
  async ({ language, headings, demo }) => {
    const user = await insertUser(database.db);
    const document = await createDocument(database.db, user.id, {
      topic: "Offline pipeline topic",
      pages: 9,
      language,
    });
    await database.db.updateTable("documents").set({ status: "queued" }).where("id", "=", document.id).execute();

    await planDocument(ctx, { documentId: document.id });
    const sections = await database.db
      .selectFrom("sections")
      .selectAll()
      .where("document_id", "=", document.id)
      .orderBy("index")
      .execute();
    expect(sections.map((s) => s.heading)).toEqual(headings);

    let snapshot = await getProgressSnapshot(database.db, document.id);
    expect(snapshot).toMatchObject({
      status: "generating",
      stage: "writing",
      percent: 5,
      totalSections: 6,
      offlineDemo: true,
    });

    for (const s of sections) await writeSection(ctx, { documentId: document.id, sectionId: s.id });
    snapshot = await getProgressSnapshot(database.db, document.id);
    expect(snapshot).toMatchObject({ stage: "reviewing", percent: 95 });

    await reviewDocument(ctx, { documentId: document.id });
    expect(await getProgressSnapshot(database.db, document.id)).toMatchObject({ stage: "assembling", percent: 97 });
    await assembleDocument(ctx, { documentId: document.id });
    const finished = await database.db
      .selectFrom("documents")
      .selectAll()
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(finished).toMatchObject({ status: "completed", progress_percent: 100, offline_demo: true });
    expect(finished.content).toMatch(/^# Offline pipeline topic/);
    for (const heading of headings) expect(finished.content).toContain(`## ${heading}\n`);
    expect(finished.content).not.toMatch(/\b(Introduction|Conclusion)\b|placeholder text/);
    // Every section says, in the order's language, that it is the demo's placeholder.
    expect(finished.content!.split(demo)).toHaveLength(headings.length + 1);
    const usage = await database.db
      .selectFrom("token_usage")
      .select(["provider", "tokens_in", "tokens_out"])
      .where("document_id", "=", document.id)
      .execute();
    expect(usage).toHaveLength(7);
    expect(usage.every((u) => u.provider === "offline" && u.tokens_in === 0 && u.tokens_out === 0)).toBe(true);
    const drafts = await database.db.selectFrom("drafts").selectAll().where("document_id", "=", document.id).execute();
    expect(drafts).toHaveLength(1);

    // Assembling again (a redelivered job) changes nothing.
    await assembleDocument(ctx, { documentId: document.id });
    expect(
      (await database.db.selectFrom("drafts").selectAll().where("document_id", "=", document.id).execute()).length,
    ).toBe(1);
  },
);
