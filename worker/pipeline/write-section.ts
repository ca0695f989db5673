import { sql } from "kysely";
import { sendJob } from "../../app/utils/queue.server";
import type { PipelineContext } from "../context";
import { notifyDocumentEvent } from "../events";
import { recordUsage } from "../llm/usage";
import type { Completion } from "../llm/provider";
import { lockDocument, refreshProgress } from "../progress";
import { QUEUES, type WriteSectionJob } from "../queues";
import { requirementsBlock } from "./outline";

export const MAX_ATTEMPTS = 3;
/** A section under this share of its word budget is written again. */
export const MIN_LENGTH_SHARE = 0.6;
const NEIGHBOUR_SECTIONS = 10;

export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export function checkLength(text: string, targetWords: number): { passed: boolean; feedback: string[] } {
  const words = countWords(text);
  if (words === 0) return { passed: false, feedback: ["The previous answer was empty."] };
  if (words < MIN_LENGTH_SHARE * targetWords) {
    return { passed: false, feedback: [`The previous answer had ${words} words; this section needs about ${targetWords}.`] };
  }
  return { passed: true, feedback: [] };
}

/** section.write: writes one section, up to MAX_ATTEMPTS; a passed section is never written again (checkpoint). */
export async function writeSection(ctx: PipelineContext, { documentId, sectionId }: WriteSectionJob): Promise<void> {
  const { db, router, log } = ctx;
  const section = await db.selectFrom("sections").selectAll().where("id", "=", sectionId).executeTakeFirst();
  if (!section || section.status === "passed" || section.status === "failed") return;
  const document = await db.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirst();
  if (!document || document.status !== "generating") return;

  await db.transaction().execute(async (trx) => {
    await lockDocument(trx, documentId);
    await trx
      .updateTable("sections")
      .set({ status: "writing", started_at: sql`coalesce(started_at, now())` })
      .where("id", "=", sectionId)
      .where("status", "in", ["pending", "writing"])
      .execute();
    await notifyDocumentEvent(trx, documentId, { type: "section", index: section.index, status: "writing", wordCount: null });
    await refreshProgress(trx, documentId, ctx.sectionConcurrency, section.index);
  });

  const outline = await db
    .selectFrom("sections")
    .select(["index", "heading", "summary", "status"])
    .where("document_id", "=", documentId)
    .orderBy("index")
    .execute();
  const neighbours = outline.filter(
    (s) => s.index !== section.index && Math.abs(s.index - section.index) <= NEIGHBOUR_SECTIONS / 2 && s.summary,
  );
  // Attempts persisted by an earlier delivery count: a crash does not buy a section extra tries.
  const previous = await db
    .selectFrom("section_attempts")
    .select(["attempt", "feedback"])
    .where("section_id", "=", sectionId)
    .orderBy("attempt", "desc")
    .execute();
  let attempt = previous[0]?.attempt ?? 0;
  let feedback: string[] = (previous[0]?.feedback as string[] | undefined) ?? [];

  while (attempt < MAX_ATTEMPTS) {
    attempt++;
    const keyPoints = section.key_points as unknown as string[];
    const completion = await router.complete({
      system:
        "You write one section of an academic document. Write continuous academic prose in the requested language; " +
        "no headings, no lists, no preamble.",
      prompt: [
        `Document topic: "${document.topic}". Language code: ${document.language}.`,
        requirementsBlock(document),
        `Outline: ${outline.map((s) => `${s.index + 1}. ${s.heading}`).join("; ")}.`,
        `Write section ${section.index + 1}, "${section.heading}": ${section.brief}`,
        keyPoints.length ? `Cover these key points: ${keyPoints.join("; ")}.` : "",
        neighbours.length ? `Neighbouring sections say: ${neighbours.map((n) => `${n.heading}: ${n.summary}`).join(" | ")}` : "",
        `Length: about ${section.target_words} words.`,
        feedback.length ? `Fix these problems of the previous attempt: ${feedback.join(" ")}` : "",
      ]
        .filter(Boolean)
        .join("\n"),
      maxTokens: Math.ceil(section.target_words * 2.2) + 200,
      intent: {
        kind: "section",
        topic: document.topic,
        language: document.language,
        heading: section.heading,
        keyPoints,
        targetWords: section.target_words,
        attempt,
      },
    });
    const check = checkLength(completion.text, section.target_words);
    feedback = check.feedback;
    const last = check.passed || attempt >= MAX_ATTEMPTS;
    await db.transaction().execute(async (trx) => {
      await lockDocument(trx, documentId);
      await saveAttempt(trx, { sectionId, documentId, userId: document.user_id, attempt, completion, ...check });
      if (last) await finishSection(ctx, trx, { documentId, sectionId, index: section.index, completion, passed: check.passed });
    });
    if (last) {
      log.info({ documentId, section: section.index, attempt, passed: check.passed }, "section written");
      return;
    }
    log.info({ documentId, section: section.index, attempt, feedback }, "section rejected; writing it again");
  }
}

