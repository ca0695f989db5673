// A document's progress: the stages of its generation, the percent and ETA rules, and setStage, the one writer of the
// progress columns outside a finishing section (whose statement, worker/pipeline/finish-sections.ts, takes its percent and
// ETA from the rules here). Each change and the browser's event go in one statement; the event is built from the row as
// written, so the two never disagree.
import { sql, type Expression, type RawBuilder, type SqlBool, type UpdateObject } from "kysely";
import type { DbOrTrx } from "../utils/db.server";
import { DOCUMENT_EVENTS_CHANNEL } from "../utils/document-events";
import { emitOrderEvent } from "./webhook-events.server";
import type { Database, DocumentStatus } from "../../db/schema";

/** The stages a document goes through (documents.progress_stage); the catalog names them for customers (stageText). */
export type Stage =
  | "queued"
  | "planning"
  | "writing"
  | "waiting_for_budget"
  | "waiting_for_key"
  | "reviewing"
  | "assembling"
  | "done"
  | "failed";

/** Share of the bar given to planning before the first section and to writing the sections; the rest is the end's. */
export const PLAN_PERCENT = 5;
export const WRITE_PERCENT = 90;
/** Seconds an ETA counts for the review and the assembly after the last section. */
export const ETA_AFTER_WRITING_SECONDS = 2;

/** What a stage sets with it, where the stage decides: its percent, its ETA, no current section. */
const STAGE_RULES: Record<Stage, { percent?: number; etaSeconds?: number | null; noCurrentSection?: true }> = {
  queued: { percent: 0 },
  planning: { percent: 1 },
  // The count's percent (writingPercent): set by the plan, kept when writing resumes, moved by finishing sections.
  writing: {},
  waiting_for_budget: { etaSeconds: null },
  // The customer's own LLM key was refused: nothing moves until they save a working one (paused-orders.server.ts).
  waiting_for_key: { etaSeconds: null, noCurrentSection: true },
  reviewing: { etaSeconds: 5, noCurrentSection: true },
  assembling: { percent: 97, etaSeconds: 2, noCurrentSection: true },
  done: { percent: 100, etaSeconds: 0, noCurrentSection: true },
  failed: { etaSeconds: null, noCurrentSection: true },
};

/** The percent once `finished` of `total` sections are written: planning's share, then each section's, rounded down. */
export function writingPercent(finished: number, total: number): number {
  return total > 0 ? PLAN_PERCENT + Math.floor((WRITE_PERCENT * finished) / total) : PLAN_PERCENT;
}

/** Rounds of parallel work still to do once `finished` of `total` sections are written, `concurrency` at a time. */
export function roundsLeft(finished: number, total: number, concurrency: number): number {
  return Math.ceil(Math.max(total - finished, 0) / concurrency);
}

/** The ETA while writing: the finished sections' mean time × the rounds still to go, plus the end's, rounded up. */
export function writingEta(meanSectionSeconds: number, rounds: number): number {
  return Math.ceil(meanSectionSeconds * rounds) + ETA_AFTER_WRITING_SECONDS;
}

/** writingEta in SQL, for the finishing statement: the mean section time is only known under the row lock. */
export function writingEtaSql(meanSectionSeconds: RawBuilder<unknown>, rounds: RawBuilder<unknown>) {
  return sql<number>`ceil(${meanSectionSeconds} * ${rounds})::int + ${ETA_AFTER_WRITING_SECONDS}`;
}

/**
 * The rules for each count of finished sections a finishing statement may reach under the row lock (0 … total): the
 * percent, and the rounds left that multiply the mean section time the statement reads (writingEta).
 */
export function progressByCount(total: number, concurrency: number): { percents: number[]; rounds: number[] } {
  const counts = Array.from({ length: total + 1 }, (_, finished) => finished);
  return {
    percents: counts.map((f) => writingPercent(f, total)),
    rounds: counts.map((f) => roundsLeft(f, total, concurrency)),
  };
}

/**
 * The browser's progress event (app/utils/document-events.ts, ProgressEvent) as a NOTIFY payload, built in SQL from a
 * documents row `row` as written by the statement that sends it.
 */
export function progressEventSql(documentId: string, row: string) {
  const r = sql.ref(row);
  return sql<string>`json_build_object('documentId', ${documentId}::text, 'event', json_build_object(
    'type', 'progress', 'percent', ${r}.progress_percent, 'stage', ${r}.progress_stage, 'currentSection', ${r}.current_section,
    'totalSections', ${r}.total_sections, 'etaSeconds', ${r}.eta_seconds, 'status', ${r}.status))::text`;
}

