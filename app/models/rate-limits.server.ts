// The rate limiter's windows in Postgres: counting a hit (every web process shares the counts) and pruning old windows
// (the worker's hourly maintenance). The HTTP side (middleware, buckets, headers) is app/utils/rate-limit.server.ts.
import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";

export type RateLimitResult = {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
  retryAfterSeconds: number;
};

// The longest window (sign-in codes per address: an hour) looks back over the previous one too.
const PRUNE_AFTER = "2 hours";

/**
 * Counts one hit on `key` and decides, with the "sliding window counter": the current fixed window's count plus the
 * previous window's count weighted by the share of it still inside the sliding window. Refused hits count too, so a
 * client that keeps hammering stays refused; Retry-After accounts for that.
 * One statement (the upsert and the read of the previous window), so hits from several processes count correctly.
 * Time is the database's clock unless `now` is given, so every web process agrees on the windows.
 */
export async function hitRateLimit(
  db: DbOrTrx,
  key: string,
  limit: number,
  windowSeconds: number,
  now?: Date,
): Promise<RateLimitResult> {
  if (!(windowSeconds > 0) || !Number.isInteger(windowSeconds))
    throw new Error("windowSeconds must be a positive integer");
  const { rows } = await sql<{ current: number; previous: number; now_epoch: number; window_epoch: number }>`
    with t as (
      select ts, to_timestamp((floor(extract(epoch from ts) / ${windowSeconds}) * ${windowSeconds})::float8) as ws
      from (select coalesce(cast(${now ?? null} as timestamptz), now()) as ts) as clock
    ), hit as (
      insert into rate_limits (key, window_start, count)
      select ${key}, t.ws, 1 from t
      on conflict (key, window_start) do update set count = rate_limits.count + 1
      returning count
    )
    select
      hit.count as current,
      coalesce((
        select r.count from rate_limits r
        where r.key = ${key} and r.window_start = t.ws - make_interval(secs => ${windowSeconds})
      ), 0) as previous,
      extract(epoch from t.ts)::float8 as now_epoch,
      extract(epoch from t.ws)::float8 as window_epoch
    from hit, t
  `.execute(db);
  const row = rows[0]!;
  return decide(
    limit,
    windowSeconds,
    Number(row.current),
    Number(row.previous),
    Number(row.now_epoch) - Number(row.window_epoch),
  );
}

/**
 * Whether one more hit on `key` would be allowed, without counting it: for limits that count only failures (wrong
 * sign-in codes), which must still refuse the next try once over.
 */
export async function peekRateLimit(
  db: DbOrTrx,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<RateLimitResult> {
  const { rows } = await sql<{ current: number; previous: number; now_epoch: number; window_epoch: number }>`
    with t as (
      select now() as ts, to_timestamp((floor(extract(epoch from now()) / ${windowSeconds}) * ${windowSeconds})::float8) as ws
    )
    select
      coalesce((select r.count from rate_limits r where r.key = ${key} and r.window_start = t.ws), 0) as current,
      coalesce((select r.count from rate_limits r where r.key = ${key} and r.window_start = t.ws - make_interval(secs => ${windowSeconds})), 0) as previous,
      extract(epoch from t.ts)::float8 as now_epoch,
      extract(epoch from t.ws)::float8 as window_epoch
    from t
  `.execute(db);
  const row = rows[0]!;
  return decide(
    limit,
    windowSeconds,
    Number(row.current) + 1,
    Number(row.previous),
    Number(row.now_epoch) - Number(row.window_epoch),
  );
}

/** The decision for a hit already counted: `current` includes it; `elapsed` is how far into the current window we are. */
function decide(
  limit: number,
  windowSeconds: number,
  current: number,
  previous: number,
  elapsed: number,
): RateLimitResult {
  const w = windowSeconds;
  const e = Math.min(Math.max(elapsed, 0), w);
  const estimate = previous * (1 - e / w) + current;
  const allowed = estimate <= limit + 1e-9; // float weights: 28.000000000000004 is 28
  const remaining = Math.max(0, Math.floor(limit - estimate + 1e-9));
  // Like most sliding-window-counter limiters, "reset" is the end of the current fixed window.
  const resetSeconds = Math.max(1, Math.ceil(w - e));
  let retryAfterSeconds = 0;
  if (!allowed) {
    // Earliest moment at which one more hit fits, if nothing else is hit meanwhile.
    let wait: number;
    if (current + 1 <= limit) {
      // Only the previous window's weight is in the way: wait until enough of it has slid out.
      const until = w * (1 - (limit - current - 1) / previous);
      wait = until - e;
    } else {
      // The current window alone is over: next window, where it becomes the weighted previous one.
      const intoNext = Math.max(0, w * (1 - (limit - 1) / current));
      wait = w - e + intoNext;
    }
    retryAfterSeconds = Math.max(1, Math.ceil(wait - 1e-9));
  }
  return { allowed, limit, remaining, resetSeconds, retryAfterSeconds };
}

/** Deletes windows older than two hours (no limit looks further back than two of its hour-long windows). */
export async function pruneRateLimits(db: DbOrTrx): Promise<number> {
  const result = await db
    .deleteFrom("rate_limits")
    .where("window_start", "<", sql<Date>`now() - ${sql.lit(PRUNE_AFTER)}::interval`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
