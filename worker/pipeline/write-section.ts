import { sql } from "kysely";
import type { DbOrTrx } from "../../app/utils/db.server";
import { sendJob } from "../../app/jobs/queue.server";
import { waitIfOverBudget } from "../budget";
import { DIRECT_CALL, type DeliveryInfo, type PipelineContext } from "../context";
import { DOCUMENT_EVENTS_CHANNEL } from "../../app/utils/document-events";
import { eventPayload } from "../../app/utils/document-events.server";
import { AllProvidersFailedError, type Completion, type CompletionRequest, type TextSink } from "../llm/provider";
import { usageRow } from "../llm/usage";
import { allFulfilled, gatheringsBy } from "../gathering";
import { finishSoon, type SectionFinish, type SectionOutcome } from "../progress";
import { QUEUES, type WriteSectionJob } from "../../app/jobs/definitions";
import { requirementsBlock } from "./outline";
import { checkCitations, removeUnknownCitations, stripForeignLinks } from "../export/citations";
import { isWhiteSpace } from "../quality/common";
import { DraftCheck } from "../quality/draft";
import { loadGateContext, rememberSources, rememberText, runGates, type GateScores } from "../quality/gate";

export const MAX_ATTEMPTS = 3;
/** A section under this share of its word budget is written again. */
export const MIN_LENGTH_SHARE = 0.6;
const DEFAULT_CONTEXT_SECTIONS = 10;

/** Runs of non-whitespace; counted in one pass without splitting (called several times per section attempt). */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isWhiteSpace(text.charCodeAt(i));
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}


export function checkLength(text: string, targetWords: number, words = countWords(text)): { passed: boolean; feedback: string[] } {
  if (words === 0) return { passed: false, feedback: ["The previous answer was empty."] };
  if (words < MIN_LENGTH_SHARE * targetWords) {
    return { passed: false, feedback: [`The previous answer had ${words} words; this section needs about ${targetWords}.`] };
  }
  return { passed: true, feedback: [] };
}

type SourceForPrompt = { key: string; title: string; year: number | null; abstract: string | null; doi: string | null; csl: unknown };

/** The sources a section may cite, quoted for the writer; without any, the writer is told to cite nothing. */
export function sourcesBlock(assigned: SourceForPrompt[], documentSources: number): string {
  if (documentSources === 0) {
    return "This document has no sources: cite nothing, and never invent references, DOIs or URLs.";
  }
  if (assigned.length === 0) return "Cite no sources in this section; never invent references, DOIs or URLs.";
  const lines = assigned.map((s) => {
    const csl = s.csl as { author?: { family?: string }[] };
    const authors = csl.author?.map((a) => a.family).filter(Boolean).slice(0, 3).join(", ") || "Anonymous";
    const abstract = s.abstract ? ` Abstract: "${s.abstract.replace(/"/g, "'").slice(0, 500)}"` : "";
    return `[@${s.key}] ${authors} (${s.year ?? "n.d."}). ${s.title}.${abstract}`;
  });
  return [
    "Sources you may cite, as [@key] right after the claim they support (cite nothing else; never invent references, DOIs or URLs):",
    ...lines,
  ].join("\n");
}

/** What the citation check needs of a source: its key, and the DOI and URL the text may name. */
export type CitableSource = { key: string; doi: string | null; url: string | null };

/** A stored source's citable parts (its URL is in its CSL-JSON). */
export function citable(source: { key: string; doi: string | null; csl: unknown }): CitableSource {
  return { key: source.key, doi: source.doi, url: (source.csl as { URL?: string } | null)?.URL ?? null };
}

/** `words`: of `text`, counted once (the length check, the final state and its event all need it). */
export type AttemptCheck = { passed: boolean; feedback: string[]; text: string; words: number; removedCitations: string[] };

/**
 * Length and citation discipline: every [@key] must be a source of this document. An unknown key fails the attempt
 * with feedback; on the last attempt it is removed instead (and reported). DOIs and URLs that are not those of a stored
 * source never reach the delivered text.
 */
