// Finishing a section: its last attempt, its final state, its document's count, progress and events, in one statement
// that commits on its own (decisions 014 and 016); a document's sections that finish together go in one.
import { sql, type Insertable } from "kysely";
import type { DbOrTrx } from "../../app/utils/db.server";
import { DOCUMENT_EVENTS_CHANNEL, type DocumentEvent } from "../../app/utils/document-events";
import type { Database } from "../../db/schema";
import { eventPayload } from "../../app/utils/document-events.server";
import { allFulfilled, gatheringsBy } from "../gathering";
import { emitProgressStep } from "../../app/models/webhook-events.server";
import { logger } from "../../app/utils/logger.server";
import { progressByCount, progressEventSql, writingEtaSql } from "../../app/models/document-progress.server";

/** A section's final columns, set by finishSection only from pending or writing (a section finishes once). */
export type SectionOutcome = {
  status: "passed" | "failed";
  content: string | null;
  word_count: number;
  summary?: string | null;
  provider?: string | null;
  model?: string | null;
  score_uniqueness?: number | null;
  score_grammar?: number | null;
  score_ai?: number | null;
};

/** A section's final state, set by finishSection only from pending or writing (a section finishes once). */
export type SectionFinish = {
  documentId: string;
  sectionId: string;
  /** The section's columns (completed now); with `attempt`, its attempts and tokens count that attempt too. */
  outcome: SectionOutcome;
  /** The section's event, sent ahead of the document's progress. */
  event: DocumentEvent;
  /** Appended to the document's quality warnings. */
  warnings: string[];
  /** The document's sections (fixed by its plan): the percent counts them. */
  totalSections: number;
  /** Sections written at once: the ETA counts the rounds still to go. */
  concurrency: number;
  /**
   * The attempt that finishes the section and its tokens, stored in the same statement: nothing happens if this
   * attempt was stored before (a redelivered job), so its tokens are charged once.
   */
  attempt?: { row: Insertable<Database["section_attempts"]>; usage: Insertable<Database["token_usage"]> };
};

/** `handsOver`: this section was the last of its document to finish; its job hands the document over to the review. */
export type FinishResult = { stored: boolean; updated: boolean; remaining: number | null; handsOver: boolean };

/**
 * Finishes a section and counts it on its document, in one statement: the attempt that finished it with its tokens
 * (`attempt`), the section's final state, the document's progress (percent and ETA from the count, current section),
 * both events, and `remaining` sections. The document row's lock is taken by this statement and held until its
 * transaction commits: outside a transaction (a section's last attempt) that is the statement itself, so a document's
 * sections finishing together wait for each other only that long. The count is exact because an UPDATE that waited
 * for the lock counts from the row as the previous holder left it. `stored` is false when the attempt had been stored
 * before, `updated` when the section had finished before (a redelivered job): then nothing was changed.
 * The percent and the ETA follow app/models/document-progress.server.ts at the count this statement reaches: the percent of that count
 * (writingPercent), and the finished sections' mean time (these included, read under the lock) × the rounds left
 * (writingEta).
 */
export async function finishSection(trx: DbOrTrx, f: SectionFinish): Promise<FinishResult> {
  return (await finishSections(trx, [f]))[0];
}

/**
 * finishSection for several sections of one document in one statement (SectionFinishes gathers them): each is finished,
 * stored and charged exactly as on its own, the document counts them all at once, and each section's event is sent
 * before the one progress event. `remaining` is the count after all of them (null for a section not finished here).
 */
