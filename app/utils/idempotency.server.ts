// Idempotency-Key on every API POST (issue 22, decision 039): the same key with the same request from the same account
// answers what the first one answered, without doing its work again; the key with another request is a 409.
import { createHash } from "node:crypto";
import type { ApiCaller } from "../models/api-keys.server";
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from "../models/idempotency-keys.server";
import { apiError } from "./api.server";
import { getDb } from "./db.server";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** A key: 1–255 visible ASCII characters (a UUID is the usual choice). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The same value whatever the order of its object's keys: `{"a":1,"b":2}` and `{"b":2,"a":1}` are one request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/**
 * Runs `work` at most once per account and Idempotency-Key: `content` is what the request asks (its JSON body, or a
 * file's name and digest), compared on a repeat. Without the header the work simply runs. An answer of 500 or more,
 * or a failure, frees the key (a retry does the work); any other answer is kept and replayed for 24 hours.
 */
export async function idempotent(
  request: Request,
  caller: ApiCaller,
  content: unknown,
  work: () => Promise<Response>,
): Promise<Response> {
  const key = request.headers.get(IDEMPOTENCY_HEADER);
  if (key === null) return work();
  if (!KEY_PATTERN.test(key))
    return apiError(
      400,
      "invalid_idempotency_key",
      "An Idempotency-Key is 1–255 visible ASCII characters, e.g. a UUID.",
    );
  const db = getDb();
  const of = {
    userId: caller.userId,
    key,
    request: `${request.method} ${new URL(request.url).pathname}`,
    bodyHash: createHash("sha256").update(canonicalJson(content)).digest("hex"),
  };
  const claim = await claimIdempotencyKey(db, of);
  if (!claim.claimed) {
    if (claim.request !== of.request || claim.bodyHash !== of.bodyHash)
      return apiError(
        409,
        "idempotency_key_reused",
        "This Idempotency-Key was used for another request: send a new key for a new request.",
      );
    if (claim.status === "in_progress")
      return apiError(
        409,
        "idempotency_key_in_progress",
        "A request with this Idempotency-Key is still being handled: try again in a moment for its answer.",
        { "Retry-After": "1" },
      );
    return new Response(claim.responseBody, {
      status: claim.responseStatus ?? 200,
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store", "Idempotent-Replayed": "true" },
    });
  }
  let response: Response;
  try {
    response = await work();
  } catch (error) {
    if (!(error instanceof Response) || error.status >= 500) {
      await releaseIdempotencyKey(db, claim.id);
      throw error;
    }
    response = error;
  }
  if (response.status >= 500) {
    await releaseIdempotencyKey(db, claim.id);
    return response;
  }
  const body = await response.text();
  await completeIdempotencyKey(db, claim.id, { status: response.status, body });
  return new Response(body, { status: response.status, headers: response.headers });
}
