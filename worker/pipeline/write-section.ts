// section.write: one attempt at one section per delivery (its prompt: section-prompt.ts; its checks:
// section-checks.ts; what it reads and writes: section-store.ts and finish-sections.ts).
import { writerForOrder } from "../llm/customer-writer";
import { sendJob } from "../../app/jobs/queue.server";
import { waitIfOverBudget } from "../budget";
import { DIRECT_CALL, type DeliveryInfo, type PipelineContext } from "../context";
import { AllProvidersFailedError, ProvidersRestingError, type Completion } from "../llm/provider";
import { setStage } from "../../app/models/document-progress.server";
import { DraftCheck } from "../quality/draft";
import { QUEUES, type WriteSectionJob } from "../../app/jobs/definitions";
import { applyQualityGates, checkAttempt, orderTopic, unsupportedCitationWarning } from "./section-checks";
import { promptTexts } from "./prompt-texts";
import { DEFAULT_CONTEXT_SECTIONS, neighbourIndexes, sectionRequest } from "./section-prompt";
import { finishOf, handOverToReview, saveAttempt, type SectionResult } from "./section-store";

export const MAX_ATTEMPTS = 3;

/**
 * section.write makes ONE attempt per delivery: a passed section is final (checkpoint); a rejected attempt is stored
 * and the next attempt is enqueued in the same transaction, so one job is one LLM call and a crash loses at most it.
 */