export function checkAttempt(
  raw: string,
  targetWords: number,
  sources: readonly CitableSource[],
  lastAttempt: boolean,
): AttemptCheck {
  let text = raw.trim();
  const answered = text;
  const answeredWords = countWords(text);
  const length = checkLength(text, targetWords, answeredWords);
  const known = new Set(sources.map((s) => s.key));
  const citations = checkCitations(text, known);
  const feedback = [...length.feedback];
  let removedCitations: string[] = [];
  let citationsOk = citations.unknown.length === 0;
  if (!citationsOk) {
    if (lastAttempt) {
      const cleaned = removeUnknownCitations(text, known);
      text = cleaned.text;
      removedCitations = cleaned.removed;
      citationsOk = true;
    } else {
      feedback.push(...citations.feedback);
    }
  }
  const allowed = {
    dois: sources.flatMap((s) => (s.doi ? [s.doi] : [])),
    urls: sources.flatMap((s) => (s.url ? [s.url] : [])),
  };
  text = stripForeignLinks(text, allowed).text;
  return { passed: length.passed && citationsOk, feedback, text, words: text === answered ? answeredWords : countWords(text), removedCitations };
}

/**
 * One LLM request for a section, written for the first time or revised after the review: the outline, the brief and
 * key points, the customer's requirements, the sources it may cite and the budget, plus what this call adds (`notes`).
 */
export function sectionRequest(p: {
  document: { topic: string; language: string; instructions: string | null; requirements_text: string | null };
  section: { index: number; heading: string; brief: string; target_words: number; keyPoints: string[] };
  outline: string;
  sources: { assigned: SourceForPrompt[]; total: number };
  attempt: number;
  verb: "write" | "revise";
  notes: string[];
  signal?: AbortSignal;
  /** Where the answer goes while it streams in (the section's checks start on its finished paragraphs). */
  sink?: TextSink;
}): CompletionRequest {
  const { document, section } = p;
  const noun = p.verb === "write" ? "Write" : "Revise";
  return {
    system:
      `You ${p.verb} one section of an academic document. Write continuous academic prose in the requested language; ` +
      "no headings, no lists, no preamble.",
    prompt: [
      `Document topic: "${document.topic}". Language code: ${document.language}.`,
      requirementsBlock(document),
      `Outline: ${p.outline}.`,
      `${noun} section ${section.index + 1}, "${section.heading}": ${section.brief}`,
      section.keyPoints.length ? `Cover these key points: ${section.keyPoints.join("; ")}.` : "",
      sourcesBlock(p.sources.assigned, p.sources.total),
      `Length: about ${section.target_words} words.`,
      ...p.notes,
    ]
      .filter(Boolean)
      .join("\n"),
    maxTokens: Math.ceil(section.target_words * 2.2) + 200,
    intent: {
      kind: "section",
      topic: document.topic,
      language: document.language,
      heading: section.heading,
      keyPoints: section.keyPoints,
      targetWords: section.target_words,
      attempt: p.attempt,
      sourceKeys: p.sources.assigned.map((s) => s.key),
    },
    signal: p.signal,
    sink: p.sink,
  };
}

/** The first two sentences: what neighbouring sections are told about this one. */
export function summaryOf(text: string): string {
  return text.split(/(?<=[.!?])\s+/, 2).join(" ").slice(0, 400);
}

/**
 * The quality gates (uniqueness, grammar, AI detection) judge a text that already has its length and citations; a
 * failed gate fails the check and adds its feedback. The offline demo writer's placeholder text (English whatever the
 * order's language, labelled "offline demo") is not judged: its scores stay N/A (decision 011).
 */
