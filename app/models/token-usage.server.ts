// Tokens used per UTC day, read by the worker before each LLM call (the daily limits, worker/llm/usage.ts) and by the
// admin's providers page (the budget and its use). The rows are written by the worker, one per call.
import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";

/** Midnight UTC that began `now`'s day: daily limits count tokens per UTC day. */
export function utcDayStart(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Next midnight UTC, when work held back by a daily limit starts again. */
export function nextUtcMidnight(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/** Tokens (in + out) of every call today, and of `userId`'s calls today; calls with a customer's own key are theirs. */
export async function tokensUsedToday(
  db: DbOrTrx,
  userId: string | null,
  now = new Date(),
): Promise<{ total: number; user: number }> {
  const row = await db
    .selectFrom("token_usage")
    .select([
      sql<string>`coalesce(sum(tokens_in + tokens_out), 0)`.as("total"),
      sql<string>`coalesce(sum(tokens_in + tokens_out) filter (where user_id = ${userId}), 0)`.as("user"),
    ])
    .where("created_at", ">=", utcDayStart(now))
    .where("paid_by_customer", "=", false)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), user: Number(row.user) };
}

/** The customers who used the most tokens today, most first. */
export async function heaviestUsersToday(db: DbOrTrx, now = new Date(), limit = 10) {
  const rows = await db
    .selectFrom("token_usage")
    .innerJoin("users", "users.id", "token_usage.user_id")
    .select(["users.id", "users.email", sql<string>`sum(tokens_in + tokens_out)`.as("tokens")])
    .where("token_usage.created_at", ">=", utcDayStart(now))
    .groupBy(["users.id", "users.email"])
    .orderBy("tokens", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ userId: row.id, email: row.email, tokens: Number(row.tokens) }));
}

/** Orders whose writing waits for midnight UTC because a daily limit is reached. */
export async function ordersWaitingForBudget(db: DbOrTrx): Promise<number> {
  const row = await db
    .selectFrom("documents")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("progress_stage", "=", "waiting_for_budget")
    .where("status", "in", ["queued", "generating"])
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