export async function finishSections(trx: DbOrTrx, finishes: readonly SectionFinish[]): Promise<FinishResult[]> {
  const { documentId, concurrency, totalSections } = finishes[0];
  if (finishes.some((f) => f.documentId !== documentId))
    throw new Error("finishSections takes the sections of one document");
  // One row per section; the texts as parameters of their own (Postgres takes them as they are, where a JSON or an
  // array of them would be parsed character by character), the small parts as JSON.
  const input = sql.join(
    finishes.map((f, n) => {
      const o = f.outcome;
      const attempt = f.attempt
        ? {
            ...f.attempt.row,
            content: undefined,
            feedback: jsonValue(f.attempt.row.feedback),
            scores: jsonValue(f.attempt.row.scores),
          }
        : null;
      return sql`(${n}::int, ${f.sectionId}::uuid, ${o.status}::text, ${o.content}::text, ${o.word_count}::int, ${o.summary ?? null}::text,
        ${o.provider ?? null}::text, ${o.model ?? null}::text, ${o.score_uniqueness ?? null}::real, ${o.score_grammar ?? null}::real,
        ${o.score_ai ?? null}::real, ${attempt && JSON.stringify(attempt)}::jsonb, ${f.attempt?.row.content ?? null}::text,
        ${f.attempt ? JSON.stringify(f.attempt.usage) : null}::jsonb, ${eventPayload(documentId, f.event)}::text, ${JSON.stringify(f.warnings)}::jsonb)`;
    }),
  );
  // In SET, columns are the row as it was; in RETURNING, as it is now. Other CTEs see the tables as they were.
  const finished = sql`(sections_finished + (select count(*)::int from section))`;
  // The rules' values for each count the statement may reach, looked up at the count it reaches under the lock.
  const rules = progressByCount(totalSections, concurrency);
  const atCount = (values: number[]) => sql`(${values}::int[])[least(${finished}, ${totalSections}) + 1]`;
  const { rows } = await sql<{ n: number; stored: boolean; updated: boolean; remaining: number | null }>`
    with input (n, section_id, status, content, word_count, summary, provider, model, score_uniqueness, score_grammar, score_ai,
                attempt, attempt_content, usage, event, warnings) as (values ${input}),
    attempt as (
      insert into section_attempts (section_id, attempt, content, passed, feedback, scores, provider, model, tokens_in, tokens_out)
      select i.section_id, a.attempt, i.attempt_content, a.passed, a.feedback, a.scores, a.provider, a.model, a.tokens_in, a.tokens_out
      from input i cross join lateral jsonb_populate_record(null::section_attempts, i.attempt) a
      -- A section removed meanwhile (its order cancelled: the account was deleted) keeps nothing of its text.
      where i.attempt is not null and exists (select 1 from sections x where x.id = i.section_id)
      on conflict (section_id, attempt) do nothing
      returning section_id, attempt, tokens_in, tokens_out),
    usage as (
      insert into token_usage (document_id, section_id, user_id, provider, model, purpose, tokens_in, tokens_out, cost_microdollars,
        paid_by_customer)
      select u.document_id, u.section_id, u.user_id, u.provider, u.model, u.purpose, u.tokens_in, u.tokens_out, u.cost_microdollars,
        coalesce(u.paid_by_customer, false)
      from input i join attempt a on a.section_id = i.section_id cross join lateral jsonb_populate_record(null::token_usage, i.usage) u
      returning id),
    section as (
      update sections s set
        status = i.status, content = i.content, word_count = i.word_count, summary = i.summary, provider = i.provider,
        model = i.model, score_uniqueness = i.score_uniqueness, score_grammar = i.score_grammar, score_ai = i.score_ai,
        completed_at = now(), attempts = coalesce(a.attempt, s.attempts),
        tokens_in = s.tokens_in + coalesce(a.tokens_in, 0), tokens_out = s.tokens_out + coalesce(a.tokens_out, 0)
      from input i left join attempt a on a.section_id = i.section_id
      where s.id = i.section_id and s.status in ('pending', 'writing') and (i.attempt is null or a.section_id is not null)
      returning s.id, s.started_at),
    durations as (
      select extract(epoch from completed_at - started_at) as seconds from sections
      where document_id = ${documentId} and status in ('passed', 'failed') and id not in (select id from section)
      union all
      select extract(epoch from now() - started_at) from section),
    document as (
      update documents set
        sections_finished = ${finished},
        quality_warnings = quality_warnings || coalesce((
          select jsonb_agg(w.value order by i.n, w.ordinality)
          from input i join section on section.id = i.section_id cross join lateral jsonb_array_elements(i.warnings) with ordinality w), '[]'::jsonb),
        progress_percent = ${atCount(rules.percents)},
        eta_seconds = (select ${writingEtaSql(sql`avg(seconds)`, atCount(rules.rounds))} from durations),
        current_section = (select min(index) from sections where document_id = ${documentId} and status = 'writing' and id not in (select id from section)),
        updated_at = now()
      where id = ${documentId} and exists (select 1 from section)
      returning status, progress_stage, progress_percent, current_section, total_sections, eta_seconds,
        greatest(coalesce(total_sections, 0) - sections_finished, 0) as remaining),
    notified as materialized (
      select count(pg_notify(${DOCUMENT_EVENTS_CHANNEL}, e.payload)) as sent from (
        select i.event as payload, i.n from input i join section on section.id = i.section_id
        union all
        select ${progressEventSql(documentId, "d")}, ${finishes.length}::int
        from document d
        order by n) e)
    select i.n,
      (i.attempt is null or exists (select 1 from attempt a where a.section_id = i.section_id)) as stored,
      exists (select 1 from section where section.id = i.section_id) as updated,
      (select remaining from document) as remaining,
      (select sent from notified) as notified
    from input i order by i.n`.execute(trx);
  // The last section this statement finished, when none remain after it, hands the document over (only one does).
  const last = rows.filter((r) => r.updated).at(-1);
  return rows.map((r) => ({
    stored: r.stored,
    updated: r.updated,
    remaining: r.updated ? r.remaining : null,
    handsOver: r === last && r.remaining === 0,
  }));
}

/** A JSON column's value as the batch sends it: the value itself (a row may carry it already serialised). */
function jsonValue(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}

/**
 * Finishes sections gathered: one in one statement with the other sections of the same document that finish in the
 * same tick or while a statement for that document is on its way (Gathering), since each statement costs Postgres
 * milliseconds of parsing and planning. One per worker (in its PipelineMachinery).
 */
export class SectionFinishes {
  private readonly finishing = gatheringsBy<DbOrTrx, SectionFinish, FinishResult>(
    async (db, _documentId, finishes) => {
      try {
        return allFulfilled(await finishSections(db, finishes));
      } catch (error) {
        if (finishes.length === 1) throw error;
        const outcomes: PromiseSettledResult<FinishResult>[] = [];
        for (const f of finishes) {
          outcomes.push(
            await finishSection(db, f).then(
              (value) => ({ status: "fulfilled" as const, value }),
              (reason: unknown) => ({ status: "rejected" as const, reason }),
            ),
          );
        }
        return outcomes;
      }
    },
    { afterTick: true },
  );

  /**
   * finishSection, gathered. Each caller gets its own section's result; when a gathered statement fails, its sections
   * are finished one by one, so one section's failure is its own. Only outside a transaction (`db` itself).
   */
  async finish(db: DbOrTrx, finish: SectionFinish): Promise<FinishResult> {
    const result = await this.finishing(db).add(finish.documentId, finish);
    // After the finishing statement (kept short): a progress step for the customer's webhooks, at most once each.
    if (result.updated)
      await emitProgressStep(db, finish.documentId).catch((error: unknown) =>
        logger.warn(
          { documentId: finish.documentId, err: error instanceof Error ? error.message : String(error) },
          "the order's progress step was not told to its webhooks",
        ),
      );
    return result;
  }
}
