// worker/progress.ts: the percent and ETA rules, the finishing statement that follows them, and setStage, the one
// writer of a document's stage, whose event is built from the row it wrote.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/utils/db.server";
import { finishSection, type SectionFinish } from "../../worker/pipeline/finish-sections";
import {
  progressByCount,
  roundsLeft,
  setStage,
  writingEta,
  writingPercent,
} from "../../app/models/document-progress.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { eventually, insertUser, listenToDocumentEvents } from "../setup/fixtures";

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});
afterAll(async () => {
  await testDb?.destroy();
});

describe("the percent and ETA rules", () => {
  it("give planning 5 %, then each written section its share of 90 %, rounded down", () => {
    expect([0, 1, 2, 3, 4].map((finished) => writingPercent(finished, 4))).toEqual([5, 27, 50, 72, 95]);
    expect(writingPercent(3, 5)).toBe(59);
    expect(writingPercent(0, 0)).toBe(5);
  });

  it("estimate the time left as the mean section time × the rounds of parallel work left, plus 2 s for the end", () => {
    expect([0, 1, 2, 3, 4, 5].map((finished) => roundsLeft(finished, 4, 2))).toEqual([2, 2, 1, 1, 0, 0]);
    expect(writingEta(10, 2)).toBe(22);
    expect(writingEta(10.2, 2)).toBe(23);
    expect(writingEta(7, 0)).toBe(2);
    expect(progressByCount(4, 3)).toEqual({ percents: [5, 27, 50, 72, 95], rounds: [2, 1, 1, 1, 0] });
  });
});

