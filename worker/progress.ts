import { sql, type Insertable, type UpdateObject } from "kysely";
import type { DbOrTrx } from "../app/utils/db.server";
import { DOCUMENT_EVENTS_CHANNEL, type DocumentEvent } from "../app/utils/document-events";
import type { Database } from "../db/schema";
import { eventPayload } from "./events";

/**
 * The document row's lock, for a transaction that reads the document and then decides (plan, review); a finishing
 * section takes the same lock with its UPDATE in finishSection. NO KEY UPDATE: the foreign-key inserts (token_usage,
 * attempts) only take KEY SHARE on the same row, which FOR UPDATE would conflict with and deadlock on.
 */
export async function lockDocument(trx: DbOrTrx, documentId: string): Promise<LockedDocument | undefined> {
  return trx.selectFrom("documents").select(["status", "progress_stage"]).where("id", "=", documentId).forNoKeyUpdate().executeTakeFirst();
}

/** What lockDocument read: it cannot change until the lock holder commits. */
export type LockedDocument = { status: string; progress_stage: string | null };

/** Share of the bar given to planning before the first section and to assembling after the last. */
const PLAN_PERCENT = 5;
const WRITE_PERCENT = 90;

/** A section's final state, set by finishSection only from pending or writing (a section finishes once). */
export type SectionFinish = {
  documentId: string;
  sectionId: string;
  /** The section's columns: its outcome, and any counters of the attempt that finished it. */
  set: UpdateObject<Database, "sections">;
  /** The section's event, sent ahead of the document's progress. */
  event: DocumentEvent;
  /** Appended to the document's quality warnings. */
  warnings: string[];
  /** Sections written at once: the ETA counts the rounds still to go. */
  concurrency: number;
  /**
   * The attempt that finishes the section and its tokens, stored in the same statement: nothing happens if this
   * attempt was stored before (a redelivered job), so its tokens are charged once.
   */
  attempt?: { row: Insertable<Database["section_attempts"]>; usage: Insertable<Database["token_usage"]> };
};

/**
 * Finishes a section and counts it on its document, in one statement: the attempt that finished it with its tokens
 * (`attempt`), the section's final state, the document's progress (percent and ETA from the count, current section),
 * both events, and `remaining` sections. The document row's lock is taken by this statement and held until its
 * transaction commits: outside a transaction (a section's last attempt) that is the statement itself, so a document's
 * sections finishing together wait for each other only that long. The count is exact because an UPDATE that waited
 * for the lock counts from the row as the previous holder left it. `stored` is false when the attempt had been stored
 * before, `updated` when the section had finished before (a redelivered job): then nothing was changed.
 * Percent = PLAN_PERCENT + WRITE_PERCENT × finished / total (rounded down).
 * ETA = mean time of the finished sections (this one included) × the rounds of parallel work still to do.
 */
export async function finishSection(
  trx: DbOrTrx,
  f: SectionFinish,
): Promise<{ stored: boolean; updated: boolean; remaining: number | null }> {
  const { documentId, sectionId } = f;
  const usage = f.attempt?.usage;
  // In SET, columns are the row as it was; in RETURNING, as it is now.
  const finishedNow = sql`(sections_finished + 1)`;
  const remainingNow = sql`greatest(coalesce(total_sections, 0) - ${finishedNow}, 0)`;
  const section = trx
    .updateTable("sections")
    .set(f.set)
    .where("id", "=", sectionId)
    .where("status", "in", ["pending", "writing"])
    .$if(f.attempt !== undefined, (qb) => qb.where(sql<boolean>`exists (select 1 from attempt)`))
    .returning(["id", "started_at"]);
  const attemptCtes = f.attempt
    ? sql`
    attempt as (${trx.insertInto("section_attempts").values(f.attempt.row).onConflict((oc) => oc.columns(["section_id", "attempt"]).doNothing()).returning("id")}),
    usage as (
      insert into token_usage (${sql.join(Object.keys(usage!).map((column) => sql.ref(column)))})
      select ${sql.join(Object.values(usage!).map((value) => sql`${value}`))} where exists (select 1 from attempt)
      returning id),`
    : sql``;
  const { rows } = await sql<{ stored: number; updated: number; remaining: number | null }>`
    with ${attemptCtes}
    section as (${section}),
    durations as (
      select extract(epoch from completed_at - started_at) as seconds from sections
      where document_id = ${documentId} and status in ('passed', 'failed') and id <> ${sectionId}
      union all
      select extract(epoch from now() - started_at) from section),
    document as (
      update documents set
        sections_finished = ${finishedNow},
        quality_warnings = quality_warnings || ${JSON.stringify(f.warnings)}::jsonb,
        progress_percent = case when coalesce(total_sections, 0) = 0 then ${PLAN_PERCENT}
          else ${PLAN_PERCENT} + (${WRITE_PERCENT} * ${finishedNow}) / total_sections end,
        eta_seconds = (select ceil(avg(seconds) * ceil(${remainingNow}::numeric / ${f.concurrency}) + 2)::int from durations),
        current_section = (select min(index) from sections where document_id = ${documentId} and status = 'writing' and id <> ${sectionId}),
        updated_at = now()
      where id = ${documentId} and exists (select 1 from section)
      returning status, progress_stage, progress_percent, current_section, total_sections, eta_seconds,
        greatest(coalesce(total_sections, 0) - sections_finished, 0) as remaining)
    select
      ${f.attempt ? sql`(select count(*)::int from attempt)` : sql`1`} as stored,
      (select count(*)::int from section) as updated,
      d.remaining,
      case when d.status is not null then concat(${sql.join([
        sql`pg_notify(${DOCUMENT_EVENTS_CHANNEL}, ${eventPayload(documentId, f.event)})`,
        sql`pg_notify(${DOCUMENT_EVENTS_CHANNEL}, json_build_object('documentId', ${documentId}::text, 'event', json_build_object(
          'type', 'progress', 'percent', d.progress_percent, 'stage', d.progress_stage, 'currentSection', d.current_section,
          'totalSections', d.total_sections, 'etaSeconds', d.eta_seconds, 'status', d.status))::text)`,
      ])}) end as notified
    from (select 1) as one left join document d on true`.execute(trx);
  return { stored: rows[0].stored === 1, updated: rows[0].updated === 1, remaining: rows[0].remaining };
}
