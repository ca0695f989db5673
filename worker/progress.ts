import { sql } from "kysely";
import type { DbOrTrx } from "../app/utils/db.server";
import type { DocumentEvent } from "../app/utils/document-events";
import { notifyExpressions } from "./events";

/**
 * Every transaction that writes a document's sections or progress takes this lock first, so two sections finishing
 * at once agree on which was last. NO KEY UPDATE: the foreign-key inserts (token_usage, attempts) only take KEY SHARE
 * on the same row, which FOR UPDATE would conflict with and deadlock on.
 */
export async function lockDocument(trx: DbOrTrx, documentId: string): Promise<LockedDocument | undefined> {
  return trx.selectFrom("documents").select(["status", "progress_stage"]).where("id", "=", documentId).forNoKeyUpdate().executeTakeFirst();
}

/** What lockDocument read: it cannot change until the lock holder commits. */
export type LockedDocument = { status: string; progress_stage: string | null };

/** Share of the bar given to planning before the first section and to assembling after the last. */
const PLAN_PERCENT = 5;
const WRITE_PERCENT = 90;

export function percentFor(finishedSections: number, totalSections: number): number {
  if (totalSections === 0) return PLAN_PERCENT;
  return PLAN_PERCENT + Math.floor((WRITE_PERCENT * finishedSections) / totalSections);
}

/**
 * Recomputes the document's progress from its sections, stores it and notifies the document's room, in `trx`, which
 * holds the document lock (`locked`: what lockDocument read). `before`: events to send ahead of the progress event.
 * ETA = mean time of finished sections × the rounds of parallel work still to do.
 */
export async function refreshProgress(
  trx: DbOrTrx,
  documentId: string,
  concurrency: number,
  options: { locked: LockedDocument; before?: DocumentEvent[] },
) {
  const stats = await trx
    .selectFrom("sections")
    .select([
      sql<number>`count(*)::int`.as("total"),
      sql<number>`count(*) filter (where status in ('passed', 'failed'))::int`.as("finished"),
      sql<number | null>`avg(extract(epoch from completed_at - started_at)) filter (where status in ('passed', 'failed'))`.as(
        "meanSeconds",
      ),
      // The current section: the first one still being written.
      sql<number | null>`min(index) filter (where status = 'writing')`.as("writing"),
    ])
    .where("document_id", "=", documentId)
    .executeTakeFirstOrThrow();
  const remaining = stats.total - stats.finished;
  const etaSeconds =
    stats.meanSeconds == null ? null : Math.ceil((Number(stats.meanSeconds) * Math.ceil(remaining / concurrency)) + 2);
  const percent = percentFor(stats.finished, stats.total);
  const currentSection = stats.writing;
  const progress: DocumentEvent = {
    type: "progress",
    percent,
    stage: options.locked.progress_stage,
    currentSection,
    totalSections: stats.total,
    etaSeconds,
    status: options.locked.status,
  };
  // The update and the notifications in one statement (this runs once per finished section, under the lock).
  await trx
    .with("updated", (db) =>
      db
        .updateTable("documents")
        .set({ progress_percent: percent, total_sections: stats.total, eta_seconds: etaSeconds, current_section: currentSection, updated_at: sql`now()` })
        .where("id", "=", documentId)
        .returning("id"),
    )
    .selectFrom("updated")
    .select(sql`${notifyExpressions(documentId, [...(options.before ?? []), progress])}`.as("notified"))
    .execute();
  return { ...stats, remaining, percent };
}