export async function applyQualityGates(
  ctx: PipelineContext,
  check: AttemptCheck,
  provider: string,
  section: {
    targetWords: number;
    language: string;
    sectionId: string;
    documentId: string;
    signal?: AbortSignal;
    draft?: DraftCheck;
    /** The document's sources, as the section's job loaded them (the context query then leaves them out). */
    sources?: readonly { key: string; title: string; abstract: string | null }[];
  },
  unchecked: GateScores = { uniqueness: null, grammar: null, ai: null },
): Promise<GateScores> {
  if (!check.passed || !ctx.gates?.length || provider === "offline") return unchecked;
  // What streaming left unchecked (the last paragraph) starts now, beside the context query.
  section.draft?.finish(check.text);
  // The text its siblings' checks will meet once it is stored: they need not fetch it back.
  rememberText(check.text, section.draft?.keyOf(check.text));
  const gates = await runGates(
    ctx.gates,
    { text: check.text, targetWords: section.targetWords, language: section.language, sectionId: section.sectionId, documentId: section.documentId },
    await loadGateContext(
      ctx.db,
      { documentId: section.documentId, sectionId: section.sectionId },
      { log: ctx.log, signal: section.signal },
      section.sources && { sources: section.sources },
    ),
  );
  if (!gates.passed) {
    check.passed = false;
    check.feedback.push(...gates.feedback);
  }
  return gates.scores;
}

/** The neighbours whose summaries go into a section's prompt: the nearest ones, at most `limit`. */
export function neighbourIndexes(index: number, total: number, limit: number): number[] {
  const others = Array.from({ length: total }, (_, i) => i).filter((i) => i !== index);
  return others.sort((a, b) => Math.abs(a - index) - Math.abs(b - index) || a - b).slice(0, limit).sort((a, b) => a - b);
}

type SectionToWrite = {
  id: string;
  status: string;
  index: number;
  heading: string;
  brief: string;
  target_words: number;
  key_points: string[];
  source_keys: string[];
  previous: { attempt: number; feedback: string[] } | null;
};
type SourceRow = { key: string; title: string; year: number | null; abstract: string | null; doi: string | null; csl: unknown };
type DocumentToWrite = {
  document: {
    status: string;
    user_id: string;
    progress_stage: string | null;
    topic: string;
    language: string;
    instructions: string | null;
    requirements_text: string | null;
    sections_finished: number;
    total_sections: number | null;
  };
  outline: { index: number; heading: string; summary: string | null }[];
  sources: SourceRow[];
  sections: SectionToWrite[];
};

/**
 * Everything the attempts at some of a document's sections need, in one query: the document, its outline and
 * sources (once, not once per section) and each section with its latest attempt.
 */
async function loadSectionsToWrite(db: DbOrTrx, documentId: string, sectionIds: readonly string[]): Promise<DocumentToWrite | undefined> {
  const { rows } = await sql<DocumentToWrite>`
    select
      json_build_object('status', d.status, 'user_id', d.user_id, 'progress_stage', d.progress_stage, 'topic', d.topic,
        'language', d.language, 'instructions', d.instructions, 'requirements_text', d.requirements_text,
        'sections_finished', d.sections_finished, 'total_sections', d.total_sections) as document,
      (select coalesce(json_agg(json_build_object('index', o.index, 'heading', o.heading, 'summary', o.summary) order by o.index), '[]')
       from sections o where o.document_id = d.id) as outline,
      (select coalesce(json_agg(json_build_object('key', r.key, 'title', r.title, 'year', r.year, 'abstract', r.abstract, 'doi', r.doi, 'csl', r.csl)), '[]')
       from sources r where r.document_id = d.id) as sources,
      (select coalesce(json_agg(json_build_object('id', s.id, 'status', s.status, 'index', s.index, 'heading', s.heading, 'brief', s.brief,
          'target_words', s.target_words, 'key_points', s.key_points, 'source_keys', s.source_keys,
          'previous', (select json_build_object('attempt', a.attempt, 'feedback', a.feedback) from section_attempts a
                       where a.section_id = s.id order by a.attempt desc limit 1))), '[]')
       from sections s where s.document_id = d.id and s.id = any(${sectionIds}::uuid[])) as sections
    from documents d where d.id = ${documentId}`.execute(db);
  return rows[0];
}

/**
 * A document's sections' loads, in one query for the jobs that start together (in the same tick, or while a load of
 * theirs is on its way): a document's sections all start at once, and 24 copies of its outline and sources would queue
 * up in Postgres and in JSON.parse.
 */
const loads = gatheringsBy<DbOrTrx, string, DocumentToWrite | undefined>(
  async (db, documentId, sectionIds) => {
    const loaded = await loadSectionsToWrite(db, documentId, sectionIds);
    // The sections' checks compare with these sources: known, their context queries need not fetch them.
    if (loaded) rememberSources(loaded.sources);
    return allFulfilled(sectionIds.map(() => loaded));
  },
  { afterTick: true },
);

