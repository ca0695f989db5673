import { sql } from "kysely";
import { listSections, transitionDocument } from "../../app/models/documents.server";
import type { DocumentStatus } from "../../db/schema";
import type { PipelineContext } from "../context";
import { notifyDocumentEvent } from "../events";
import { QUEUES, type AssembleDocumentJob } from "../queues";
import { recordGenerationRate } from "../../app/models/generation-rates.server";
import { documentReadyEmail } from "../../app/utils/email-templates.server";
import { getEnv } from "../../app/utils/env.server";
import { sendJob } from "../../app/utils/queue.server";

type SectionOutcome = { index: number; heading: string; status: string; content: string | null };

/** Decides the document's final status from its sections (DESIGN §4: threshold of passed sections). */
export function decideOutcome(sections: SectionOutcome[], threshold: number): { status: DocumentStatus; warnings: string[] } {
  const failed = sections.filter((s) => s.status !== "passed");
  const warnings = failed.map((s) => `Section ${s.index + 1} "${s.heading}" did not pass the quality checks.`);
  if (failed.length === 0) return { status: "completed", warnings };
  const share = (sections.length - failed.length) / sections.length;
  return { status: share >= threshold ? "completed_with_warnings" : "failed_quality", warnings };
}

export function assembleText(topic: string, sections: SectionOutcome[]): string {
  const parts = [`# ${topic}`];
  for (const s of sections) {
    if (s.status !== "passed" && !s.content) continue;
    parts.push(`## ${s.heading}`, s.content ?? "");
  }
  return parts.join("\n\n");
}

/** document.assemble: the sections become one text; the document gets its final status. */
export async function assembleDocument(ctx: PipelineContext, { documentId }: AssembleDocumentJob): Promise<void> {
  const { db, log } = ctx;
  const document = await db.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirst();
  if (!document || document.status !== "generating") return;
  const sections = await listSections(db, documentId);
  const { status, warnings } = decideOutcome(sections, ctx.completionThreshold);
  const content = assembleText(document.topic, sections);

  await db.transaction().execute(async (trx) => {
    const applied = await transitionDocument(trx, documentId, "generating", status, {
      content: status === "failed_quality" ? null : content,
      quality_warnings: JSON.stringify(warnings),
      progress_percent: 100,
      progress_stage: status === "failed_quality" ? "failed" : "done",
      current_section: null,
      eta_seconds: 0,
      completed_at: sql`now()`,
      failure_reason: status === "failed_quality" ? "Too few sections reached the quality threshold." : null,
    });
    if (!applied) return;
    const user = await trx.selectFrom("users").select("email").where("id", "=", document.user_id).executeTakeFirstOrThrow();
    if (status !== "failed_quality") {
      await trx
        .insertInto("drafts")
        .values({ document_id: documentId, version: 1, content })
        .onConflict((oc) => oc.columns(["document_id", "version"]).doNothing())
        .execute();
      await sendJob(trx, QUEUES.sendEmail, documentReadyEmail(user.email, document, getEnv().APP_URL, status === "completed_with_warnings"));
      if (document.started_at) {
        const seconds = (Date.now() - new Date(document.started_at).getTime()) / 1000;
        await recordGenerationRate(trx, document.kind, seconds / document.pages);
      }
    } else {
      // Below the threshold: every payment of the order goes back in full, with an apology.
      const payments = await trx
        .selectFrom("payments")
        .select("id")
        .where("document_id", "=", documentId)
        .where("status", "in", ["succeeded", "partially_refunded"])
        .execute();
      for (const payment of payments) {
        await sendJob(trx, QUEUES.refundPayment, { paymentId: payment.id, reason: "quality_threshold", documentId });
      }
    }
    await notifyDocumentEvent(trx, documentId, {
      type: "progress",
      percent: 100,
      stage: status === "failed_quality" ? "failed" : "done",
      currentSection: null,
      totalSections: sections.length,
      etaSeconds: 0,
      status,
    });
    await notifyDocumentEvent(
      trx,
      documentId,
      status === "failed_quality"
        ? { type: "failed", reason: "Too few sections reached the quality threshold." }
        : { type: "completed", status },
    );
  });
  log.info({ documentId, status }, "document assembled");
}

/** A job that exhausted its retries: its document shows a clear failed state instead of spinning forever. */
export async function failDocumentFromDeadLetter(ctx: PipelineContext, documentId: string, queue: string): Promise<void> {
  const reason = `Generation stopped at the "${queue}" step after repeated errors. Our team has been notified.`;
  await ctx.db.transaction().execute(async (trx) => {
    const applied = await transitionDocument(trx, documentId, ["queued", "generating"], "failed", {
      failure_reason: reason,
      progress_stage: "failed",
      eta_seconds: null,
    });
    if (applied) await notifyDocumentEvent(trx, documentId, { type: "failed", reason });
  });
  ctx.log.error({ documentId, queue }, "document failed: a job landed in the dead-letter queue");
}