async function saveAttempt(
  trx: Parameters<typeof recordUsage>[0],
  a: { sectionId: string; documentId: string; userId: string; attempt: number; completion: Completion; passed: boolean; feedback: string[] },
) {
  const inserted = await trx
    .insertInto("section_attempts")
    .values({
      section_id: a.sectionId,
      attempt: a.attempt,
      content: a.completion.text,
      passed: a.passed,
      feedback: JSON.stringify(a.feedback),
      scores: JSON.stringify({ words: countWords(a.completion.text) }),
      provider: a.completion.provider,
      model: a.completion.model,
      tokens_in: a.completion.tokensIn,
      tokens_out: a.completion.tokensOut,
    })
    .onConflict((oc) => oc.columns(["section_id", "attempt"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  // Tokens are charged once per stored attempt, however often the job runs.
  if (inserted) {
    await recordUsage(trx, { documentId: a.documentId, sectionId: a.sectionId, userId: a.userId, purpose: "section", completion: a.completion });
    await trx
      .updateTable("sections")
      .set({ attempts: a.attempt, tokens_in: sql`tokens_in + ${a.completion.tokensIn}`, tokens_out: sql`tokens_out + ${a.completion.tokensOut}` })
      .where("id", "=", a.sectionId)
      .execute();
  }
}

async function finishSection(
  ctx: PipelineContext,
  trx: Parameters<typeof recordUsage>[0],
  s: { documentId: string; sectionId: string; index: number; completion: Completion; passed: boolean },
) {
  const text = s.completion.text.trim();
  const words = countWords(text);
  const updated = await trx
    .updateTable("sections")
    .set({
      status: s.passed ? "passed" : "failed",
      content: text,
      word_count: words,
      summary: text.split(/(?<=[.!?])\s+/).slice(0, 2).join(" ").slice(0, 400),
      provider: s.completion.provider,
      model: s.completion.model,
      completed_at: sql`now()`,
    })
    .where("id", "=", s.sectionId)
    .where("status", "in", ["pending", "writing"])
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return;
  await notifyDocumentEvent(trx, s.documentId, { type: "section", index: s.index, status: s.passed ? "passed" : "failed", wordCount: words });
  const progress = await refreshProgress(trx, s.documentId, ctx.sectionConcurrency);
  if (progress.remaining > 0) return;
  const handedOver = await trx
    .updateTable("documents")
    .set({ progress_stage: "assembling", current_section: null, eta_seconds: 2 })
    .where("id", "=", s.documentId)
    .where("status", "=", "generating")
    .where("progress_stage", "=", "writing")
    .executeTakeFirst();
  if (Number(handedOver.numUpdatedRows) === 1) {
    await sendJob(trx, QUEUES.assembleDocument, { documentId: s.documentId });
  }
}
