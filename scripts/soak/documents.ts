// The socket soak's documents: paid orders of real customers, and the worker's writes that carry each one from queued
// to its end — setStage, a section's start and finishSection, the refund — so every event is the one production sends.
import { sql } from "kysely";
import { setStage, writingPercent } from "../../app/models/document-progress.server";
import { recordRefundedTotal } from "../../app/models/payments.server";
import type { Db } from "../../app/utils/db.server";
import { getSessionStorage } from "../../app/utils/session-cookie.server";
import { finishSection } from "../../worker/pipeline/finish-sections";
import { QUALITY_FAILURE_REASON } from "../../worker/pipeline/review";
import { SectionStarts } from "../../worker/pipeline/section-store";

export type Outcome = "completed" | "completed_with_warnings" | "failed_quality";

export type SoakDocument = {
  id: string;
  userId: string;
  paymentId: string;
  priceCents: number;
  sectionCount: number;
  outcome: Outcome;
};

/** Document 1 (and the one past the middle, from 10 on) fails its review and is refunded; every third has warnings. */
export function outcomeOf(index: number, count: number): Outcome {
  if (index === 1 || (count >= 10 && index === Math.floor(count / 2) + 1)) return "failed_quality";
  return index % 3 === 2 ? "completed_with_warnings" : "completed";
}

/** `count` customers, each with one paid, queued order of 4 to 8 sections. */
export async function seedDocuments(db: Db, count: number): Promise<SoakDocument[]> {
  const users = await db
    .insertInto("users")
    .values(Array.from({ length: count }, (_, i) => ({ email: `soak-${i}@example.com` })))
    .returning("id")
    .execute();
  const priceCents = 5000;
  const documents = await db
    .insertInto("documents")
    .values(
      users.map((u, i) => ({
        user_id: u.id,
        topic: `Soak document ${i}`,
        pages: 10,
        language: "en",
        price_cents: priceCents,
        status: "queued" as const,
        progress_stage: "queued",
        progress_percent: 0,
      })),
    )
    .returning(["id", "user_id"])
    .execute();
  const payments = await db
    .insertInto("payments")
    .values(
      documents.map((d) => ({
        document_id: d.id,
        user_id: d.user_id,
        provider: "dev" as const,
        amount_cents: priceCents,
        currency: "eur",
        status: "succeeded" as const,
      })),
    )
    .returning(["id", "document_id"])
    .execute();
  return documents.map((d, i) => ({
    id: d.id,
    userId: d.user_id,
    paymentId: payments.find((p) => p.document_id === d.id)!.id,
    priceCents,
    sectionCount: 4 + (i % 5),
    outcome: outcomeOf(i, count),
  }));
}

/** A signed session cookie of the owner for each of `count` watchers, spread evenly over the documents. */
export async function watcherCookies(db: Db, documents: readonly SoakDocument[], count: number) {
  if (count === 0) return [];
  const sessions = await db
    .insertInto("sessions")
    .values(
      Array.from({ length: count }, (_, i) => ({
        user_id: documents[i % documents.length].userId,
        expires_at: sql<Date>`now() + interval '1 day'`,
      })),
    )
    .returning("id")
    .execute();
  const storage = getSessionStorage();
  return Promise.all(
    sessions.map(async ({ id }, i) => {
      const session = await storage.getSession();
      session.set("sessionId", id);
      return {
        documentId: documents[i % documents.length].id,
        cookie: (await storage.commitSession(session)).split(";")[0],
      };
    }),
  );
}

/** The worker's writes for one document, in order: each a statement (or transaction) with its events. */
export function documentSteps(db: Db, document: SoakDocument): Array<() => Promise<unknown>> {
  const { id, sectionCount: total } = document;
  const starts = new SectionStarts();
  let sections: { id: string; index: number }[] = [];
  const steps: Array<() => Promise<unknown>> = [
    () =>
      setStage(db, id, "planning", {
        from: { status: "queued" },
        status: "generating",
        columns: { started_at: sql`coalesce(started_at, now())` },
      }),
    () =>
      db.transaction().execute(async (trx) => {
        sections = await trx
          .insertInto("sections")
          .values(
            Array.from({ length: total }, (_, index) => ({
              document_id: id,
              index,
              heading: `Section ${index + 1}`,
              brief: "What this section argues.",
              key_points: JSON.stringify(["a point"]),
              source_keys: JSON.stringify([]),
              target_words: 400,
            })),
          )
          .returning(["id", "index"])
          .execute();
        await setStage(trx, id, "writing", { percent: writingPercent(0, total), totalSections: total });
      }),
  ];
  for (let index = 0; index < total; index++) {
    const section = () => sections[index];
    steps.push(() => starts.markWriting(db, id, section()));
    steps.push(() =>
      finishSection(db, {
        documentId: id,
        sectionId: section().id,
        outcome: { status: "passed", content: `Text of section ${index + 1}.`, word_count: 400 + index },
        event: {
          type: "section",
          index,
          status: "passed",
          wordCount: 400 + index,
          scores: { uniqueness: 97, grammar: 2, ai: null },
        },
        warnings: [],
        totalSections: total,
        concurrency: 2,
      }),
    );
  }
  // The last section hands the document over to the review (handOverToReview's stage change).
  steps.push(() =>
    setStage(db, id, "reviewing", {
      from: { status: "generating", stage: ["writing", "waiting_for_budget"] },
      where: sql<boolean>`sections_finished >= coalesce(total_sections, 0)`,
    }),
  );
  if (document.outcome === "failed_quality") {
    steps.push(() =>
      setStage(db, id, "failed", {
        from: { status: "generating" },
        status: "failed_quality",
        reason: QUALITY_FAILURE_REASON,
        columns: { completed_at: sql`now()` },
      }),
    );
    // Stripe's word that the refund went through refunds the order ("failed" event: the order was refunded).
    steps.push(() =>
      db.transaction().execute((trx) => recordRefundedTotal(trx, document.paymentId, document.priceCents)),
    );
  } else {
    const warnings = document.outcome === "completed_with_warnings" ? ["Section 2 is shorter than asked."] : [];
    steps.push(() =>
      setStage(db, id, "assembling", {
        from: { status: "generating", stage: "reviewing" },
        columns: { quality_warnings: JSON.stringify(warnings) },
      }),
    );
    steps.push(() =>
      setStage(db, id, "done", {
        from: { status: "generating" },
        status: document.outcome,
        columns: { content: "The delivered text.", completed_at: sql`now()` },
      }),
    );
  }
  return steps;
}

/** Each document's final state as the database has it: what every watcher must end with. */
export async function finalStates(db: Db, ids: readonly string[]) {
  const rows = await db
    .selectFrom("documents")
    .select(["id", "status", "progress_stage", "progress_percent"])
    .where("id", "in", ids)
    .execute();
  return new Map(rows.map((r) => [r.id, { status: r.status, stage: r.progress_stage, percent: r.progress_percent }]));
}
