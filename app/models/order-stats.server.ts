import { sql } from "kysely";
import { DOCUMENT_STATUSES, type DocumentStatus } from "../../db/schema";
import type { DbOrTrx } from "../utils/db.server";
import type { StatsPeriod } from "../utils/stats-period";

/** The states of a delivered order. */
export const DELIVERED_STATUSES = ["completed", "completed_with_warnings"] as const satisfies DocumentStatus[];
/** The states of a paid order still being worked on. */
export const WAITING_STATUSES = ["queued", "generating"] as const satisfies DocumentStatus[];

export type OrderStats = {
  byStatus: Record<DocumentStatus, number>;
  lastDeliveryAt: Date | null;
  /** When the order that has waited longest for its delivery was paid (null: no paid order waits). */
  oldestWaitingPaidAt: Date | null;
};

/** Every order by its state now, with the last delivery and the longest wait, in one pass over `documents`. */
export async function readOrderStats(db: DbOrTrx): Promise<OrderStats> {
  const { rows } = await sql<{
    status: DocumentStatus;
    count: number;
    last_delivery: Date | null;
    oldest_waiting: Date | null;
  }>`
    select status, count(*)::int as count,
      max(completed_at) filter (where status in (${sql.join(DELIVERED_STATUSES)})) as last_delivery,
      min(coalesce(paid_at, created_at)) filter (where status in (${sql.join(WAITING_STATUSES)})) as oldest_waiting
    from documents group by status`.execute(db);
  const byStatus = Object.fromEntries(DOCUMENT_STATUSES.map((status) => [status, 0])) as Record<DocumentStatus, number>;
  let lastDeliveryAt: Date | null = null;
  let oldestWaitingPaidAt: Date | null = null;
  for (const row of rows) {
    byStatus[row.status] = row.count;
    if (row.last_delivery && (!lastDeliveryAt || row.last_delivery > lastDeliveryAt))
      lastDeliveryAt = row.last_delivery;
    if (row.oldest_waiting && (!oldestWaitingPaidAt || row.oldest_waiting < oldestWaitingPaidAt))
      oldestWaitingPaidAt = row.oldest_waiting;
  }
  return { byStatus, lastDeliveryAt, oldestWaitingPaidAt };
}

export type RefundStats = { status: "pending" | "succeeded" | "failed"; count: number; cents: number }[];

/** Refunds by state, counted and summed (integer cents). */
export async function readRefundStats(db: DbOrTrx): Promise<RefundStats> {
  const rows = await db
    .selectFrom("refunds")
    .select(["status", sql<number>`count(*)::int`.as("count"), sql<string>`coalesce(sum(amount_cents), 0)`.as("cents")])
    .groupBy("status")
    .execute();
  const byStatus = new Map(rows.map((row) => [row.status, row]));
  return (["pending", "succeeded", "failed"] as const).map((status) => ({
    status,
    count: byStatus.get(status)?.count ?? 0,
    cents: Number(byStatus.get(status)?.cents ?? 0),
  }));
}

/** Orders created in the period, by their state now; every state listed. */
export async function readOrdersByState(db: DbOrTrx, period: StatsPeriod): Promise<Record<DocumentStatus, number>> {
  const rows = await db
    .selectFrom("documents")
    .select(["status", sql<number>`count(*)::int`.as("count")])
    .where("created_at", ">=", period.since)
    .groupBy("status")
    .execute();
  const counts = Object.fromEntries(DOCUMENT_STATUSES.map((status) => [status, 0])) as Record<DocumentStatus, number>;
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}