export type StageChange = {
  /** The change applies only while the document is in one of these statuses and stages (a guarded UPDATE). */
  from?: { status?: DocumentStatus | readonly DocumentStatus[]; stage?: Stage | readonly Stage[] };
  /** And only while this holds. */
  where?: Expression<SqlBool>;
  /** The status the document moves to with this stage. */
  status?: DocumentStatus;
  /** Where no stage rule decides it (writing's start: writingPercent). */
  percent?: number;
  totalSections?: number;
  /** Why the document failed ("failed"): its failure_reason and the browser's "failed" event. */
  reason?: string;
  /** Other columns written in the same UPDATE: reports, scores, the delivered text, timestamps. */
  columns?: UpdateObject<Database, "documents">;
};

/**
 * Moves a document to `stage` and tells the browser, in one statement: the progress columns the stage's rules and
 * `change` set, then its event built from the row as written — "progress", then "completed" for done; "failed" with
 * its reason for failed. Returns whether the guarded UPDATE applied (no event otherwise). Events go out on commit.
 */
export async function setStage(
  trx: DbOrTrx,
  documentId: string,
  stage: Stage,
  change: StageChange = {},
): Promise<boolean> {
  const rule = STAGE_RULES[stage];
  const percent = change.percent ?? rule.percent;
  const columns: UpdateObject<Database, "documents"> = {
    ...change.columns,
    progress_stage: stage,
    ...(percent !== undefined ? { progress_percent: percent } : {}),
    ...(rule.etaSeconds !== undefined ? { eta_seconds: rule.etaSeconds } : {}),
    ...(rule.noCurrentSection ? { current_section: null } : {}),
    ...(change.totalSections !== undefined ? { total_sections: change.totalSections } : {}),
    ...(change.status ? { status: change.status } : {}),
    ...(change.reason !== undefined ? { failure_reason: change.reason } : {}),
    updated_at: sql`now()`,
  };
  const from = change.from ?? {};
  const events =
    stage === "failed"
      ? [
          sql<string>`json_build_object('documentId', ${documentId}::text, 'event', json_build_object('type', 'failed', 'reason', changed.failure_reason))::text`,
        ]
      : stage === "done"
        ? [
            progressEventSql(documentId, "changed"),
            sql<string>`json_build_object('documentId', ${documentId}::text, 'event', json_build_object('type', 'completed', 'status', changed.status))::text`,
          ]
        : [progressEventSql(documentId, "changed")];
  const rows = await trx
    .with("changed", (db) => {
      let update = db.updateTable("documents").set(columns).where("id", "=", documentId);
      if (from.status)
        update = update.where("status", "in", typeof from.status === "string" ? [from.status] : from.status);
      if (from.stage)
        update = update.where("progress_stage", "in", typeof from.stage === "string" ? [from.stage] : from.stage);
      if (change.where) update = update.where(change.where);
      return update.returning([
        "status",
        "progress_stage",
        "progress_percent",
        "current_section",
        "total_sections",
        "eta_seconds",
        "failure_reason",
      ]);
    })
    // The admin's timeline of the order: the change as written, unless it repeats the last one (a deferral again).
    .with("logged", (db) =>
      db
        .insertInto("document_events")
        .columns(["document_id", "stage", "status", "detail"])
        .expression((eb) =>
          eb
            .selectFrom("changed")
            .select([
              sql<string>`${documentId}::uuid`.as("document_id"),
              "changed.progress_stage",
              "changed.status",
              sql<string | null>`case when changed.progress_stage = 'failed' then changed.failure_reason end`.as(
                "detail",
              ),
            ])
            .where(
              sql<boolean>`not exists (select 1 from (select stage, status from document_events where document_id = ${documentId}
                order by id desc limit 1) last where last.stage is not distinct from changed.progress_stage and last.status = changed.status)`,
            ),
        )
        .returning("id"),
    )
    .selectFrom("changed")
    .select(sql.join(events.map((payload) => sql`pg_notify(${DOCUMENT_EVENTS_CHANNEL}, ${payload})`)).as("notified"))
    .select(["changed.failure_reason"])
    .execute();
  // The customer's webhooks hear an order delivered or failed in the transaction that says so.
  if (rows.length === 1 && stage === "done") await emitOrderEvent(trx, documentId, "order.completed");
  if (rows.length === 1 && stage === "failed")
    await emitOrderEvent(trx, documentId, "order.failed", { reason: rows[0]!.failure_reason });
  return rows.length === 1;
}

/**
 * The document row's lock, for a transaction that reads the document and then decides (plan, review); a finishing
 * section takes the same lock with its UPDATE in finishSections. NO KEY UPDATE: the foreign-key inserts (token_usage,
 * attempts) only take KEY SHARE on the same row, which FOR UPDATE would conflict with and deadlock on.
 */
export async function lockDocument(trx: DbOrTrx, documentId: string): Promise<LockedDocument | undefined> {
  return trx
    .selectFrom("documents")
    .select(["status", "progress_stage"])
    .where("id", "=", documentId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/** What lockDocument read: it cannot change until the lock holder commits. */
export type LockedDocument = { status: string; progress_stage: string | null };
