import { createHash } from "node:crypto";
import { isIPv6 } from "node:net";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { sql } from "kysely";
import type { Db, DbOrTrx } from "./db.server";
import { logger } from "./logger.server";
import { SESSION_COOKIE, getUserFromCookie } from "./session.server";
import { sendRefusal } from "./security.server";

export type RateLimitResult = { allowed: boolean; limit: number; remaining: number; resetSeconds: number; retryAfterSeconds: number };

export const SIGNIN_WINDOW_SECONDS = 15 * 60;
const PRUNE_AFTER = "1 hour";

/**
 * Counts one hit on `key` and decides, with the "sliding window counter": the current fixed window's count plus the
 * previous window's count weighted by the share of it still inside the sliding window. Refused hits count too, so a
 * client that keeps hammering stays refused; Retry-After accounts for that.
 * One statement (the upsert and the read of the previous window), so hits from several processes count correctly.
 * Time is the database's clock unless `now` is given, so every web process agrees on the windows.
 */
export async function hitRateLimit(db: DbOrTrx, key: string, limit: number, windowSeconds: number, now?: Date): Promise<RateLimitResult> {
  if (!(windowSeconds > 0) || !Number.isInteger(windowSeconds)) throw new Error("windowSeconds must be a positive integer");
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
  return decide(limit, windowSeconds, Number(row.current), Number(row.previous), Number(row.now_epoch) - Number(row.window_epoch));
}

/** The decision for a hit already counted: `current` includes it; `elapsed` is how far into the current window we are. */
function decide(limit: number, windowSeconds: number, current: number, previous: number, elapsed: number): RateLimitResult {
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

export function rateLimitHeaders(result: RateLimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(result.limit),
    "X-RateLimit-Remaining": String(result.remaining),
    "X-RateLimit-Reset": String(result.resetSeconds),
  };
  if (!result.allowed) headers["Retry-After"] = String(result.retryAfterSeconds);
  return headers;
}

/**
 * Requests the limiter neither counts nor answers: health checks, static files, socket.io, Stripe's webhook calls.
 * Other files of public/ are exempt by order: express.static serves them before this middleware runs. Guessing by file
 * extension here would let any `GET /anything.png` reach Remix's 404 page unlimited.
 */
export function isRateLimitExempt(req: Pick<Request, "method" | "path">): boolean {
  const path = req.path;
  if (path === "/socket.io" || path.startsWith("/socket.io/")) return true;
  if (req.method === "POST" && path.replace(/\/+$/, "").toLowerCase() === "/api/stripe/webhook") return true;
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  return (
    path === "/healthz" ||
    path === "/health" ||
    path.startsWith("/health/") ||
    path.startsWith("/build/") ||
    path === "/favicon.ico"
  );
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** The API key a request carries (Authorization: Bearer … or X-API-Key), if any. */
function apiKeyOf(req: Request): string | null {
  const authorization = req.get("authorization");
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (bearer) return bearer;
  const header = req.get("x-api-key")?.trim();
  return header || null;
}

/** One bucket per IPv4 address and per IPv6 /64: a customer is handed at least a /64, so single addresses are free to rotate. */
export function ipBucket(ip: string | undefined | null): string {
  if (!ip) return "unknown";
  const mapped = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip) || ip.includes(".")) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = ip.includes("::")
    ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups]
    : headGroups;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** Who a request counts against: the signed-in user, else an API key (hashed), else the client address. */
export async function identifyRequest(req: Request): Promise<string> {
  const cookie = req.get("cookie");
  if (cookie?.includes(`${SESSION_COOKIE}=`)) {
    const user = await getUserFromCookie(cookie);
    if (user) return `user:${user.id}`;
  }
  // Not verified here (TesiGo has no API keys yet): an invented key buys a fresh bucket, so verify before relying on it.
  const apiKey = apiKeyOf(req);
  if (apiKey) return `key:${sha256(apiKey)}`;
  return `ip:${ipBucket(req.ip)}`;
}

