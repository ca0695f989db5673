import type PgBoss from "pg-boss";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { payWithDevPayment } from "../../app/models/checkout.server";
import { useDatabase } from "../../app/utils/db.server";
import { logger } from "../../app/utils/logger.server";
import { useBoss } from "../../app/jobs/queue.server";
import type { PipelineContext } from "../../worker/context";
import { createPipelineMachinery } from "../../worker/machinery";
import { OpenAIProvider } from "../../worker/llm/openai";
import { LlmRouter } from "../../worker/llm/router";
import type { GapFindings } from "../../worker/pipeline/gap-analysis";
import { planDocument } from "../../worker/pipeline/plan";
import { reviewDocument } from "../../worker/pipeline/review";
import { writeSection } from "../../worker/pipeline/write-section";
import { countWords } from "../../worker/quality/common";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser, startTestBoss } from "../setup/fixtures";

let database: TestDatabase;
let boss: PgBoss;
let openai: FakeOpenAI;
let ctx: PipelineContext;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  boss = useBoss(await startTestBoss(database.url));
  openai = await startFakeOpenAI();
  ctx = {
    db: database.db,
    router: new LlmRouter([new OpenAIProvider({ apiKey: "sk", baseURL: openai.url, model: "gpt-4o-mini" })]),
    log: logger,
    sectionConcurrency: 2,
    completionThreshold: 0.85,
    machinery: createPipelineMachinery(),
  };
});

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await openai?.close();
  await database?.destroy();
});

it("the review revises an under-length section within its budget and keeps its findings", async () => {
  const user = await insertUser(database.db);
  const document = await createDocument(database.db, user.id, {
    topic: "Port cities and the container revolution",
    pages: 10,
    language: "en",
  });
  expect(await payWithDevPayment(database.db, document.id, user.id)).toBe(true);
  await planDocument(ctx, { documentId: document.id });
  const sections = await database.db
    .selectFrom("sections")
    .selectAll()
    .where("document_id", "=", document.id)
    .orderBy("index")
    .execute();
  for (const s of sections) await writeSection(ctx, { documentId: document.id, sectionId: s.id });

  // Section 2 passed its gate at 65 % of its budget (the gate's floor is 60 %): the review should take it further.
  const short = await database.db
    .selectFrom("sections")
    .selectAll()
    .where("id", "=", sections[2].id)
    .executeTakeFirstOrThrow();
  const cut =
    short
      .content!.split(" ")
      .slice(0, Math.round(short.target_words * 0.65))
      .join(" ") + ".";
  await database.db
    .updateTable("sections")
    .set({ content: cut, word_count: countWords(cut) })
    .where("id", "=", short.id)
    .execute();
  const callsBefore = openai.requests.length;

  await reviewDocument(ctx, { documentId: document.id });

  expect(openai.requests.length).toBe(callsBefore + 1); // one revision, nothing else rewritten
  const revisionPrompt = JSON.stringify(openai.requests.at(-1)!.body);
  expect(revisionPrompt).toContain(`Revise section 3`);
  expect(revisionPrompt).toMatch(/It has \d+ words; it needs about \d+\. Develop the argument to that length\./);
  const revised = await database.db
    .selectFrom("sections")
    .selectAll()
    .where("id", "=", short.id)
    .executeTakeFirstOrThrow();
  expect(revised.word_count!).toBeGreaterThanOrEqual(Math.round(revised.target_words * 0.9));
  expect(revised.attempts).toBe(2);
  const doc = await database.db
    .selectFrom("documents")
    .select(["progress_stage", "review_findings"])
    .where("id", "=", document.id)
    .executeTakeFirstOrThrow();
  expect(doc.progress_stage).toBe("assembling");
  const findings = doc.review_findings as unknown as GapFindings;
  expect(findings.toRevise.map((r) => r.index)).toEqual([2]);
  expect(findings.revised).toEqual([2]);
  expect(findings.sections).toHaveLength(sections.length);
});

it("the requirements judge flags a missing required chapter, in the outline and in the delivered document's warnings", async () => {
  const user = await insertUser(database.db);
  const document = await createDocument(database.db, user.id, {
    topic: "Urban tram networks in Iberia",
    pages: 5,
    language: "en",
  });
  await database.db
    .updateTable("documents")
    .set({ instructions: 'The essay must include a chapter titled "Case study: Lisbon". Write in a formal register.' })
    .where("id", "=", document.id)
    .execute();
  expect(await payWithDevPayment(database.db, document.id, user.id)).toBe(true);
  await planDocument(ctx, { documentId: document.id });
  const planned = await database.db
    .selectFrom("documents")
    .select("requirements_report")
    .where("id", "=", document.id)
    .executeTakeFirstOrThrow();
  const outline = (planned.requirements_report as { outline: { checks: { constraint: string; met: boolean }[] } })
    .outline;
  expect(outline.checks).toEqual([
    {
      constraint: 'The essay must include a chapter titled "Case study: Lisbon".',
      met: false,
      evidence: "not found: Case study: Lisbon",
    },
    { constraint: "Write in a formal register.", met: true, evidence: "found" },
  ]);

  const sections = await database.db
    .selectFrom("sections")
    .select("id")
    .where("document_id", "=", document.id)
    .execute();
  for (const s of sections) await writeSection(ctx, { documentId: document.id, sectionId: s.id });
  await reviewDocument(ctx, { documentId: document.id });
  const reviewed = await database.db
    .selectFrom("documents")
    .select(["quality_warnings", "requirements_report"])
    .where("id", "=", document.id)
    .executeTakeFirstOrThrow();
  expect(reviewed.quality_warnings as unknown as string[]).toContain(
    'Requirement not met: The essay must include a chapter titled "Case study: Lisbon". (not found: Case study: Lisbon)',
  );
  expect((reviewed.requirements_report as { document: { subject: string } }).document.subject).toBe("document");
});
