// What a section's job reads and writes: the gathered load of the sections that start together, their "writing" mark,
// each attempt's save (with its final state, through finish-sections.ts), and the hand-over to the review.
import { sql } from "kysely";
import type { DbOrTrx } from "../../app/utils/db.server";
import { DOCUMENT_EVENTS_CHANNEL } from "../../app/utils/document-events";
import { sendJob } from "../../app/jobs/queue.server";
import { eventPayload } from "../../app/utils/document-events.server";
import { allFulfilled, gatheringsBy } from "../gathering";
import type { Completion } from "../llm/provider";
import { usageRow } from "../llm/usage";
import { setStage } from "../../app/models/document-progress.server";
import { countWords } from "../quality/common";
import { sourceText } from "../quality/gate-context";
import type { GateScores } from "../quality/types";
import { QUEUES } from "../../app/jobs/definitions";
import type { SectionFinish, SectionFinishes, SectionOutcome } from "./finish-sections";
import { citable } from "./section-checks";
import { summaryOf } from "./section-prompt";

type SectionToWrite = {
  id: string;
  status: string;
  index: number;
  heading: string;
  brief: string;
  target_words: number;
  key_points: string[];
  source_keys: string[];
  /** Attempts made before an admin sent the section back for rewriting: its tries count from here. */
  attempts_before_rewrite: number;
  previous: { attempt: number; feedback: string[] } | null;
};
/** A source as a section's job loads it; `text` is its text for the gates (sourceText), made once per load. */
type SourceRow = {
  key: string;
  title: string;
  year: number | null;
  abstract: string | null;
  doi: string | null;
  csl: unknown;
  priority: boolean;
  text: string;
};
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
    priced_with_own_key: boolean;
  };
  outline: { index: number; heading: string; summary: string | null }[];
  sources: SourceRow[];
  sections: SectionToWrite[];
};

/**
 * Everything the attempts at some of a document's sections need, in one query: the document, its outline and
 * sources (once, not once per section) and each section with its latest attempt.
 */
async function loadSectionsToWrite(
  db: DbOrTrx,
  documentId: string,
  sectionIds: readonly string[],
): Promise<DocumentToWrite | undefined> {
  const { rows } = await sql<DocumentToWrite>`
    select
      json_build_object('status', d.status, 'user_id', d.user_id, 'progress_stage', d.progress_stage, 'topic', d.topic,
        'language', d.language, 'instructions', d.instructions, 'requirements_text', d.requirements_text,
        'sections_finished', d.sections_finished, 'total_sections', d.total_sections,
        'priced_with_own_key', d.priced_with_own_key) as document,
      (select coalesce(json_agg(json_build_object('index', o.index, 'heading', o.heading, 'summary', o.summary) order by o.index), '[]')
       from sections o where o.document_id = d.id) as outline,
      (select coalesce(json_agg(json_build_object('key', r.key, 'title', r.title, 'year', r.year, 'abstract', r.abstract, 'doi', r.doi, 'csl', r.csl,
        'priority', r.priority)), '[]')
       from sources r where r.document_id = d.id) as sources,
      (select coalesce(json_agg(json_build_object('id', s.id, 'status', s.status, 'index', s.index, 'heading', s.heading, 'brief', s.brief,
          'target_words', s.target_words, 'key_points', s.key_points, 'source_keys', s.source_keys,
          'attempts_before_rewrite', s.attempts_before_rewrite,
          'previous', (select json_build_object('attempt', a.attempt, 'feedback', a.feedback) from section_attempts a
                       where a.section_id = s.id order by a.attempt desc limit 1))), '[]')
       from sections s where s.document_id = d.id and s.id = any(${sectionIds}::uuid[])) as sections
    from documents d where d.id = ${documentId}`.execute(db);
  const loaded = rows[0];
  // One text per source for all the sections of this load: the gates' caches are keyed by it.
  if (loaded) for (const source of loaded.sources) source.text = sourceText(source);
  return loaded;
}

/**
 * The statements of sections that start together, one per document: their loads and their "writing" marks. A
 * document's sections all start at once, and 24 copies of its outline and sources would queue up in Postgres and in
 * JSON.parse (decisions 014, 016). One per worker (in its PipelineMachinery).
 */