/** A 429 a person understands: a tiny page for browsers, JSON for everything else. */
export function sendTooManyRequests(req: Request, res: Response, retryAfterSeconds: number) {
  const unit = retryAfterSeconds === 1 ? "second" : "seconds";
  sendRefusal(req, res, 429, "Too many requests", `Too many requests. Try again in ${retryAfterSeconds} ${unit}.`);
}

const FAILURE_LOG_EVERY_MS = 60_000;

/**
 * Express middleware for pages and actions: `limitPerMinute` hits per 60 s per identity (see identifyRequest).
 * Sets X-RateLimit-* on every counted response; answers 429 over the limit. If the limiter itself fails, the request
 * goes through (fail-open): an outage of the limiter must not become an outage of the site.
 * `now` is for tests only (a fixed clock instead of the database's).
 */
export function rateLimitMiddleware(options: {
  getDb: () => Db;
  limitPerMinute: number;
  identify?: (req: Request) => Promise<string>;
  now?: () => Date;
}): RequestHandler {
  const identify = options.identify ?? identifyRequest;
  // One warning per minute while the limiter is down, with how many requests went through unchecked meanwhile.
  let lastFailureLoggedAt = 0;
  let unloggedFailures = 0;

  return async function rateLimit(req: Request, res: Response, next: NextFunction) {
    if (isRateLimitExempt(req)) return next();
    let result: RateLimitResult;
    try {
      const key = await identify(req);
      result = await hitRateLimit(options.getDb(), key, options.limitPerMinute, 60, options.now?.());
    } catch (error) {
      const now = Date.now();
      if (now - lastFailureLoggedAt >= FAILURE_LOG_EVERY_MS) {
        logger.warn(
          { err: error, method: req.method, path: req.path, uncheckedSinceLastWarning: unloggedFailures },
          "rate limiter failed; letting the request through",
        );
        lastFailureLoggedAt = now;
        unloggedFailures = 0;
      } else {
        unloggedFailures++;
      }
      return next();
    }
    res.set(rateLimitHeaders(result));
    if (result.allowed) return next();
    sendTooManyRequests(req, res, result.retryAfterSeconds);
  };
}

/**
 * Sign-in attempts: at most `limit` per 15 minutes per email and per IP (both count; the stricter answer wins).
 * Fail-open, like the middleware.
 */
export async function hitSignInLimit(db: DbOrTrx, email: string | null, ip: string | null, limit: number): Promise<RateLimitResult> {
  const keys: string[] = [];
  const normalized = email?.trim().toLowerCase();
  if (normalized) keys.push(`signin:email:${normalized.slice(0, 320)}`);
  if (ip) keys.push(`signin:ip:${ipBucket(ip)}`);
  const open: RateLimitResult = { allowed: true, limit, remaining: limit, resetSeconds: SIGNIN_WINDOW_SECONDS, retryAfterSeconds: 0 };
  try {
    const results: RateLimitResult[] = [];
    // One after the other: `db` may be a transaction, whose single connection runs one query at a time anyway.
    for (const key of keys) results.push(await hitRateLimit(db, key, limit, SIGNIN_WINDOW_SECONDS));
    if (!results.length) return open;
    return {
      allowed: results.every((r) => r.allowed),
      limit,
      remaining: Math.min(...results.map((r) => r.remaining)),
      resetSeconds: Math.max(...results.map((r) => r.resetSeconds)),
      retryAfterSeconds: Math.max(...results.map((r) => r.retryAfterSeconds)),
    };
  } catch (error) {
    logger.warn({ err: error }, "sign-in rate limiter failed; letting the attempt through");
    return open;
  }
}

/** Deletes windows older than an hour (no limit here looks further back than two 15-minute windows). */
export async function pruneRateLimits(db: DbOrTrx): Promise<number> {
  const result = await db
    .deleteFrom("rate_limits")
    .where("window_start", "<", sql<Date>`now() - ${sql.lit(PRUNE_AFTER)}::interval`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
