/** How the router treats a failed call: retry the same provider, or go on to the next one. */
export type ErrorClass = { retryable: boolean; retryAfterMs: number | null; status: number | null; reason: string };

const RETRYABLE_STATUS = new Set([408, 409, 429]);

/**
 * A streamed answer that stopped before its end: the connection was cut, or no text came for the call's timeout
 * (the SDKs' own timeouts end once the answer has begun). Retried like a connection error.
 */
export class IncompleteAnswerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IncompleteAnswerError";
  }
}

/**
 * The provider refused the customer's own key (401/403), or the key is gone: never retried nor passed to the next
 * writer by the router; the order pauses, or TesiGo's writers take over if the customer allowed it (customer-writer.ts).
 */
export class CustomerKeyRefusedError extends Error {
  constructor(
    readonly provider: string,
    readonly why: "refused" | "missing",
  ) {
    super(why === "refused" ? `the customer's ${provider} key was refused` : "the customer's LLM key was deleted");
    this.name = "CustomerKeyRefusedError";
  }
}

// Both SDKs (openai, @anthropic-ai/sdk) throw APIError subclasses with `status` and `headers`, and name their network
// failures APIConnectionError / APIConnectionTimeoutError; a body that is not JSON surfaces as a SyntaxError.
export function classifyError(error: unknown): ErrorClass {
  const e = error as {
    status?: unknown;
    headers?: unknown;
    name?: string;
    message?: string;
    constructor?: { name?: string };
  };
  const status = typeof e?.status === "number" ? e.status : null;
  const name = `${e?.constructor?.name ?? ""} ${e?.name ?? ""}`;
  const reason = status ? `HTTP ${status}` : (e?.message ?? String(error)).slice(0, 200);
  if (status !== null) {
    return {
      retryable: RETRYABLE_STATUS.has(status) || status >= 500,
      retryAfterMs: retryAfterMs(e.headers),
      status,
      reason,
    };
  }
  if (error instanceof IncompleteAnswerError) return { retryable: true, retryAfterMs: null, status: null, reason };
  if (
    /Connection|Timeout|AbortError|ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up|\bterminated\b/i.test(
      `${name} ${e?.message ?? ""}`,
    )
  ) {
    return { retryable: true, retryAfterMs: null, status: null, reason };
  }
  if (error instanceof SyntaxError || /JSON|Unexpected (end|token)/i.test(e?.message ?? "")) {
    return { retryable: true, retryAfterMs: null, status: null, reason: `malformed response: ${reason}` };
  }
  return { retryable: false, retryAfterMs: null, status: null, reason };
}

/** Retry-After as seconds or an HTTP date, from a Headers object or a plain record; capped at 5 minutes. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | null {
  let value: string | null | undefined;
  if (headers && typeof (headers as Headers).get === "function") value = (headers as Headers).get("retry-after");
  else if (headers && typeof headers === "object") {
    const record = headers as Record<string, string | undefined>;
    value = record["retry-after"] ?? record["Retry-After"];
  }
  if (!value) return null;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms) || ms < 0) return null;
  return Math.min(ms, 5 * 60_000);
}
