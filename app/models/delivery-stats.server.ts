import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";
import type { StatsPeriod } from "../utils/stats-period";
import { DELIVERED_STATUSES, WAITING_STATUSES } from "./order-stats.server";

export type DeliveryStats = {
  /** Orders paid in the period (documents.paid_at). */
  paid: number;
  /** Of those, delivered: completed or completed with warnings. */
  delivered: number;
  /** Of those, still queued or being written. */
  inProgress: number;
  /** delivered / paid, null when nothing was paid. */
  successRate: number | null;
  /** Seconds from payment to delivery over the delivered ones (null: none delivered). */
  medianSeconds: number | null;
  p95Seconds: number | null;
};

/** How the orders paid in the period fared: one cohort, so the rate and the times describe the same orders. */
export async function readDeliveryStats(db: DbOrTrx, period: StatsPeriod): Promise<DeliveryStats> {
  const { rows } = await sql<{
    paid: number;
    delivered: number;
    in_progress: number;
    median: number | null;
    p95: number | null;
  }>`
    select count(*)::int as paid,
      count(*) filter (where status in (${sql.join(DELIVERED_STATUSES)}))::int as delivered,
      count(*) filter (where status in (${sql.join(WAITING_STATUSES)}))::int as in_progress,
      percentile_cont(0.5) within group (order by extract(epoch from completed_at - paid_at))
        filter (where status in (${sql.join(DELIVERED_STATUSES)}) and completed_at is not null) as median,
      percentile_cont(0.95) within group (order by extract(epoch from completed_at - paid_at))
        filter (where status in (${sql.join(DELIVERED_STATUSES)}) and completed_at is not null) as p95
    from documents where paid_at >= ${period.since}`.execute(db);
  const row = rows[0]!;
  return {
    paid: row.paid,
    delivered: row.delivered,
    inProgress: row.in_progress,
    successRate: row.paid ? row.delivered / row.paid : null,
    medianSeconds: row.median === null ? null : Number(row.median),
    p95Seconds: row.p95 === null ? null : Number(row.p95),
  };
}
