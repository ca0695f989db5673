// section.regenerate: a section of a delivered document written again with the customer's instruction (issue 21), by
// the same writer, checks and gates as the first writing (section-prompt.ts, section-checks.ts), with its current text
// and its neighbours' texts as context. Ends ready (the customer keeps or discards it) or failed (nothing is used up).
import { sql } from "kysely";
import { EDITABLE } from "../../app/models/document-versions.server";
import { settle } from "../../app/models/regenerations.server";
import { QUEUES, type RegenerateSectionJob } from "../../app/jobs/definitions";
import { sendJob } from "../../app/jobs/queue.server";
import type { DbOrTrx } from "../../app/utils/db.server";
import type { RegenerationEvent } from "../../app/utils/document-events";
import { notifyDocumentEvent } from "../../app/utils/document-events.server";
import { DIRECT_CALL, type DeliveryInfo, type PipelineContext } from "../context";
import { AllProvidersFailedError, ProvidersRestingError, type Completion, type TextSink } from "../llm/provider";
import { refreshDocumentUsage, usageRow } from "../llm/usage";
import { countWords } from "../quality/common";
import { DraftCheck } from "../quality/draft";
import { sourceText } from "../quality/gate-context";
import { promptTexts } from "./prompt-texts";
import { applyQualityGates, checkAttempt, citable, orderTopic } from "./section-checks";
import { sectionRequest } from "./section-prompt";
import { MAX_ATTEMPTS } from "./write-section";

/** A neighbour's text in the prompt is cut to this many characters (its start: what leads into this section). */
export const NEIGHBOUR_CHARACTERS = 1500;
/** The live text is sent to the page at most this often while it streams in. */
const LIVE_EVERY_MS = 700;
/** The end of the text so far that a live event carries (a NOTIFY holds under 8000 bytes). */
const LIVE_TAIL_CHARACTERS = 1200;

/** Why a regeneration failed, as the page names it (app/locales/<lng>/regeneration.json, `failure`). */
export type RegenerationFailure = "checks" | "writers" | "not_editable";

