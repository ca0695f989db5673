import { writerForOrder } from "../llm/customer-writer";
import { sql } from "kysely";
import { listSections } from "../../app/models/documents.server";
import type { Selectable } from "kysely";
import type { Database, DocumentStatus } from "../../db/schema";
import { sendJob } from "../../app/jobs/queue.server";
import { lockDocument, setStage } from "../../app/models/document-progress.server";
import type { PipelineContext } from "../context";
import { refreshDocumentUsage } from "../llm/usage";
import { sourceText } from "../quality/gate-context";
import { documentScores } from "../quality/registry";
import { deliveredCitationFigures } from "../../app/models/citation-verdicts.server";
import { QUEUES, type ReviewDocumentJob } from "../../app/jobs/definitions";
import { analyseGaps, type GapFindings } from "./gap-analysis";
import { requirementsText } from "./plan";
import { judgeRequirements, unmetRequirements } from "../quality/requirements";
import { applyQualityGates, checkAttempt, citable, orderTopic } from "./section-checks";
import { promptTexts } from "./prompt-texts";
import { sectionRequest, summaryOf } from "./section-prompt";
import { saveAttempt } from "./section-store";

type SectionOutcome = { index: number; heading: string; status: string };

/** The document's fate from its sections (DESIGN §4): the threshold share of passed sections, default 0.85. */
export function decideOutcome(
  sections: SectionOutcome[],
  threshold: number,
): { status: DocumentStatus; warnings: string[] } {
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
export async function reviewDocument(
  ctx: PipelineContext,
  { documentId }: ReviewDocumentJob,
  /** `signal`: the job's, so its calls end (or do not start) within its expiry. */
  options: { assembleHere?: boolean; signal?: AbortSignal } = {},
): Promise<{ assemble: boolean } & Partial<ReviewedDocument>> {
  const { db, log } = ctx;
  const document = await db.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirst();
  if (!document || document.status !== "generating" || document.progress_stage !== "reviewing")
    return { assemble: false };
  const router = await writerForOrder(ctx, document);
  const revision = await reviseWhereNeeded({ ...ctx, router }, document, options.signal);
  const { findings } = revision;
  // As the revisions left them: read again only if one replaced a text.
  const sections = findings.revised.length ? await listSections(db, documentId) : revision.sections;
  const outcome = decideOutcome(sections, ctx.completionThreshold);
  const { status } = outcome;
  const full = document; // the customer's requirements and their report: nothing here changes them
  const documentJudgement = await judgeRequirements(
    router,
    {
      requirements: requirementsText(full),
      subject: "document",
      text: sections
        .filter((s) => s.content)
        .map((s) => `## ${s.heading}\n\n${s.content}`)
        .join("\n\n"),
      language: full.language,
    },
    options.signal,
  ).catch((error) => {
    log.warn({ documentId, err: String(error) }, "requirements judge failed on the document");
    return null;
  });
  // Warnings recorded while writing (e.g. a removed invented citation) stay, after the failed sections; then every
  // requirement the judge found unmet.
  const unmet = unmetRequirements(documentJudgement);
  const earlier = (document.quality_warnings as unknown as string[]).filter(
    (w) => !outcome.warnings.includes(w) && !unmet.includes(w),
  );
  const warnings = [...outcome.warnings, ...earlier, ...unmet];
  const requirementsReport = { ...((full.requirements_report as object | null) ?? {}), document: documentJudgement };

  // The document's scores: word-weighted means of its sections' (null where no section could be checked).
  const scores = documentScores(
    sections.map((s) => ({
      words: s.word_count ?? 0,
      scores: { uniqueness: s.score_uniqueness, grammar: s.score_grammar, ai: s.score_ai },
    })),
  );
  // Over the text delivered: each section's verdicts on its final content (null, shown N/A, where none was judged).
  const citations = await deliveredCitationFigures(db, documentId);
  const reviewed = {
    citation_precision: citations.precision,
    citation_recall: citations.recall,
    score_uniqueness: scores.uniqueness,
    score_grammar: scores.grammar,
    score_ai: scores.ai,
    review_findings: JSON.stringify(findings),
    requirements_report: JSON.stringify(requirementsReport),
  };
  const handedOver = await db.transaction().execute(async (trx) => {
    // Locked first, so the totals below are read after any writer that held the row has committed.
    await lockDocument(trx, documentId);
    await refreshDocumentUsage(trx, documentId);
    if (status === "failed_quality") {
      const failed = await setStage(trx, documentId, "failed", {
        from: { status: "generating" },
        status: "failed_quality",
        reason: QUALITY_FAILURE_REASON,
        columns: { ...reviewed, quality_warnings: JSON.stringify(warnings), completed_at: sql`now()` },
      });
      if (!failed) return false;
      const payments = await trx
        .selectFrom("payments")
        .select("id")
        .where("document_id", "=", documentId)
        .where("status", "in", ["succeeded", "partially_refunded"])
        .execute();
      for (const payment of payments) {
        await sendJob(trx, QUEUES.refundPayment, { paymentId: payment.id, reason: "quality_threshold", documentId });
      }
      return false;
    }
    // The review's results, the hand-over to assembly and its event, in one statement.
    const next = await setStage(trx, documentId, "assembling", {
      from: { status: "generating", stage: "reviewing" },
      columns: { ...reviewed, quality_warnings: JSON.stringify(warnings) },
    });
    if (!next) return false;
    // Assembled right here by the caller that asks to (the worker's review job), with the queued job as the safety
    // net should this process die first: it starts later, and finds the document delivered.
    await sendJob(
      trx,
      QUEUES.assembleDocument,
      { documentId },
      options.assembleHere ? { startAfter: new Date(Date.now() + ASSEMBLY_SAFETY_NET_MS) } : {},
    );
    return true;
  });
  log.info(
    {
      documentId,
      outcome: status,
      failedSections: warnings.length,
      revised: findings.revised,
      rejected: findings.revisionsRejected,
    },
    "document reviewed",
  );
  return {
    assemble: handedOver,
    sections,
    // What the assembly that follows in this job would read again: the document as it is now, its sources, its author.
    document: { ...document, quality_warnings: warnings as never, progress_stage: "assembling" },
    sources: revision.sources,
    author: revision.author,
  };
}

/** A document's sections as the review read them; the assembly that follows it in the same job starts from these. */
export type ReviewedSections = Awaited<ReturnType<typeof listSections>>;

/** What the review read, handed to the assembly that follows it in the same job (nothing changes it in between). */
export type ReviewedDocument = {
  sections: ReviewedSections;
  document: Selectable<Database["documents"]>;
  sources: { key: string; csl: unknown }[];
  author: string | null;
};

/** When the queued assembly starts if the review that handed over (and assembles itself) did not live to do it. */
const ASSEMBLY_SAFETY_NET_MS = 30_000;

/**
 * The gap analysis and its revisions: each section the rule picks is written once more with the findings in the
 * prompt; the new text replaces the old only if it passes every check and is not shorter.
 */
async function reviseWhereNeeded(
  ctx: PipelineContext,
  document: Selectable<Database["documents"]>,
  signal?: AbortSignal,
): Promise<{
  findings: GapFindings;
  sections: ReviewedSections;
  sources: ReviewedDocument["sources"];
  author: string | null;
}> {
  const { db, router } = ctx;
  const documentId = document.id;
  const [sections, sources, spent, user] = await Promise.all([
    listSections(db, documentId),
    db
      .selectFrom("sources")
      .select(["key", "year", "title", "abstract", "doi", "csl", "priority"])
      .where("document_id", "=", documentId)
      .execute(),
    db
      .selectFrom("token_usage")
      .select(sql<string>`coalesce(sum(tokens_in + tokens_out), 0)`.as("tokens"))
      .where("document_id", "=", documentId)
      .executeTakeFirstOrThrow(),
    db.selectFrom("users").select("name").where("id", "=", document.user_id).executeTakeFirst(),
  ]);
  // Revisions may cost at most half of what the document has cost so far (and at least one small section).
  const findings = analyseGaps(sections, sources, {
    tokenBudget: Math.max(4000, Math.round(Number(spent.tokens) * 0.5)),
    language: document.language,
  });
  const texts = promptTexts(document.language).section;
  const outline = sections.map((s) => `${s.index + 1}. ${s.heading}`).join("; ");
  // The sources as the gates compare revisions with them (one text per source for all of them).
  const gated = sources.map((s) => ({ key: s.key, title: s.title, text: sourceText(s) }));

  await Promise.all(
    findings.toRevise.map(async ({ index, reasons }) => {
      const section = sections.find((s) => s.index === index)!;
      const assignedKeys = new Set(section.source_keys as unknown as string[]);
      const assigned = sources.filter((s) => assignedKeys.has(s.key));
      const keyPoints = section.key_points as unknown as string[];
      const completion = await router.complete(
        sectionRequest({
          document,
          section: { ...section, keyPoints },
          outline,
          sources: { assigned, total: sources.length },
          attempt: section.attempts + 1,
          verb: "revise",
          notes: [texts.reviewFound(reasons.join(" ")), texts.currentText(section.content ?? "")],
          signal,
        }),
      );
      const check = checkAttempt(completion.text, section.target_words, sources.map(citable), true, document.language);
      const scores = await applyQualityGates(
        ctx,
        check,
        completion.provider,
        {
          targetWords: section.target_words,
          language: document.language,
          sectionId: section.id,
          documentId,
          sources: gated,
          topic: orderTopic(document),
          judge: { writer: router, userId: document.user_id, attempt: section.attempts + 1, lastAttempt: true },
        },
        { uniqueness: section.score_uniqueness, grammar: section.score_grammar, ai: section.score_ai },
      );
      const better = check.passed && check.words >= (section.word_count ?? 0);
      await db.transaction().execute(async (trx) => {
        // No text is kept for an order cancelled or refunded while the revision was written.
        if ((await lockDocument(trx, documentId))?.status !== "generating") return;
        await saveAttempt(trx, {
          sectionId: section.id,
          documentId,
          userId: document.user_id,
          attempt: section.attempts + 1,
          completion,
          passed: better,
          feedback: better ? [] : ["Revision kept back: it did not pass the checks or was shorter.", ...check.feedback],
          scores,
        });
        if (!better) return;
        await trx
          .updateTable("sections")
          .set({
            content: check.text,
            word_count: check.words,
            summary: summaryOf(check.text),
            score_uniqueness: scores.uniqueness,
            score_grammar: scores.grammar,
            score_ai: scores.ai,
            provider: completion.provider,
            model: completion.model,
          })
          .where("id", "=", section.id)
          .where("status", "=", "passed")
          .execute();
      });
      (better ? findings.revised : findings.revisionsRejected).push(index);
    }),
  );
  findings.revised.sort((a, b) => a - b);
  findings.revisionsRejected.sort((a, b) => a - b);
  return { findings, sections, sources, author: user?.name ?? null };
}