async function loadSectionToWrite(db: DbOrTrx, documentId: string, sectionId: string) {
  const loaded = await loads(db).add(documentId, sectionId);
  const section = loaded?.sections.find((s) => s.id === sectionId);
  if (!loaded || !section) return undefined;
  const assignedKeys = new Set(section.source_keys);
  return {
    section,
    document: loaded.document,
    previous: section.previous,
    outline: loaded.outline,
    assigned: loaded.sources.filter((s) => assignedKeys.has(s.key)),
    sources: loaded.sources.map(citable),
    documentSources: loaded.sources,
  };
}

/**
 * Marks a section "writing" (started now, unless it started before) and sends its event, in one statement with the
 * other sections of its document that start together. Only a section still pending or writing is marked (and
 * announced).
 */
function markWriting(db: DbOrTrx, documentId: string, section: { id: string; index: number }): Promise<void> {
  return starts(db).add(documentId, section);
}

const starts = gatheringsBy<DbOrTrx, { id: string; index: number }, void>(
  async (db, documentId, sections) => {
    const ids = sections.map((s) => s.id);
    const payloads = sections.map((s) => eventPayload(documentId, { type: "section", index: s.index, status: "writing", wordCount: null }));
    await sql`
      with started as (
        update sections set status = 'writing', started_at = coalesce(started_at, now())
        where id = any(${ids}::uuid[]) and status in ('pending', 'writing')
        returning id)
      select pg_notify(${DOCUMENT_EVENTS_CHANNEL}, e.payload)
      from unnest(${ids}::uuid[], ${payloads}::text[]) with ordinality as e(id, payload, n)
      join started on started.id = e.id
      order by e.n`.execute(db);
    return allFulfilled(sections.map(() => undefined));
  },
  { afterTick: true },
);

/**
 * section.write makes ONE attempt per delivery: a passed section is final (checkpoint); a rejected attempt is stored
 * and the next attempt is enqueued in the same transaction, so one job is one LLM call and a crash loses at most it.
 */
