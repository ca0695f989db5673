import { sql } from "kysely";
import { listSections, transitionDocument } from "../../app/models/documents.server";
import type { DocumentStatus } from "../../db/schema";
import type { PipelineContext } from "../context";
import { notifyDocumentEvent } from "../events";
import type { AssembleDocumentJob } from "../queues";

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
    if (status !== "failed_quality") {
      await trx
        .insertInto("drafts")
        .values({ document_id: documentId, version: 1, content })
        .onConflict((oc) => oc.columns(["document_id", "version"]).doNothing())
        .execute();
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
