import { afterAll, beforeAll, expect, it } from "vitest";
import type { PipelineContext } from "../../worker/context";
import type { GapFindings } from "../../worker/pipeline/gap-analysis";
import { reviewDocument } from "../../worker/pipeline/review";
import { writeSection } from "../../worker/pipeline/write-section";
import { countWords } from "../../worker/quality/common";
import type { FakeOpenAI } from "../fakes/openai";
import type { TestDatabase } from "../setup/database";
import { planPaidDocument, startPipelineFixture, type PipelineFixture } from "../setup/pipeline-context";

let pipeline: PipelineFixture;
let database: TestDatabase;
let openai: FakeOpenAI;
let ctx: PipelineContext;

beforeAll(async () => {
  // Written by the fake OpenAI, without sources (no research) and without quality gates.
  pipeline = await startPipelineFixture({ research: false });
  ({ database, openai, ctx } = pipeline);
});

afterAll(() => pipeline?.stop());

it("the review revises an under-length section within its budget and keeps its findings", async () => {
  const { document, sections } = await planPaidDocument(ctx, {
    topic: "Port cities and the container revolution",
    pages: 10,
    language: "en",
  });
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
  const { document, sections } = await planPaidDocument(ctx, {
    topic: "Urban tram networks in Iberia",
    pages: 5,
    language: "en",
    instructions: 'The essay must include a chapter titled "Case study: Lisbon". Write in a formal register.',
  });
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