export async function writeSection(ctx: PipelineContext, job: WriteSectionJob, delivery: DeliveryInfo = DIRECT_CALL): Promise<void> {
  const { db, router, log } = ctx;
  const { documentId, sectionId } = job;
  router.prefetch(); // the breaker is read while the section loads
  const loaded = await loadSectionToWrite(db, documentId, sectionId);
  if (!loaded) return;
  const { section, document, previous, outline, assigned, sources, documentSources } = loaded;
  if (document.status !== "generating") return;
  if (section.status === "passed" || section.status === "failed") {
    // Finished by an earlier delivery, which may have died before handing the document over.
    if (document.sections_finished >= (document.total_sections ?? 0)) await handOverToReview(db, documentId);
    return;
  }

  const attempt = (previous?.attempt ?? 0) + 1;
  // A redelivered job whose attempt is already stored has nothing left to do (its successor was enqueued with it).
  if (attempt > (job.attempt ?? 1) || attempt > MAX_ATTEMPTS) return;
  const feedback = (previous?.feedback as string[] | undefined) ?? [];

  if (!(await waitIfOverBudget(ctx, QUEUES.writeSection, job, document.user_id))) return;

  // Light on purpose: no document lock here, so sections start in parallel; the finishing step does the bookkeeping.
  if (document.progress_stage === "waiting_for_budget") {
    await db.updateTable("documents").set({ progress_stage: "writing" }).where("id", "=", documentId).where("progress_stage", "=", "waiting_for_budget").execute();
  }
  // The section's state and its event, while the writer is already being asked (a document's sections all start at
  // once: one statement for all of them, and no round trip before each request). Settled before anything is saved,
  // so the "writing" event always comes before the section's outcome.
  const started = markWriting(db, documentId, { id: sectionId, index: section.index });
  started.catch(() => {}); // awaited below; this only keeps an early failure of the call from leaving it unhandled

  const nearest = new Set(neighbourIndexes(section.index, outline.length, ctx.maxContextSections ?? DEFAULT_CONTEXT_SECTIONS));
  const neighbours = outline.filter((s) => nearest.has(s.index) && s.summary);
  const keyPoints = section.key_points as unknown as string[];

  // The gates start on each paragraph as soon as the writer has finished it.
  const draft = ctx.gates?.length ? new DraftCheck(ctx.gates, { language: document.language, documentId, db }) : undefined;
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
          neighbours.length ? `Neighbouring sections say: ${neighbours.map((n) => `${n.heading}: ${n.summary}`).join(" | ")}` : "",
          feedback.length ? `Fix these problems of the previous attempt: ${feedback.join(" ")}` : "",
        ],
        signal: delivery.signal,
        sink: draft,
      }),
    );
  } catch (error) {
    await started;
    // Every writer failed on the last delivery: the section fails (the review decides about the document), rather
    // than the whole order dying in the dead-letter queue.
    if (error instanceof AllProvidersFailedError && delivery.isLastTry) {
      const failed: SectionResult = { passed: false, text: "", provider: null, model: null };
      const finished = await finishSoon(db, finishOf(ctx, { documentId, sectionId, index: section.index, result: failed }));
      if (finished.handsOver) await handOverToReview(db, documentId);
      log.error({ documentId, section: section.index, err: error.message }, "section failed: no writer could write it");
      return;
    }
    throw error;
  }
  await started;
  const answeredAt = Date.now();
  const check = checkAttempt(completion.text, section.target_words, sources, attempt >= MAX_ATTEMPTS);
  const scores = await applyQualityGates(ctx, check, completion.provider, {
    draft,
    sources: documentSources,
    targetWords: section.target_words,
    language: document.language,
    sectionId,
    documentId,
    signal: delivery.signal,
  });
  const checkedAt = Date.now();
  const last = check.passed || attempt >= MAX_ATTEMPTS;
  const result: SectionResult = { passed: check.passed, text: check.text, words: check.words, provider: completion.provider, model: completion.model, scores };
  const stored = { sectionId, documentId, userId: document.user_id, attempt, completion, passed: check.passed, feedback: check.feedback, scores };
  if (last) {
    // One statement, committed on its own: a document's sections finishing together wait for each other's row
    // lock only while that statement runs, not across round trips of a transaction.
    const warnings = check.removedCitations.map(
      (key) => `Section ${section.index + 1} "${section.heading}": the writer cited [@${key}], which is not among the sources; the citation was removed.`,
    );
    const saved = await saveAttempt(db, stored, finishOf(ctx, { documentId, sectionId, index: section.index, result, warnings }));
    if (saved.stored && saved.handsOver) await handOverToReview(db, documentId);
  } else {
    // The next attempt is sent with this one stored, or neither (its successor is what a redelivery relies on).
    await db.transaction().execute(async (trx) => {
      const saved = await saveAttempt(trx, stored);
      if (!saved.stored) return; // another delivery stored this attempt first; it also took the next step
      await sendJob(trx, QUEUES.writeSection, { documentId, sectionId, attempt: attempt + 1 }, { singletonKey: `${sectionId}:${attempt + 1}` });
    });
  }
  // When the answer was in hand and how long its checks and its saving took (the benchmark's timeline shows them).
  const timing = { answeredAt, checkMs: checkedAt - answeredAt, saveMs: Date.now() - checkedAt };
  log.info({ documentId, section: section.index, attempt, passed: check.passed, final: last, ...timing }, "section attempt done");
}

/** A section's outcome: passed or failed for good, with its text (empty when no writer could write it). */
export type SectionResult = { passed: boolean; text: string; provider: string | null; model: string | null; scores?: GateScores; words?: number };

/** The columns of a finished section. */
function finalState(r: SectionResult): SectionOutcome {
  return {
    status: r.passed ? ("passed" as const) : ("failed" as const),
    content: r.text || null,
    word_count: r.words ?? countWords(r.text),
    summary: r.text ? summaryOf(r.text) : null,
    provider: r.provider,
    model: r.model,
    score_uniqueness: r.scores?.uniqueness ?? null,
    score_grammar: r.scores?.grammar ?? null,
    score_ai: r.scores?.ai ?? null,
  };
}