export async function writeSection(
  ctx: PipelineContext,
  job: WriteSectionJob,
  delivery: DeliveryInfo = DIRECT_CALL,
): Promise<void> {
  const { db, log, machinery } = ctx;
  const { documentId, sectionId } = job;
  const loaded = await machinery.sectionStarts.load(db, documentId, sectionId);
  if (!loaded) return;
  const { section, document, previous, outline, assigned, sources, documentSources } = loaded;
  if (document.status !== "generating") return;
  if (section.status === "passed" || section.status === "failed") {
    // Finished by an earlier delivery, which may have died before handing the document over.
    if (document.sections_finished >= (document.total_sections ?? 0)) await handOverToReview(db, documentId);
    return;
  }

  const attempt = (previous?.attempt ?? 0) + 1;
  // Tries since the section was (re)started: an admin's rewrite gives it MAX_ATTEMPTS fresh ones.
  const tries = attempt - section.attempts_before_rewrite;
  // A redelivered job whose attempt is already stored has nothing left to do (its successor was enqueued with it).
  if (attempt > (job.attempt ?? 1) || tries > MAX_ATTEMPTS) return;
  const feedback = (previous?.feedback as string[] | undefined) ?? [];

  if (!(await waitIfOverBudget(ctx, QUEUES.writeSection, job, document.user_id))) return;
  const router = await writerForOrder(ctx, { ...document, id: documentId });

  // Light on purpose: no document lock here, so sections start in parallel; the finishing step does the bookkeeping.
  if (document.progress_stage === "waiting_for_budget") {
    await setStage(db, documentId, "writing", { from: { stage: "waiting_for_budget" } });
  }
  // The section's state and its event, while the writer is already being asked (a document's sections all start at
  // once: one statement for all of them, and no round trip before each request). Settled before anything is saved,
  // so the "writing" event always comes before the section's outcome.
  const started = machinery.sectionStarts.markWriting(db, documentId, { id: sectionId, index: section.index });
  started.catch(() => {}); // awaited below; this only keeps an early failure of the call from leaving it unhandled

  const nearest = new Set(
    neighbourIndexes(section.index, outline.length, ctx.maxContextSections ?? DEFAULT_CONTEXT_SECTIONS),
  );
  const neighbours = outline.filter((s) => nearest.has(s.index) && s.summary);
  const keyPoints = section.key_points as unknown as string[];
  // What finishing this section stores besides its result: the counts its document's progress follows.
  const finishing = {
    documentId,
    sectionId,
    index: section.index,
    totalSections: document.total_sections ?? 0,
    concurrency: ctx.sectionConcurrency,
  };

  // The gates start on each paragraph as soon as the writer has finished it.
  const draft = ctx.gates?.length
    ? new DraftCheck(ctx.gates, { language: document.language, documentId, db })
    : undefined;
  const texts = promptTexts(document.language).section;
  let completion: Completion;
  try {
    completion = await router.complete(
      sectionRequest({
        document,
        section: { ...section, keyPoints },
        outline: outline.map((s) => `${s.index + 1}. ${s.heading}`).join("; "),
        sources: { assigned, total: sources.length },
        attempt,
        verb: "write",
        notes: [
          neighbours.length ? texts.neighbours(neighbours.map((n) => `${n.heading}: ${n.summary}`).join(" | ")) : "",
          feedback.length ? texts.fixPrevious(feedback.join(" ")) : "",
        ],
        signal: delivery.signal,
        sink: draft,
      }),
    );
  } catch (error) {
    await started;
    // Every writer failed on the last delivery: the section fails (the review decides about the document), rather
    // than the whole order dying in the dead-letter queue.
    // Writers resting behind open breakers are waited for (the runner sends the job again later), never given up on.
    if (error instanceof AllProvidersFailedError && !(error instanceof ProvidersRestingError) && delivery.isLastTry) {
      const failed: SectionResult = { passed: false, text: "", provider: null, model: null };
      const finished = await machinery.sectionFinishes.finish(db, finishOf({ ...finishing, result: failed }));
      if (finished.handsOver) await handOverToReview(db, documentId);
      log.error({ documentId, section: section.index, err: error.message }, "section failed: no writer could write it");
      return;
    }
    throw error;
  }
  await started;
  const answeredAt = Date.now();
  const check = checkAttempt(completion.text, section.target_words, sources, tries >= MAX_ATTEMPTS, document.language);
  const scores = await applyQualityGates(ctx, check, completion.provider, {
    draft,
    sources: documentSources,
    topic: orderTopic(document),
    targetWords: section.target_words,
    language: document.language,
    sectionId,
    documentId,
    signal: delivery.signal,
    judge: { writer: router, userId: document.user_id, attempt, lastAttempt: tries >= MAX_ATTEMPTS },
  });
  const checkedAt = Date.now();
  const last = check.passed || tries >= MAX_ATTEMPTS;
  const result: SectionResult = {
    passed: check.passed,
    text: check.text,
    words: check.words,
    provider: completion.provider,
    model: completion.model,
    scores,
  };
  const stored = {
    sectionId,
    documentId,
    userId: document.user_id,
    attempt,
    completion,
    passed: check.passed,
    feedback: check.feedback,
    scores,
  };
  if (last) {
    // One statement, committed on its own: a document's sections finishing together wait for each other's row
    // lock only while that statement runs, not across round trips of a transaction.
    const warnings = [
      ...check.removedCitations.map(
        (key) =>
          `Section ${section.index + 1} "${section.heading}": the writer cited [@${key}], which is not among the sources; the citation was removed.`,
      ),
      ...check.unsupportedCitations.map((removed) => unsupportedCitationWarning(section, removed)),
    ];
    const saved = await saveAttempt(db, stored, {
      finish: finishOf({ ...finishing, result, warnings }),
      finishes: machinery.sectionFinishes,
    });
    if (saved.stored && saved.handsOver) await handOverToReview(db, documentId);
  } else {
    // The next attempt is sent with this one stored, or neither (its successor is what a redelivery relies on).
    await db.transaction().execute(async (trx) => {
      const saved = await saveAttempt(trx, stored);
      if (!saved.stored) return; // another delivery stored this attempt first; it also took the next step
      await sendJob(
        trx,
        QUEUES.writeSection,
        { documentId, sectionId, attempt: attempt + 1 },
        { singletonKey: `${sectionId}:${attempt + 1}` },
      );
    });
  }
  // When the answer was in hand and how long its checks and its saving took (the benchmark's timeline shows them).
  const timing = { answeredAt, checkMs: checkedAt - answeredAt, saveMs: Date.now() - checkedAt };
  log.info(
    { documentId, section: section.index, attempt, passed: check.passed, final: last, ...timing },
    "section attempt done",
  );
}
