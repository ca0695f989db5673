// Limits on sign-in (issue 16): whoever hammers an address slows themselves, not the owner of that address.
// - "Email me a code" is counted per client address (15 minutes) and per email address (an hour), except from a browser
//   that has signed in as that address before: the owner's own browser has a bucket of its own.
// - Wrong codes are counted per code (its row, at most 5) and per client address; right codes are never refused for
//   someone else's wrong ones.
import { hitRateLimit, peekRateLimit, type RateLimitResult } from "../models/rate-limits.server";
import type { DbOrTrx } from "./db.server";
import { logger } from "./logger.server";
import { ipBucket } from "./rate-limit.server";

const QUARTER_HOUR = 15 * 60;
const HOUR = 60 * 60;
/** A client address may type this many times more wrong codes than it may ask codes. */
const WRONG_CODES_PER_REQUEST = 3;

export type SignInLimits = { perClientPer15Minutes: number; perEmailPerHour: number };

const OPEN: RateLimitResult = { allowed: true, limit: 0, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 };

/**
 * Counts one "email me a code" for `emailKey` (an HMAC of the address). `knownDevice`: this browser signed in as that
 * address before (a signed cookie says so), so only its own bucket counts. Fail-open: a broken limiter must not
 * stop every sign-in.
 */
export async function limitCodeRequest(
  db: DbOrTrx,
  request: { emailKey: string; ip: string | null; knownDevice: string | null },
  limits: SignInLimits,
): Promise<RateLimitResult> {
  try {
    if (request.knownDevice) {
      return await hitRateLimit(
        db,
        `signin:own:${request.emailKey}:${request.knownDevice}`,
        limits.perClientPer15Minutes,
        QUARTER_HOUR,
      );
    }
    // The client's own bucket first: a client already refused spends nothing of the address's bucket.
    const client = await hitRateLimit(
      db,
      `signin:ask:${ipBucket(request.ip)}`,
      limits.perClientPer15Minutes,
      QUARTER_HOUR,
    );
    if (!client.allowed) return client;
    return await hitRateLimit(db, `signin:email:${request.emailKey}`, limits.perEmailPerHour, HOUR);
  } catch (error) {
    logger.warn({ err: error }, "sign-in rate limiter failed; letting the request through");
    return OPEN;
  }
}

function wrongCodesKey(ip: string | null) {
  return `signin:wrong:${ipBucket(ip)}`;
}

/** Whether this client address may try a code now (it has not typed too many wrong ones lately). */
export async function mayTryCode(db: DbOrTrx, ip: string | null, limits: SignInLimits): Promise<RateLimitResult> {
  try {
    return await peekRateLimit(
      db,
      wrongCodesKey(ip),
      limits.perClientPer15Minutes * WRONG_CODES_PER_REQUEST,
      QUARTER_HOUR,
    );
  } catch (error) {
    logger.warn({ err: error }, "sign-in rate limiter failed; letting the code through");
    return OPEN;
  }
}

/** Counts a wrong code against the client address that typed it. */
export async function countWrongCode(db: DbOrTrx, ip: string | null, limits: SignInLimits): Promise<void> {
  try {
    await hitRateLimit(db, wrongCodesKey(ip), limits.perClientPer15Minutes * WRONG_CODES_PER_REQUEST, QUARTER_HOUR);
  } catch (error) {
    logger.warn({ err: error }, "sign-in rate limiter failed; a wrong code went uncounted");
  }
}

/** Which limit refused, and how long to wait, in the reader's words (`t`: any translator with the auth namespace). */
export function waitMessage(t: unknown, limit: "wrongCodes" | "codeRequests", retryAfterSeconds: number): string {
  const translate = t as (key: `auth:limits.${string}`, options?: { count: number }) => string;
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `${translate(`auth:limits.${limit}`)} ${translate("auth:limits.wait", { count: minutes })}`;
}