/** What finishing a section with `result` does (finishSection): its final columns, its event and its warnings. */
function finishOf(
  ctx: PipelineContext,
  s: { documentId: string; sectionId: string; index: number; result: SectionResult; warnings?: string[] },
): SectionFinish {
  return {
    documentId: s.documentId,
    sectionId: s.sectionId,
    outcome: finalState(s.result),
    event: {
      type: "section",
      index: s.index,
      status: s.result.passed ? "passed" : "failed",
      wordCount: s.result.words ?? countWords(s.result.text),
      scores: s.result.scores ?? { uniqueness: null, grammar: null, ai: null },
    },
    warnings: s.warnings ?? [],
    concurrency: ctx.sectionConcurrency,
  };
}

/**
 * Stores an attempt, charges its tokens and counts it on the section; with `final`, the same single statement makes
 * the section final (only from pending or writing) and counts it on its document (finishSection), so it commits on
 * its own, holding the document row only for that statement. Not `stored` when the attempt was stored before (a
 * redelivered job) or, with `final`, the section had already finished: the caller has nothing more to do.
 * `remaining`: the document's sections still unfinished, with `final`.
 */
export async function saveAttempt(
  db: DbOrTrx,
  a: {
    sectionId: string;
    documentId: string;
    userId: string;
    attempt: number;
    completion: Completion;
    passed: boolean;
    feedback: string[];
    scores: GateScores;
  },
  final?: SectionFinish,
): Promise<{ stored: boolean; remaining?: number | null; handsOver?: boolean }> {
  const row = {
    section_id: a.sectionId,
    attempt: a.attempt,
    content: a.completion.text,
    passed: a.passed,
    feedback: JSON.stringify(a.feedback),
    scores: JSON.stringify({ words: countWords(a.completion.text), ...a.scores }),
    provider: a.completion.provider,
    model: a.completion.model,
    tokens_in: a.completion.tokensIn,
    tokens_out: a.completion.tokensOut,
  };
  // Tokens are charged once per stored attempt, however often the job runs.
  const usage = usageRow({ documentId: a.documentId, sectionId: a.sectionId, userId: a.userId, purpose: "section", completion: a.completion });
  const counters = {
    attempts: a.attempt,
    tokens_in: sql<number>`tokens_in + ${a.completion.tokensIn}`,
    tokens_out: sql<number>`tokens_out + ${a.completion.tokensOut}`,
  };
  if (final) {
    // With the other sections of its document that finish while a statement for them is on its way (finishSoon).
    const finished = await finishSoon(db, { ...final, attempt: { row, usage } });
    return { stored: finished.stored && finished.updated, remaining: finished.remaining, handsOver: finished.handsOver };
  }
  const inserted = await db
    .insertInto("section_attempts")
    .values(row)
    .onConflict((oc) => oc.columns(["section_id", "attempt"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!inserted) return { stored: false };
  const updated = await db
    .with("usage", (qc) => qc.insertInto("token_usage").values(usage).returning("id"))
    .updateTable("sections")
    .set(counters)
    .where("id", "=", a.sectionId)
    .executeTakeFirst();
  return { stored: Number(updated.numUpdatedRows) === 1 };
}

/**
 * The section that finished last hands the document over to the review, right after its own commit; only once (the
 * UPDATE is guarded), and only when every section is finished. A crash in between is mended by the job's next
 * delivery, which finds its section finished and calls this again.
 */
async function handOverToReview(db: DbOrTrx, documentId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const handedOver = await trx
      .updateTable("documents")
      .set({ progress_stage: "reviewing", current_section: null, eta_seconds: 5 })
      .where("id", "=", documentId)
      .where("status", "=", "generating")
      .where("progress_stage", "in", ["writing", "waiting_for_budget"])
      .where(sql<boolean>`sections_finished >= coalesce(total_sections, 0)`)
      .executeTakeFirst();
    if (Number(handedOver.numUpdatedRows) === 1) {
      await sendJob(trx, QUEUES.reviewDocument, { documentId });
    }
  });
}
