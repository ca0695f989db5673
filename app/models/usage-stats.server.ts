import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";
import type { StatsPeriod } from "../utils/stats-period";

export type DailyUsage = {
  day: string;
  provider: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  costMicrodollars: number;
};

/** Tokens and cost of writer calls per UTC day, provider and model, from `token_usage` (days without calls left out). */
export async function readDailyUsage(db: DbOrTrx, period: StatsPeriod): Promise<DailyUsage[]> {
  const rows = await db
    .selectFrom("token_usage")
    .select([
      sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`.as("day"),
      "provider",
      "model",
      sql<string>`sum(tokens_in)`.as("tokens_in"),
      sql<string>`sum(tokens_out)`.as("tokens_out"),
      sql<string>`sum(cost_microdollars)`.as("cost"),
    ])
    .where("created_at", ">=", period.since)
    .groupBy([sql`1`, "provider", "model"])
    .orderBy(sql`1`)
    .orderBy("provider")
    .orderBy("model")
    .execute();
  return rows.map((row) => ({
    day: row.day,
    provider: row.provider,
    model: row.model,
    tokensIn: Number(row.tokens_in),
    tokensOut: Number(row.tokens_out),
    costMicrodollars: Number(row.cost),
  }));
}
