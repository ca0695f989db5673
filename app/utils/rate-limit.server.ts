import { isIPv6 } from "node:net";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { PageVersionSql } from "../models/page-versions.server";
import { apiKeyOfRequest } from "../models/api-keys.server";
import { hitRateLimit, hitRateLimitOfSession, type RateLimitResult } from "../models/rate-limits.server";
import type { Db } from "./db.server";
import { logger } from "./logger.server";
import { sessionIdOfCookie, type SignedInUser } from "./session-cookie.server";
import { sendRefusal } from "./security.server";

export function rateLimitHeaders(result: RateLimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(result.limit),
    "X-RateLimit-Remaining": String(result.remaining),
    "X-RateLimit-Reset": String(result.resetSeconds),
    // The IETF draft's names, which API clients read.
    "RateLimit-Limit": String(result.limit),
    "RateLimit-Remaining": String(result.remaining),
    "RateLimit-Reset": String(result.resetSeconds),
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
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/**
 * Counts the request against its bucket: the signed-in user (a verified session), else the client address. Nothing the
 * client merely claims (an API key header, an unknown cookie) buys a bucket of its own: only verified identities may.
 * The session's user is read in the same statement and left on res.locals for the page's loaders
 * (app/utils/remix-handler.server.ts hands it on).
 */
async function hitAsRequester(
  db: Db,
  req: Request,
  res: Response,
  options: {
    limitPerMinute: number;
    api?: ApiLimits;
    now?: Date;
    alsoRead?: (req: Request) => PageVersionSql | null;
  },
) {
  const ipKey = `ip:${ipBucket(req.ip)}`;
  if (options.api && isApiPath(req.path)) {
    const key = await apiKeyOfRequest(db, req.get("authorization") ?? null);
    if (key) return hitAsApiKey(db, key, options.api, options.now);
  }
  const sessionId = await sessionIdOfCookie(req.get("cookie"));
  if (!sessionId) {
    res.locals.sessionUser = null;
    return hitRateLimit(db, ipKey, options.limitPerMinute, 60, options.now);
  }
  const alsoRead = options.alsoRead?.(req) ?? undefined;
  const hit = await hitRateLimitOfSession(db, sessionId, ipKey, options.limitPerMinute, 60, {
    now: options.now,
    alsoRead,
  });
  res.locals.sessionUser = hit.user;
  if (alsoRead) res.locals.pageVersion = hit.alsoRead;
  return hit.result;
}

/** Per minute: each API key's own requests, and all the keys of one account together. */
export type ApiLimits = { perKey: number; perAccount: number };

function isApiPath(path: string): boolean {
  return path.startsWith("/api/v1/");
}

/** An API request with a live key counts against the key and against its account; the tighter answer wins. */
async function hitAsApiKey(db: Db, key: { id: string; user_id: string }, limits: ApiLimits, now?: Date) {
  const [ofKey, ofAccount] = await Promise.all([
    hitRateLimit(db, `apikey:${key.id}`, limits.perKey, 60, now),
    hitRateLimit(db, `apiuser:${key.user_id}`, limits.perAccount, 60, now),
  ]);
  if (!ofKey.allowed || !ofAccount.allowed) return !ofKey.allowed ? ofKey : ofAccount;
  return ofKey.remaining <= ofAccount.remaining ? ofKey : ofAccount;
}

declare global {
  namespace Express {
    interface Locals {
      /** The signed-in user (or null) behind this request's Cookie header, when the rate limiter read it. */
      sessionUser?: SignedInUser | null;
      /** The version of the page asked for (null: not cacheable), when the rate limiter read it along. */
      pageVersion?: string | null;
    }
  }
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
  /** Requests to /api/v1 with a live API key count against the key and its account instead of the address. */
  api?: ApiLimits;
  identify?: (req: Request) => Promise<string>;
  /** For a signed-in request: the version of the page it asks for, read in the limiter's statement (page cache). */
  alsoRead?: (req: Request) => PageVersionSql | null;
  now?: () => Date;
}): RequestHandler {
  // One warning per minute while the limiter is down, with how many requests went through unchecked meanwhile.
  let lastFailureLoggedAt = 0;
  let unloggedFailures = 0;

  return async function rateLimit(req: Request, res: Response, next: NextFunction) {
    if (isRateLimitExempt(req)) return next();
    let result: RateLimitResult;
    try {
      const db = options.getDb();
      result = options.identify
        ? await hitRateLimit(db, await options.identify(req), options.limitPerMinute, 60, options.now?.())
        : await hitAsRequester(db, req, res, { ...options, now: options.now?.() });
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
    if (isApiPath(req.path)) {
      const message = `Too many requests: try again in ${result.retryAfterSeconds} s (see the RateLimit headers).`;
      res
        .status(429)
        .set("Cache-Control", "no-store")
        .json({ error: { code: "rate_limited", message } });
      return;
    }
    sendTooManyRequests(req, res, result.retryAfterSeconds);
  };
}