async function document(columns: {
  stage: string;
  status?: "queued" | "generating";
  total?: number;
  percent?: number;
  currentSection?: number | null;
  eta?: number | null;
}) {
  const user = await insertUser(db);
  const row = await db
    .insertInto("documents")
    .values({
      user_id: user.id,
      topic: "stages",
      pages: 5,
      language: "en",
      price_cents: 1500,
      quality_warnings: JSON.stringify([]),
      status: columns.status ?? "generating",
      progress_stage: columns.stage,
      progress_percent: columns.percent ?? 0,
      total_sections: columns.total ?? null,
      current_section: columns.currentSection ?? null,
      eta_seconds: columns.eta ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const progressOf = (id: string) =>
  db
    .selectFrom("documents")
    .select([
      "status",
      "progress_stage",
      "progress_percent",
      "current_section",
      "total_sections",
      "eta_seconds",
      "failure_reason",
    ])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();

describe("finishing sections follows the rules", () => {
  it("at every count, the document's percent and ETA are the rules' for that count and its finished sections' mean time", async () => {
    const total = 5;
    const id = await document({ stage: "writing", total });
    const sections = await db
      .insertInto("sections")
      .values(
        Array.from({ length: total }, (_, index) => ({
          document_id: id,
          index,
          heading: `Heading ${index}`,
          brief: "brief",
          target_words: 100,
          status: "writing" as const,
          // Each started a different while ago, so the mean moves with every section finished.
          started_at: new Date(Date.now() - (index + 1) * 7_300),
        })),
      )
      .returning(["id", "index"])
      .execute();
    for (const [finished, section] of sections.sort((a, b) => a.index - b.index).entries()) {
      const finish: SectionFinish = {
        documentId: id,
        sectionId: section.id,
        outcome: { status: "passed", content: `Text ${section.index}.`, word_count: 2 },
        event: { type: "section", index: section.index, status: "passed", wordCount: 2 },
        warnings: [],
        totalSections: total,
        concurrency: 2,
      };
      await finishSection(db, finish);
      const { rows } = await sql<{ mean: number }>`
        select avg(extract(epoch from completed_at - started_at))::float8 as mean from sections
        where document_id = ${id} and status in ('passed', 'failed')`.execute(db);
      const count = finished + 1;
      expect(await progressOf(id), `after ${count} sections`).toMatchObject({
        progress_percent: writingPercent(count, total),
        eta_seconds: writingEta(rows[0].mean, roundsLeft(count, total, 2)),
      });
    }
  });
});

describe("setStage", () => {
  it("writes the stage's columns and sends the browser's event built from the row it wrote", async () => {
    const listener = await listenToDocumentEvents(testDb.url);
    try {
      const id = await document({ stage: "writing", total: 4, percent: 95, currentSection: 3, eta: 30 });
      expect(
        await setStage(db, id, "reviewing", {
          from: { status: "generating", stage: ["writing", "waiting_for_budget"] },
        }),
      ).toBe(true);
      expect(await progressOf(id)).toMatchObject({
        progress_stage: "reviewing",
        progress_percent: 95,
        current_section: null,
        eta_seconds: 5,
      });

      await db
        .transaction()
        .execute((trx) =>
          setStage(trx, id, "assembling", { from: { stage: "reviewing" }, columns: { score_grammar: 1.5 } }),
        );
      expect(await progressOf(id)).toMatchObject({
        progress_stage: "assembling",
        progress_percent: 97,
        eta_seconds: 2,
      });

      expect(
        await setStage(db, id, "done", { from: { status: "generating" }, status: "completed_with_warnings" }),
      ).toBe(true);
      expect(await progressOf(id)).toMatchObject({
        status: "completed_with_warnings",
        progress_stage: "done",
        progress_percent: 100,
        eta_seconds: 0,
      });

      const failing = await document({ stage: "planning", status: "generating", percent: 1 });
      expect(
        await setStage(db, failing, "failed", {
          from: { status: ["queued", "generating"] },
          status: "failed",
          reason: "It broke.",
        }),
      ).toBe(true);
      expect(await progressOf(failing)).toMatchObject({
        status: "failed",
        progress_stage: "failed",
        failure_reason: "It broke.",
        eta_seconds: null,
      });

      const events = await eventually("the events", async () => {
        const all = listener.events.filter((e) => e.documentId === id || e.documentId === failing);
        return all.length >= 5 && all;
      });
      expect(events).toEqual([
        {
          documentId: id,
          event: {
            type: "progress",
            percent: 95,
            stage: "reviewing",
            currentSection: null,
            totalSections: 4,
            etaSeconds: 5,
            status: "generating",
          },
        },
        {
          documentId: id,
          event: {
            type: "progress",
            percent: 97,
            stage: "assembling",
            currentSection: null,
            totalSections: 4,
            etaSeconds: 2,
            status: "generating",
          },
        },
        {
          documentId: id,
          event: {
            type: "progress",
            percent: 100,
            stage: "done",
            currentSection: null,
            totalSections: 4,
            etaSeconds: 0,
            status: "completed_with_warnings",
          },
        },
        { documentId: id, event: { type: "completed", status: "completed_with_warnings" } },
        { documentId: failing, event: { type: "failed", reason: "It broke." } },
      ]);
    } finally {
      await listener.close();
    }
  });

  it("changes nothing and says nothing when its guard does not hold, nor before its transaction commits", async () => {
    const listener = await listenToDocumentEvents(testDb.url);
    try {
      const id = await document({ stage: "writing", total: 4, percent: 50, currentSection: 2, eta: 30 });
      const before = await progressOf(id);
      expect(await setStage(db, id, "assembling", { from: { stage: "reviewing" } })).toBe(false);
      expect(
        await setStage(db, id, "reviewing", {
          from: { status: "generating" },
          where: sql<boolean>`sections_finished >= coalesce(total_sections, 0)`,
        }),
      ).toBe(false);
      expect(await progressOf(id)).toEqual(before);
      // Rolled back: neither the columns nor the event.
      await db
        .transaction()
        .execute(async (trx) => {
          await setStage(trx, id, "waiting_for_budget", { from: { status: ["queued", "generating"] } });
          throw new Error("rolled back");
        })
        .catch(() => {});
      expect(await progressOf(id)).toEqual(before);
      // A change that applies, so that its event (and no earlier one) is what the listener has heard.
      await setStage(db, id, "waiting_for_budget", { from: { status: ["queued", "generating"] } });
      const heard = await eventually(
        "an event",
        async () =>
          listener.events.filter((e) => e.documentId === id).length > 0 &&
          listener.events.filter((e) => e.documentId === id),
      );
      expect(heard.map((e) => e.event)).toEqual([
        {
          type: "progress",
          percent: 50,
          stage: "waiting_for_budget",
          currentSection: 2,
          totalSections: 4,
          etaSeconds: null,
          status: "generating",
        },
      ]);
    } finally {
      await listener.close();
    }
  });
});
