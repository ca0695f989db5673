import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";

export type UsageTotal = {
  provider: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  costMicrodollars: number;
};

/** A call's row is written in a short transaction: one older than this has long committed and never changes. */
const SETTLED_AFTER = "10 minutes";

/**
 * All-time tokens and cost per provider and model, from `token_usage`, without summing the whole table at every read:
 * rows older than SETTLED_AFTER are summed once and kept; each read adds only the rows since.
 */
export class UsageTotals {
  private readonly settled = new Map<string, UsageTotal>();
  private settledBefore: Date | null = null;
  private reading: Promise<UsageTotal[]> | null = null;

  /** Concurrent reads share one query, so no row is added to the settled sums twice. */
  read(db: DbOrTrx): Promise<UsageTotal[]> {
    this.reading ??= this.readSince(db).finally(() => (this.reading = null));
    return this.reading;
  }

  private async readSince(db: DbOrTrx): Promise<UsageTotal[]> {
    const { rows } = await sql<{
      provider: string | null;
      model: string;
      settled: boolean;
      tokens_in: string;
      tokens_out: string;
      cost: string;
      horizon: Date;
    }>`
      with bounds as (select now() - ${SETTLED_AFTER}::interval as horizon)
      select u.provider, u.model, u.created_at < b.horizon as settled,
        sum(u.tokens_in)::bigint as tokens_in, sum(u.tokens_out)::bigint as tokens_out,
        sum(u.cost_microdollars)::bigint as cost, b.horizon
      from bounds b left join token_usage u on u.created_at >= ${this.settledBefore ?? new Date(0)}
      group by u.provider, u.model, u.created_at < b.horizon, b.horizon`.execute(db);
    const live = new Map<string, UsageTotal>();
    for (const row of rows) {
      if (row.provider === null) continue; // the bounds row alone: no usage since the last read
      add(row.settled ? this.settled : live, {
        provider: row.provider,
        model: row.model,
        tokensIn: Number(row.tokens_in),
        tokensOut: Number(row.tokens_out),
        costMicrodollars: Number(row.cost),
      });
    }
    if (rows[0]) this.settledBefore = rows[0].horizon;
    const totals = new Map([...this.settled].map(([key, total]) => [key, { ...total }]));
    for (const total of live.values()) add(totals, total);
    return [...totals.values()].sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  }
}

function add(into: Map<string, UsageTotal>, usage: UsageTotal): void {
  const key = `${usage.provider}\u0000${usage.model}`;
  const total = into.get(key) ?? { ...usage, tokensIn: 0, tokensOut: 0, costMicrodollars: 0 };
  total.tokensIn += usage.tokensIn;
  total.tokensOut += usage.tokensOut;
  total.costMicrodollars += usage.costMicrodollars;
  into.set(key, total);
}