async function loadRegeneration(db: DbOrTrx, regenerationId: string) {
  const regeneration = await db
    .selectFrom("regenerations")
    .selectAll()
    .where("id", "=", regenerationId)
    .executeTakeFirst();
  if (!regeneration) return undefined;
  const [document, sections, sources] = await Promise.all([
    db
      .selectFrom("documents")
      .select(["id", "status", "user_id", "topic", "language", "instructions", "requirements_text"])
      .where("id", "=", regeneration.document_id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("sections")
      .select(["id", "index", "heading", "brief", "target_words", "key_points", "source_keys", "content"])
      .where("document_id", "=", regeneration.document_id)
      .orderBy("index")
      .execute(),
    db
      .selectFrom("sources")
      .select(["key", "title", "year", "abstract", "doi", "csl", "priority"])
      .where("document_id", "=", regeneration.document_id)
      .execute(),
  ]);
  return { regeneration, document, sections, sources };
}

/** Angle brackets out: the customer's words and the neighbours' texts stand between tags. */
const untagged = (text: string) => text.replace(/[<>]/g, " ");

export async function regenerateSection(
  ctx: PipelineContext,
  job: RegenerateSectionJob,
  delivery: DeliveryInfo = DIRECT_CALL,
): Promise<void> {
  const { db, router, log } = ctx;
  const loaded = await loadRegeneration(db, job.regenerationId);
  if (!loaded) return;
  const { regeneration, document, sections, sources } = loaded;
  if (regeneration.status !== "queued" && regeneration.status !== "writing") return; // done by an earlier delivery
  const attempt = regeneration.attempts + 1;
  // A redelivered job whose attempt is already stored has nothing left to do (its successor was sent with it).
  if (attempt > (job.attempt ?? 1) || attempt > MAX_ATTEMPTS) return;
  const live = new LiveRegeneration(db, regeneration.document_id, regeneration.id, regeneration.section_index);
  const fail = async (reason: RegenerationFailure) => {
    if (await settle(db, regeneration.id, ["queued", "writing"], "failed", { failure_reason: reason }))
      await live.send("failed");
    await refreshDocumentUsage(db, document.id);
  };
  const section = sections.find((s) => s.index === regeneration.section_index);
  if (!section || !EDITABLE.includes(document.status)) return fail("not_editable");
  if (!(await settle(db, regeneration.id, ["queued", "writing"], "writing"))) return;
  await live.send("writing");

  const texts = promptTexts(document.language).section;
  const neighbours = sections
    .filter((s) => Math.abs(s.index - section.index) === 1 && s.content)
    .map((s) => `${s.index + 1}. ${s.heading}: ${untagged(s.content!.slice(0, NEIGHBOUR_CHARACTERS))}`)
    .join(" | ");
  const assignedKeys = new Set(section.source_keys as unknown as string[]);
  const assigned = sources.filter((s) => assignedKeys.has(s.key));
  const keyPoints = section.key_points as unknown as string[];
  const feedback = regeneration.feedback as unknown as string[];
  const draft = ctx.gates?.length
    ? new DraftCheck(ctx.gates, { language: document.language, documentId: document.id, db })
    : undefined;
  live.following(draft);
  let completion: Completion;
  try {
    completion = await router.complete(
      sectionRequest({
        document,
        section: { ...section, keyPoints },
        outline: sections.map((s) => `${s.index + 1}. ${s.heading}`).join("; "),
        sources: { assigned, total: sources.length },
        attempt,
        verb: "revise",
        notes: [
          texts.instruction(untagged(regeneration.instruction)),
          texts.currentText(untagged(section.content ?? "")),
          neighbours ? texts.neighbourTexts(neighbours) : "",
          feedback.length ? texts.fixPrevious(feedback.join(" ")) : "",
        ],
        signal: delivery.signal,
        sink: live,
      }),
    );
  } catch (error) {
    // Writers resting behind open breakers are waited for (the runner sends the job again later), never given up on.
    if (error instanceof AllProvidersFailedError && !(error instanceof ProvidersRestingError) && delivery.isLastTry) {
      log.error({ regenerationId: regeneration.id, err: error.message }, "regeneration failed: no writer");
      return fail("writers");
    }
    throw error;
  }
  const last = attempt >= MAX_ATTEMPTS;
  const check = checkAttempt(completion.text, section.target_words, sources.map(citable), last, document.language);
  const scores = await applyQualityGates(ctx, check, completion.provider, {
    draft,
    sources: sources.map((s) => ({ key: s.key, title: s.title, text: sourceText(s) })),
    topic: orderTopic(document),
    targetWords: section.target_words,
    language: document.language,
    sectionId: section.id,
    documentId: document.id,
    signal: delivery.signal,
    judge: { writer: router, userId: document.user_id, attempt: null, lastAttempt: last },
  });
  // The attempt is stored (and charged) once, with what follows it: the next attempt's job, or the outcome.
  const outcome = await db.transaction().execute(async (trx) => {
    const stored = await storeAttempt(trx, {
      regenerationId: regeneration.id,
      sectionId: section.id,
      document,
      attempt,
      completion,
      feedback: check.feedback,
    });
    if (!stored) return "stored before";
    if (check.passed) {
      await settle(trx, regeneration.id, "writing", "ready", {
        content: check.text,
        score_uniqueness: scores.uniqueness,
        score_grammar: scores.grammar,
        score_ai: scores.ai,
      });
      return "ready";
    }
    if (last) {
      await settle(trx, regeneration.id, "writing", "failed", {
        failure_reason: "checks" satisfies RegenerationFailure,
      });
      return "failed";
    }
    await sendJob(
      trx,
      QUEUES.regenerateSection,
      { regenerationId: regeneration.id, attempt: attempt + 1 },
      {
        singletonKey: `${regeneration.id}:${attempt + 1}`,
      },
    );
    return "again";
  });
  log.info({ regenerationId: regeneration.id, attempt, outcome }, "regeneration attempt done");
  await refreshDocumentUsage(db, document.id);
  if (outcome === "ready" || outcome === "failed") await live.send(outcome);
}

/**
 * One attempt stored on the regeneration (its count, its feedback for the next one) and charged as the first writing's
 * are (a token_usage row, and the regeneration's own totals), only if no other delivery stored it first.
 */
async function storeAttempt(
  trx: DbOrTrx,
  a: {
    regenerationId: string;
    sectionId: string;
    document: { id: string; user_id: string };
    attempt: number;
    completion: Completion;
    feedback: string[];
  },
): Promise<boolean> {
  const usage = usageRow({
    documentId: a.document.id,
    sectionId: a.sectionId,
    userId: a.document.user_id,
    purpose: "regeneration",
    completion: a.completion,
  });
  const stored = await trx
    .updateTable("regenerations")
    .set((eb) => ({
      attempts: a.attempt,
      feedback: JSON.stringify(a.feedback),
      tokens_in: eb("tokens_in", "+", usage.tokens_in),
      tokens_out: eb("tokens_out", "+", usage.tokens_out),
      cost_microdollars: sql<string>`cost_microdollars + ${usage.cost_microdollars}`,
      updated_at: sql<Date>`now()`,
    }))
    .where("id", "=", a.regenerationId)
    .where("attempts", "=", a.attempt - 1)
    .where("status", "=", "writing")
    .executeTakeFirst();
  if (Number(stored.numUpdatedRows) !== 1) return false;
  await trx.insertInto("token_usage").values(usage).execute();
  return true;
}

/**
 * The regeneration's live state for its page: its status changes, and while the writer streams, the words so far and
 * the end of the text (at most every LIVE_EVERY_MS). Hands every piece on to the attempt's draft check.
 */
class LiveRegeneration implements TextSink {
  private text = "";
  private sentAt = 0;
  private draft: DraftCheck | undefined;

  constructor(
    private readonly db: DbOrTrx,
    private readonly documentId: string,
    private readonly regenerationId: string,
    private readonly index: number,
  ) {}

  following(draft: DraftCheck | undefined) {
    this.draft = draft;
  }

  restart(): void {
    this.text = "";
    this.draft?.restart();
  }

  append(piece: string): void {
    this.text += piece;
    this.draft?.append(piece);
    if (Date.now() - this.sentAt < LIVE_EVERY_MS) return;
    this.sentAt = Date.now();
    this.send("writing", { words: countWords(this.text), tail: this.text.slice(-LIVE_TAIL_CHARACTERS) }).catch(
      () => {}, // a live update lost is only a moment of a progress display
    );
  }

  send(status: RegenerationEvent["status"], extra: Pick<RegenerationEvent, "words" | "tail"> = {}) {
    return notifyDocumentEvent(this.db, this.documentId, {
      type: "regeneration",
      regenerationId: this.regenerationId,
      index: this.index,
      status,
      ...extra,
    });
  }
}
