import { sql } from "kysely";
import { transitionDocument } from "../../app/models/documents.server";
import { listSections } from "../../app/models/documents.server";
import type { DocumentStatus } from "../../db/schema";
import { sendJob } from "../../app/utils/queue.server";
import type { PipelineContext } from "../context";
import { notifyDocumentEvent } from "../events";
import { refreshDocumentUsage } from "../llm/usage";
import { documentScores } from "../quality/gate";
import { lockDocument } from "../progress";
import { QUEUES, type ReviewDocumentJob } from "../queues";

type SectionOutcome = { index: number; heading: string; status: string };

/** The document's fate from its sections (DESIGN §4): the threshold share of passed sections, default 0.85. */
export function decideOutcome(sections: SectionOutcome[], threshold: number): { status: DocumentStatus; warnings: string[] } {
  const failed = sections.filter((s) => s.status !== "passed");
  const warnings = failed.map((s) => `Section ${s.index + 1} "${s.heading}" did not pass the quality checks.`);
  if (failed.length === 0) return { status: "completed", warnings };
  const share = (sections.length - failed.length) / sections.length;
  return { status: share >= threshold ? "completed_with_warnings" : "failed_quality", warnings };
}

export const QUALITY_FAILURE_REASON =
  "We could not write enough of this document to our quality standard. You have been refunded in full; we are sorry.";

/**
 * document.review: below the threshold the order fails its quality promise — status failed_quality and a full refund
 * of every payment (the refund email carries the apology); otherwise the document goes on to assembly, its warnings
 * naming each failed section.
 */
export async function reviewDocument(ctx: PipelineContext, { documentId }: ReviewDocumentJob): Promise<void> {
  const { db, log } = ctx;
  const document = await db
    .selectFrom("documents")
    .select(["status", "progress_stage", "quality_warnings"])
    .where("id", "=", documentId)
    .executeTakeFirst();
  if (!document || document.status !== "generating" || document.progress_stage !== "reviewing") return;
  const sections = await listSections(db, documentId);
  const outcome = decideOutcome(sections, ctx.completionThreshold);
  const { status } = outcome;
  // Warnings recorded while writing (e.g. a removed invented citation) stay, after the failed sections.
  const earlier = (document.quality_warnings as unknown as string[]).filter((w) => !outcome.warnings.includes(w));
  const warnings = [...outcome.warnings, ...earlier];

  await db.transaction().execute(async (trx) => {
    await lockDocument(trx, documentId);
    await refreshDocumentUsage(trx, documentId);
    // The document's scores: word-weighted means of its sections' (null where no section could be checked).
    const scores = documentScores(
      sections.map((s) => ({ words: s.word_count ?? 0, scores: { uniqueness: s.score_uniqueness, grammar: s.score_grammar, ai: s.score_ai } })),
    );
    await trx
      .updateTable("documents")
      .set({ score_uniqueness: scores.uniqueness, score_grammar: scores.grammar, score_ai: scores.ai })
      .where("id", "=", documentId)
      .execute();
    if (status === "failed_quality") {
      const failed = await transitionDocument(trx, documentId, "generating", "failed_quality", {
        quality_warnings: JSON.stringify(warnings),
        progress_stage: "failed",
        eta_seconds: null,
        current_section: null,
        completed_at: sql`now()`,
        failure_reason: QUALITY_FAILURE_REASON,
      });
      if (!failed) return;
      const payments = await trx
        .selectFrom("payments")
        .select("id")
        .where("document_id", "=", documentId)
        .where("status", "in", ["succeeded", "partially_refunded"])
        .execute();
      for (const payment of payments) {
        await sendJob(trx, QUEUES.refundPayment, { paymentId: payment.id, reason: "quality_threshold", documentId });
      }
      await notifyDocumentEvent(trx, documentId, { type: "failed", reason: QUALITY_FAILURE_REASON });
      return;
    }
    const next = await trx
      .updateTable("documents")
      .set({ quality_warnings: JSON.stringify(warnings), progress_stage: "assembling", progress_percent: 97, eta_seconds: 2 })
      .where("id", "=", documentId)
      .where("status", "=", "generating")
      .where("progress_stage", "=", "reviewing")
      .executeTakeFirst();
    if (Number(next.numUpdatedRows) !== 1) return;
    await sendJob(trx, QUEUES.assembleDocument, { documentId });
    await notifyDocumentEvent(trx, documentId, {
      type: "progress",
      percent: 97,
      stage: "assembling",
      currentSection: null,
      totalSections: sections.length,
      etaSeconds: 2,
      status: "generating",
    });
  });
  log.info({ documentId, outcome: status, failedSections: warnings.length }, "document reviewed");
}
