// The rate limiter's windows in Postgres: counting a hit (every web process shares the counts) and pruning old windows
// (the worker's hourly maintenance). The HTTP side (middleware, buckets, headers) is app/utils/rate-limit.server.ts.
import { sql, type Compilable, type OperationNodeSource, type RawBuilder } from "kysely";
import type { PageVersionSql } from "./page-versions.server";
import { sessionUserQuery, type SessionUser } from "./sessions.server";
import { executePrepared, type DbOrTrx } from "../utils/db.server";

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
  const row = await countHit(db, sql`select ${key} as key`, limit, windowSeconds, now);
  return decide(limit, windowSeconds, row);
}

/**
 * hitRateLimit for whoever holds `sessionId`, with the session's user read in the same statement (one round trip per
 * request instead of two): a live session counts against `user:<id>`, anything else against `otherwiseKey`.
 * `alsoRead`: a value of that user the request needs next (a page's version), read in the same statement too.
 */
export async function hitRateLimitOfSession(
  db: DbOrTrx,
  sessionId: string,
  otherwiseKey: string,
  limit: number,
  windowSeconds: number,
  options: { now?: Date; alsoRead?: PageVersionSql } = {},
): Promise<{ user: SessionUser | null; result: RateLimitResult; alsoRead: string | null }> {
  const alsoRead = options.alsoRead ? sql`(select ${options.alsoRead(sql`s.id`)} from s)` : sql`null`;
  const row = await countHit<{ user: SessionUser | null; also_read: string | null }>(
    db,
    sql`select coalesce((select 'user:' || s.id from s), ${otherwiseKey}) as key`,
    limit,
    windowSeconds,
    options.now,
    {
      name: "s",
      query: sessionUserQuery(db, sessionId),
      select: sql`(select to_jsonb(s) from s) as user, ${alsoRead}::text as also_read`,
    },
  );
  return { user: row.user ?? null, result: decide(limit, windowSeconds, row), alsoRead: row.also_read };
}

type WindowCounts = { current: number; previous: number; now_epoch: number; window_epoch: number };

/**
 * The one statement that counts a hit: the upsert of the current window and the read of the previous one, so hits from
 * several processes count correctly. `key` is a query giving the bucket; `withQuery` a CTE it (and `select`) may use.
 */
async function countHit<Extra extends object = object>(
  db: DbOrTrx,
  key: RawBuilder<unknown>,
  limit: number,
  windowSeconds: number,
  now?: Date,
  withQuery?: { name: string; query: Compilable & OperationNodeSource; select: RawBuilder<unknown> },
): Promise<WindowCounts & Extra> {
  if (!(windowSeconds > 0) || !Number.isInteger(windowSeconds))
    throw new Error("windowSeconds must be a positive integer");
  const query = sql<WindowCounts & Extra>`
    with ${withQuery ? sql`${sql.id(withQuery.name)} as (${withQuery.query}),` : sql``} t as (
      select ts, to_timestamp((floor(extract(epoch from ts) / ${windowSeconds}) * ${windowSeconds})::float8) as ws
      from (select coalesce(cast(${now ?? null} as timestamptz), now()) as ts) as clock
    ), bucket as (${key}), hit as (
      insert into rate_limits (key, window_start, count)
      select bucket.key, t.ws, 1 from bucket, t
      on conflict (key, window_start) do update set count = rate_limits.count + 1
      returning key, count
    )
    select
      hit.count as current,
      coalesce((
        select r.count from rate_limits r
        where r.key = hit.key and r.window_start = t.ws - make_interval(secs => ${windowSeconds})
      ), 0) as previous,
      extract(epoch from t.ts)::float8 as now_epoch,
      extract(epoch from t.ws)::float8 as window_epoch
      ${withQuery ? sql`, ${withQuery.select}` : sql``}
    from hit, t
  `.compile(db);
  // Every request runs it: prepared once per connection rather than parsed and planned each time.
  return (await executePrepared(db, query))[0]!;
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
  return decide(limit, windowSeconds, { ...row, current: Number(row.current) + 1 });
}

/** The decision for a hit already counted: `current` includes it; now − window start is how far into the window we are. */
function decide(limit: number, windowSeconds: number, counts: WindowCounts): RateLimitResult {
  const current = Number(counts.current);
  const previous = Number(counts.previous);
  const elapsed = Number(counts.now_epoch) - Number(counts.window_epoch);
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