export class SectionStarts {
  /** Loads asked in the same tick, or while a load for the document is on its way, go in one query. */
  private readonly loads = gatheringsBy<DbOrTrx, string, DocumentToWrite | undefined>(
    async (db, documentId, sectionIds) => {
      const loaded = await loadSectionsToWrite(db, documentId, sectionIds);
      return allFulfilled(sectionIds.map(() => loaded));
    },
    { afterTick: true },
  );

  private readonly starts = gatheringsBy<DbOrTrx, { id: string; index: number }, void>(
    async (db, documentId, sections) => {
      const ids = sections.map((s) => s.id);
      const payloads = sections.map((s) =>
        eventPayload(documentId, { type: "section", index: s.index, status: "writing", wordCount: null }),
      );
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

  /** What an attempt at the section needs: the section, its document, outline and sources; undefined when gone. */
  async load(db: DbOrTrx, documentId: string, sectionId: string) {
    const loaded = await this.loads(db).add(documentId, sectionId);
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
  markWriting(db: DbOrTrx, documentId: string, section: { id: string; index: number }): Promise<void> {
    return this.starts(db).add(documentId, section);
  }
}

/** A section's outcome: passed or failed for good, with its text (empty when no writer could write it). */
export type SectionResult = {
  passed: boolean;
  text: string;
  provider: string | null;
  model: string | null;
  scores?: GateScores;
  words?: number;
};

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
export function finishOf(s: {
  documentId: string;
  sectionId: string;
  index: number;
  result: SectionResult;
  warnings?: string[];
  totalSections: number;
  concurrency: number;
}): SectionFinish {
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
    totalSections: s.totalSections,
    concurrency: s.concurrency,
  };
}

/** An attempt to store: its text and tokens (`completion`), verdict, feedback and scores. */
export type AttemptToSave = {
  sectionId: string;
  documentId: string;
  userId: string;
  attempt: number;
  completion: Completion;
  passed: boolean;
  feedback: string[];
  scores: GateScores;
};

/**
 * Stores an attempt, charges its tokens and counts it on the section; with `final`, the section's finishing statement
 * (finishSection, gathered by `finishes` with its document's others) stores it and makes the section final (only from
 * pending or writing), so it commits on its own, holding the document row only for that statement. Not `stored` when
 * the attempt was stored before (a redelivered job) or, with `final`, the section had already finished: the caller has
 * nothing more to do. `remaining`: the document's sections still unfinished, with `final`.
 */
export async function saveAttempt(
  db: DbOrTrx,
  a: AttemptToSave,
  final?: { finish: SectionFinish; finishes: SectionFinishes },
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
  const usage = usageRow({
    documentId: a.documentId,
    sectionId: a.sectionId,
    userId: a.userId,
    purpose: "section",
    completion: a.completion,
  });
  if (final) {
    const finished = await final.finishes.finish(db, { ...final.finish, attempt: { row, usage } });
    return {
      stored: finished.stored && finished.updated,
      remaining: finished.remaining,
      handsOver: finished.handsOver,
    };
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
    .set({
      attempts: a.attempt,
      tokens_in: sql<number>`tokens_in + ${a.completion.tokensIn}`,
      tokens_out: sql<number>`tokens_out + ${a.completion.tokensOut}`,
    })
    .where("id", "=", a.sectionId)
    .executeTakeFirst();
  return { stored: Number(updated.numUpdatedRows) === 1 };
}

/**
 * The section that finished last hands the document over to the review, right after its own commit; only once (the
 * UPDATE is guarded), and only when every section is finished. A crash in between is mended by the job's next
 * delivery, which finds its section finished and calls this again.
 */
export async function handOverToReview(db: DbOrTrx, documentId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const handedOver = await setStage(trx, documentId, "reviewing", {
      from: { status: "generating", stage: ["writing", "waiting_for_budget"] },
      where: sql<boolean>`sections_finished >= coalesce(total_sections, 0)`,
    });
    if (handedOver) await sendJob(trx, QUEUES.reviewDocument, { documentId });
  });
}
