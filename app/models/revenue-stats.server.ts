import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";
import type { StatsPeriod } from "../utils/stats-period";

/** Payments that took the customer's money (refunded or not): gross revenue counts them all. */
const PAID_PAYMENT_STATUSES = ["succeeded", "partially_refunded", "refunded"] as const;

export type DailyRevenue = {
  day: string;
  /** Orders whose payment arrived that day (documents.paid_at). */
  ordersPaid: number;
  /** Money of the payments received that day, before refunds. */
  revenueCents: number;
  /** Refunds Stripe (or the dev payment) carried out, dated by when they were asked for. */
  refunds: number;
  refundedCents: number;
};

/** Revenue, paid orders and refunds per UTC day of the period; every day listed, zeros included. */
export async function readDailyRevenue(db: DbOrTrx, period: StatsPeriod): Promise<DailyRevenue[]> {
  const day = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD')`;
  const [payments, orders, refunds] = await Promise.all([
    db
      .selectFrom("payments")
      .select([day("created_at").as("day"), sql<string>`sum(amount_cents)`.as("cents")])
      .where("status", "in", PAID_PAYMENT_STATUSES)
      .where("created_at", ">=", period.since)
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom("documents")
      .select([day("paid_at").as("day"), sql<number>`count(*)::int`.as("count")])
      .where("paid_at", ">=", period.since)
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom("refunds")
      .select([
        day("created_at").as("day"),
        sql<number>`count(*)::int`.as("count"),
        sql<string>`sum(amount_cents)`.as("cents"),
      ])
      .where("status", "=", "succeeded")
      .where("created_at", ">=", period.since)
      .groupBy(sql`1`)
      .execute(),
  ]);
  const revenueByDay = new Map(payments.map((row) => [row.day, Number(row.cents)]));
  const ordersByDay = new Map(orders.map((row) => [row.day, row.count]));
  const refundsByDay = new Map(refunds.map((row) => [row.day, row]));
  return period.dayKeys.map((key) => ({
    day: key,
    ordersPaid: ordersByDay.get(key) ?? 0,
    revenueCents: revenueByDay.get(key) ?? 0,
    refunds: refundsByDay.get(key)?.count ?? 0,
    refundedCents: Number(refundsByDay.get(key)?.cents ?? 0),
  }));
}
