// finishSection: a section's final state, its document's count, progress and events, in one statement.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/utils/db.server";
import {
  finishSection,
  finishSections,
  SectionFinishes,
  type SectionFinish,
} from "../../worker/pipeline/finish-sections";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser, listenToDocumentEvents, eventually } from "../setup/fixtures";

let testDb: TestDatabase;
let db: Db;
const finishes = new SectionFinishes();
/** Each document's sections, as its plan fixed them. */
const totals = new Map<string, number>();

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});

afterAll(async () => {
  await testDb?.destroy();
});

async function writingDocument(sections: number) {
  const user = await insertUser(db);
  const document = await db
    .insertInto("documents")
    .values({
      user_id: user.id,
      topic: "progress",
      pages: 5,
      language: "en",
      price_cents: 1500,
      quality_warnings: JSON.stringify(["planned warning"]),
      status: "generating",
      progress_stage: "writing",
      total_sections: sections,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const rows = await db
    .insertInto("sections")
    .values(
      Array.from({ length: sections }, (_, index) => ({
        document_id: document.id,
        index,
        heading: `Heading ${index}`,
        brief: "brief",
        target_words: 100,
        status: "writing" as const,
        started_at: new Date(Date.now() - 10_000),
      })),
    )
    .returning(["id", "index"])
    .execute();
  totals.set(document.id, sections);
  return { documentId: document.id, sections: rows.sort((a, b) => a.index - b.index) };
}

function finish(documentId: string, section: { id: string; index: number }, warnings: string[] = []): SectionFinish {
  return {
    documentId,
    sectionId: section.id,
    outcome: { status: "passed", content: `Text of section ${section.index}.`, word_count: 4 },
    event: {
      type: "section",
      index: section.index,
      status: "passed",
      wordCount: 4,
      scores: { uniqueness: 100, grammar: 0, ai: null },
    },
    warnings,
    totalSections: totals.get(documentId)!,
    concurrency: 2,
  };
}

describe("finishing a section", () => {
  it("counts it on its document with progress, ETA, warnings and both events, and tells how many remain", async () => {
    const { documentId, sections } = await writingDocument(4);
    const listener = await listenToDocumentEvents(testDb.url);
    try {
      const first = await db
        .transaction()
        .execute((trx) => finishSection(trx, finish(documentId, sections[1], ["a removed citation"])));
      expect(first).toEqual({ stored: true, updated: true, remaining: 3, handsOver: false });
      const document = await db
        .selectFrom("documents")
        .selectAll()
        .where("id", "=", documentId)
        .executeTakeFirstOrThrow();
      expect(document).toMatchObject({
        sections_finished: 1,
        progress_percent: 5 + Math.floor((90 * 1) / 4),
        current_section: 0,
        quality_warnings: ["planned warning", "a removed citation"],
      });
      // About 10 s per section, two rounds of two still to go: 10 × 2 + 2.
      expect(document.eta_seconds).toBeGreaterThanOrEqual(21);
      expect(document.eta_seconds).toBeLessThanOrEqual(24);
      const section = await db
        .selectFrom("sections")
        .select(["status", "content"])
        .where("id", "=", sections[1].id)
        .executeTakeFirstOrThrow();
      expect(section).toEqual({ status: "passed", content: "Text of section 1." });

      const mine = await eventually("both events", async () => {
        const events = listener.events.filter((e) => e.documentId === documentId).map((e) => e.event);
        return events.length >= 2 && events;
      });
      expect(mine).toEqual([
        {
          type: "section",
          index: 1,
          status: "passed",
          wordCount: 4,
          scores: { uniqueness: 100, grammar: 0, ai: null },
        },
        {
          type: "progress",
          percent: 27,
          stage: "writing",
          currentSection: 0,
          totalSections: 4,
          etaSeconds: document.eta_seconds,
          status: "generating",
        },
      ]);
    } finally {
      await listener.close();
    }
  });

  it("changes nothing for a section that finished before (a redelivered job)", async () => {
    const { documentId, sections } = await writingDocument(2);
    await db.transaction().execute((trx) => finishSection(trx, finish(documentId, sections[0])));
    const again = await db
      .transaction()
      .execute((trx) => finishSection(trx, finish(documentId, sections[0], ["twice"])));
    expect(again).toEqual({ stored: true, updated: false, remaining: null, handsOver: false });
    const document = await db
      .selectFrom("documents")
      .select(["sections_finished", "quality_warnings"])
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    expect(document).toEqual({ sections_finished: 1, quality_warnings: ["planned warning"] });
  });

  it("stores the attempt that finishes it and charges its tokens once, in the same statement", async () => {
    const { documentId, sections } = await writingDocument(2);
    const user = await db
      .selectFrom("documents")
      .select("user_id")
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    const withAttempt = (): SectionFinish => ({
      ...finish(documentId, sections[0]),
      attempt: {
        row: {
          section_id: sections[0].id,
          attempt: 1,
          content: "Text of section 0.",
          passed: true,
          feedback: "[]",
          scores: "{}",
          provider: "openai",
          model: "m",
          tokens_in: 10,
          tokens_out: 20,
        },
        usage: {
          document_id: documentId,
          section_id: sections[0].id,
          user_id: user.user_id,
          provider: "openai",
          model: "m",
          purpose: "section",
          tokens_in: 10,
          tokens_out: 20,
          cost_microdollars: 0,
        },
      },
    });
    expect(await finishSection(db, withAttempt())).toEqual({
      stored: true,
      updated: true,
      remaining: 1,
      handsOver: false,
    });
    // The same attempt again (a redelivered job): not stored, nothing counted or charged twice.
    expect(await finishSection(db, withAttempt())).toEqual({
      stored: false,
      updated: false,
      remaining: null,
      handsOver: false,
    });
    const usage = await db
      .selectFrom("token_usage")
      .select(["tokens_in", "tokens_out"])
      .where("section_id", "=", sections[0].id)
      .execute();
    expect(usage).toEqual([{ tokens_in: 10, tokens_out: 20 }]);
    const attempts = await db
      .selectFrom("section_attempts")
      .select("attempt")
      .where("section_id", "=", sections[0].id)
      .execute();
    expect(attempts).toEqual([{ attempt: 1 }]);
    expect(
      (
        await db
          .selectFrom("documents")
          .select("sections_finished")
          .where("id", "=", documentId)
          .executeTakeFirstOrThrow()
      ).sections_finished,
    ).toBe(1);
  });

  it("agrees on the last one when every section finishes at the same moment", async () => {
    const { documentId, sections } = await writingDocument(12);
    // Each on its own (one statement, as a section's last attempt is saved).
    const results = await Promise.all(sections.map((s) => finishSection(db, finish(documentId, s))));
    expect(results.map((r) => r.remaining).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // The one that finished last, and only it, hands the document over.
    expect(results.filter((r) => r.handsOver)).toEqual([
      { stored: true, updated: true, remaining: 0, handsOver: true },
    ]);
    const document = await db
      .selectFrom("documents")
      .select(["sections_finished", "progress_percent"])
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    expect(document).toEqual({ sections_finished: 12, progress_percent: 95 });
  });

  it("finishes several sections of a document in one statement exactly as one by one, and tells each its own result", async () => {
    const { documentId, sections } = await writingDocument(5);
    const user = await db
      .selectFrom("documents")
      .select("user_id")
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    const attemptOf = (s: { id: string }, attempt: number, tokens: number): SectionFinish["attempt"] => ({
      row: {
        section_id: s.id,
        attempt,
        content: "raw",
        passed: true,
        feedback: JSON.stringify(["fix it"]),
        scores: JSON.stringify({ words: 1 }),
        provider: "openai",
        model: "m",
        tokens_in: tokens,
        tokens_out: 2 * tokens,
      },
      usage: {
        document_id: documentId,
        section_id: s.id,
        user_id: user.user_id,
        provider: "openai",
        model: "m",
        purpose: "section",
        tokens_in: tokens,
        tokens_out: 2 * tokens,
        cost_microdollars: tokens,
      },
    });
    // Section 0 finished before (a redelivered job), the others now: 1 and 3 with their attempts and warnings.
    await finishSection(db, finish(documentId, sections[0]));
    const listener = await listenToDocumentEvents(testDb.url);
    try {
      const results = await finishSections(db, [
        { ...finish(documentId, sections[3], ["third: a", "third: b"]), attempt: attemptOf(sections[3], 2, 10) },
        finish(documentId, sections[0], ["never added"]),
        { ...finish(documentId, sections[1], ["first"]), attempt: attemptOf(sections[1], 1, 7) },
      ]);
      expect(results).toEqual([
        { stored: true, updated: true, remaining: 2, handsOver: false },
        { stored: true, updated: false, remaining: null, handsOver: false },
        { stored: true, updated: true, remaining: 2, handsOver: false },
      ]);
      const document = await db
        .selectFrom("documents")
        .selectAll()
        .where("id", "=", documentId)
        .executeTakeFirstOrThrow();
      expect(document).toMatchObject({
        sections_finished: 3,
        progress_percent: 5 + Math.floor((90 * 3) / 5),
        current_section: 2,
        quality_warnings: ["planned warning", "third: a", "third: b", "first"],
      });
      const rows = await db
        .selectFrom("sections")
        .select(["index", "status", "attempts", "tokens_in", "tokens_out", "completed_at"])
        .where("document_id", "=", documentId)
        .orderBy("index")
        .execute();
      expect(rows.map((r) => [r.index, r.status, r.attempts, r.tokens_in, r.tokens_out])).toEqual([
        [0, "passed", 0, 0, 0],
        [1, "passed", 1, 7, 14],
        [2, "writing", 0, 0, 0],
        [3, "passed", 2, 10, 20],
        [4, "writing", 0, 0, 0],
      ]);
      const attempts = await db
        .selectFrom("section_attempts")
        .select(["section_id", "attempt", "feedback", "scores"])
        .where("section_id", "in", [sections[1].id, sections[3].id])
        .orderBy("attempt")
        .execute();
      expect(attempts).toEqual([
        { section_id: sections[1].id, attempt: 1, feedback: ["fix it"], scores: { words: 1 } },
        { section_id: sections[3].id, attempt: 2, feedback: ["fix it"], scores: { words: 1 } },
      ]);
      // Each section's event in the order given, then one progress event for the document.
      const mine = await eventually("the events", async () => {
        const events = listener.events.filter((e) => e.documentId === documentId).map((e) => e.event);
        return events.length >= 3 && events;
      });
      expect(mine.map((e) => (e.type === "section" ? `section ${e.index}` : e.type))).toEqual([
        "section 3",
        "section 1",
        "progress",
      ]);
      expect(mine[2]).toMatchObject({ type: "progress", percent: 59, currentSection: 2, totalSections: 5 });

      // Delivered again (both attempts already stored): nothing stored, counted or charged twice.
      const again = await finishSections(db, [
        { ...finish(documentId, sections[3]), attempt: attemptOf(sections[3], 2, 10) },
        { ...finish(documentId, sections[1]), attempt: attemptOf(sections[1], 1, 7) },
      ]);
      expect(again).toEqual([
        { stored: false, updated: false, remaining: null, handsOver: false },
        { stored: false, updated: false, remaining: null, handsOver: false },
      ]);
      const usage = await db
        .selectFrom("token_usage")
        .select(["section_id", "tokens_in"])
        .where("document_id", "=", documentId)
        .orderBy("tokens_in")
        .execute();
      expect(usage).toEqual([
        { section_id: sections[1].id, tokens_in: 7 },
        { section_id: sections[3].id, tokens_in: 10 },
      ]);
      expect(
        (
          await db
            .selectFrom("documents")
            .select("sections_finished")
            .where("id", "=", documentId)
            .executeTakeFirstOrThrow()
        ).sections_finished,
      ).toBe(3);
    } finally {
      await listener.close();
    }
  });

  it("gathers sections finishing at the same moment into few statements, each told its own result", async () => {
    const { documentId, sections } = await writingDocument(12);
    const listener = await listenToDocumentEvents(testDb.url);
    try {
      const results = await Promise.all(
        sections.map((s) => finishes.finish(db, finish(documentId, s, [`warning ${s.index}`]))),
      );
      // All in the same tick: one statement, every section told that none remain, the last of them to hand over.
      expect(results).toEqual(
        sections.map((s) => ({ stored: true, updated: true, remaining: 0, handsOver: s.index === 11 })),
      );
      const document = await db
        .selectFrom("documents")
        .select(["sections_finished", "progress_percent", "quality_warnings"])
        .where("id", "=", documentId)
        .executeTakeFirstOrThrow();
      expect(document).toEqual({
        sections_finished: 12,
        progress_percent: 95,
        quality_warnings: ["planned warning", ...sections.map((s) => `warning ${s.index}`)],
      });
      const events = await eventually("the events", async () => {
        const mine = listener.events.filter((e) => e.documentId === documentId).map((e) => e.event);
        return mine.length >= 13 && mine;
      });
      expect(events.filter((e) => e.type === "progress")).toHaveLength(1);

      // One arriving while a statement for its document runs waits for it and goes in the next.
      const later = await writingDocument(3);
      const first = finishes.finish(db, finish(later.documentId, later.sections[0]));
      await new Promise((r) => setImmediate(r)); // the first statement is on its way
      const [second, third] = await Promise.all([
        finishes.finish(db, finish(later.documentId, later.sections[1])),
        finishes.finish(db, finish(later.documentId, later.sections[2])),
      ]);
      expect(await first).toEqual({ stored: true, updated: true, remaining: 2, handsOver: false });
      expect([second, third]).toEqual([
        { stored: true, updated: true, remaining: 0, handsOver: false },
        { stored: true, updated: true, remaining: 0, handsOver: true },
      ]);
    } finally {
      await listener.close();
    }
  });

  it("finishes the others one by one when one section of a gathered statement fails, and reports the failure to it alone", async () => {
    const { documentId, sections } = await writingDocument(3);
    const user = await db
      .selectFrom("documents")
      .select("user_id")
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    const broken: SectionFinish = {
      ...finish(documentId, sections[1]),
      attempt: {
        // A provider is required: this attempt cannot be stored.
        row: {
          section_id: sections[1].id,
          attempt: 1,
          content: "raw",
          passed: true,
          feedback: "[]",
          scores: "{}",
          provider: null as never,
          model: "m",
          tokens_in: 1,
          tokens_out: 1,
        },
        usage: {
          document_id: documentId,
          section_id: sections[1].id,
          user_id: user.user_id,
          provider: "openai",
          model: "m",
          purpose: "section",
          tokens_in: 1,
          tokens_out: 1,
          cost_microdollars: 0,
        },
      },
    };
    const results = await Promise.allSettled([
      finishes.finish(db, finish(documentId, sections[0])),
      finishes.finish(db, broken),
      finishes.finish(db, finish(documentId, sections[2])),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(results[0]).toMatchObject({ value: { stored: true, updated: true, remaining: 2 } });
    expect(results[2]).toMatchObject({ value: { stored: true, updated: true, remaining: 1 } });
    const rows = await db
      .selectFrom("sections")
      .select(["index", "status"])
      .where("document_id", "=", documentId)
      .orderBy("index")
      .execute();
    expect(rows.map((r) => r.status)).toEqual(["passed", "writing", "passed"]);
    expect(
      (
        await db
          .selectFrom("documents")
          .select("sections_finished")
          .where("id", "=", documentId)
          .executeTakeFirstOrThrow()
      ).sections_finished,
    ).toBe(2);
  });
});
