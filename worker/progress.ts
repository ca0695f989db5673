import { sql } from "kysely";
import type { DbOrTrx } from "../app/utils/db.server";
import { notifyDocumentEvent } from "./events";

/**
 * Every transaction that writes a document's sections or progress takes this lock first, so two sections finishing
 * at once agree on which was last. NO KEY UPDATE: the foreign-key inserts (token_usage, attempts) only take KEY SHARE
 * on the same row, which FOR UPDATE would conflict with and deadlock on.
 */
export async function lockDocument(trx: DbOrTrx, documentId: string): Promise<void> {
  await trx.selectFrom("documents").select("id").where("id", "=", documentId).forNoKeyUpdate().execute();
}

/** Share of the bar given to planning before the first section and to assembling after the last. */
const PLAN_PERCENT = 5;
const WRITE_PERCENT = 90;

export function percentFor(finishedSections: number, totalSections: number): number {
  if (totalSections === 0) return PLAN_PERCENT;
  return PLAN_PERCENT + Math.floor((WRITE_PERCENT * finishedSections) / totalSections);
}

/**
 * Recomputes the document's progress from its sections, stores it and notifies the document's room, in `trx`.
 * ETA = mean time of finished sections × the rounds of parallel work still to do.
 */
export async function refreshProgress(trx: DbOrTrx, documentId: string, concurrency: number, currentSection?: number) {
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
  const updated = await trx
    .updateTable("documents")
    .set({
      progress_percent: percent,
      total_sections: stats.total,
      eta_seconds: etaSeconds,
      current_section: currentSection !== undefined ? currentSection : stats.writing,
      updated_at: sql`now()`,
    })
    .where("id", "=", documentId)
    .returning(["status", "progress_stage", "current_section"])
    .executeTakeFirstOrThrow();
  await notifyDocumentEvent(trx, documentId, {
    type: "progress",
    percent,
    stage: updated.progress_stage,
    currentSection: updated.current_section,
    totalSections: stats.total,
    etaSeconds,
    status: updated.status,
  });
  return { ...stats, remaining, percent };
}
