// `npm run eval` judges what customers receive: its figures average the delivered documents only, and it says what
// became of every order, and why (issue 19, item 5).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/utils/db.server";
import { wordsPerPage } from "../../app/utils/catalog";
import { evaluateDocument } from "../../worker/eval/metrics";
import { orderOutcome, summarizeRun, type OrderResult } from "../../worker/eval/run-summary";
import { fakeProse } from "../fakes/openai";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});

afterAll(async () => {
  await testDb?.destroy();
});

const PAGES = 2;

/** An order in `status` whose one section holds `text`, citing from one source with a DOI ("known2020"). */
async function order(
  status: "completed" | "failed_quality" | "refunded",
  text: string,
  extra: { failureReason?: string; feedback?: string[]; grammar?: number } = {},
) {
  const user = await insertUser(db);
  const document = await db
    .insertInto("documents")
    .values({
      user_id: user.id,
      topic: `An order that ended ${status}`,
      pages: PAGES,
      language: "en",
      price_cents: 1500,
      status,
      failure_reason: extra.failureReason ?? null,
      score_grammar: extra.grammar ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const section = await db
    .insertInto("sections")
    .values({
      document_id: document.id,
      index: 0,
      heading: "Introduction",
      brief: "brief",
      target_words: PAGES * wordsPerPage("en"),
      content: text,
      status: extra.feedback ? "failed" : "passed",
      attempts: 3,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (extra.feedback) {
    await db
      .insertInto("section_attempts")
      .values({
        section_id: section.id,
        attempt: 3,
        content: text,
        passed: false,
        feedback: JSON.stringify(extra.feedback),
        scores: JSON.stringify({}),
        provider: "openai",
        model: "gpt-test",
      })
      .execute();
  }
  await db
    .insertInto("sources")
    .values({
      document_id: document.id,
      key: "known2020",
      doi: "10.1000/known",
      title: "A known source",
      csl: JSON.stringify({}),
    })
    .execute();
  return document.id;
}

async function measure(id: string): Promise<OrderResult> {
  return { ...(await evaluateDocument(db, id, () => 80)), ...(await orderOutcome(db, id)) };
}

describe("an evaluation run", () => {
  it("averages its quality figures over the delivered orders only, reports deliveredRate, and why the others failed", async () => {
    const full = PAGES * wordsPerPage("en");
    const delivered = await order("completed", fakeProse(full, "delivered", ["known2020"]), { grammar: 2.5 });
    // The failed orders wrote a tenth of the length and cited a source that does not exist.
    const failedQuality = await order("failed_quality", fakeProse(full / 10, "short", ["invented1999"]), {
      failureReason: "We could not write enough of this document to our quality standard.",
      feedback: ["Grammar: 40.2 errors per 1,000 words (at most 10)."],
      grammar: 40.2,
    });
    const refunded = await order("refunded", fakeProse(full / 10, "refunded", ["invented1999"]), {
      failureReason: "Refunded by an admin.",
    });

    const summary = summarizeRun(await Promise.all([delivered, failedQuality, refunded].map(measure)));

    expect(summary).toMatchObject({
      ordered: 3,
      documents: 1,
      citationResolveRate: 1,
      bibliographyBackedRate: 1,
      uniqueness: 80,
      grammarErrorsPer1000: 2.5,
    });
    expect(summary.deliveredRate).toBeCloseTo(1 / 3, 10);
    expect(summary.lengthScore).toBeGreaterThan(95);
    expect(summary.outcomes.map((o) => [o.outcome, o.grammar])).toEqual([
      ["delivered", 2.5],
      ["failed_quality", 40.2],
      ["refunded", null],
    ]);
    expect(summary.outcomes[0].reason).toBeNull();
    expect(summary.outcomes[1].reason).toContain("section 1 failed after 3 attempt(s): Grammar: 40.2 errors");
    expect(summary.outcomes[2].reason).toBe("Refunded by an admin.");
  });

  it("reports a run that delivered nothing with a deliveredRate of 0 and no figures", async () => {
    const id = await order("failed_quality", fakeProse(50, "nothing", ["known2020"]));
    const summary = summarizeRun([await measure(id)]);
    expect(summary).toMatchObject({
      ordered: 1,
      documents: 0,
      deliveredRate: 0,
      citationResolveRate: null,
      lengthScore: null,
    });
  });
});
