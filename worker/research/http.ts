// GET JSON from a scholarly API politely: a User-Agent with a contact address, a timeout per try, 2 retries on
// 408/429/5xx, network errors, timeouts and malformed bodies (Retry-After honoured), and a circuit breaker per provider
// kept in Postgres (worker/llm/breaker.ts), so a provider that keeps failing is skipped without a call.
import type { DbOrTrx } from "../../app/utils/db.server";
import { logger } from "../../app/utils/logger.server";
import { checkBreaker, recordBreakerFailure, recordBreakerSuccess, type BreakerState } from "../llm/breaker";
import { retryAfterMs } from "../llm/errors";
import type { ProviderName } from "./work";
import { abortableSleep } from "../sleep";

export const USER_AGENT = "TesiGo/1.0";
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Two retries: 1 s, then 3 s (unless Retry-After says otherwise). */
export const DEFAULT_RETRY_DELAYS_MS = [1000, 3000];
/** A Retry-After longer than this is not waited for: research is optional, the plan must not stall on it. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

export type HttpOptions = {
  /** Contact address for the polite pools (User-Agent, and `mailto=` where the API takes it). */
  mailto?: string;
  timeoutMs?: number;
  /** Delay before each retry; its length is the number of retries. */
  retryDelaysMs?: number[];
  maxRetryAfterMs?: number;
  /** Where the breakers live; without it no breaker is consulted (unit tests of a parser). */
  db?: DbOrTrx;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => Date;
  fetch?: typeof fetch;
};

/** A failed call after its retries; `reason` is short and safe to show to operators ("HTTP 503", "timeout"). */
export class ResearchHttpError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly reason: string,
    readonly status: number | null = null,
    readonly attempts = 1,
  ) {
    super(`${provider}: ${reason}`);
    this.name = "ResearchHttpError";
  }
}

/** The provider's breaker is open: it was not called. */
export class BreakerOpenError extends Error {
  readonly reason = "circuit open (skipped)";
  constructor(readonly provider: ProviderName) {
    super(`${provider}: circuit open (skipped)`);
    this.name = "BreakerOpenError";
  }
}

export function userAgent(mailto?: string): string {
  return mailto ? `${USER_AGENT} (mailto:${mailto})` : USER_AGENT;
}

type Failure = { retryable: boolean; retryAfterMs: number | null; status: number | null; reason: string };

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
  ) {
    super(`HTTP ${status}`);
  }
}

function classify(error: unknown): Failure {
  if (error instanceof HttpStatusError) {
    const retryable = error.status === 408 || error.status === 429 || error.status >= 500;
    return {
      retryable,
      retryAfterMs: retryAfterMs(error.headers),
      status: error.status,
      reason: `HTTP ${error.status}`,
    };
  }
  if (error instanceof SyntaxError)
    return { retryable: true, retryAfterMs: null, status: null, reason: "malformed response" };
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError") return { retryable: true, retryAfterMs: null, status: null, reason: "timeout" };
  // undici reports every network failure as `TypeError: fetch failed` with the system error as its cause.
  const detail = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
  return {
    retryable: true,
    retryAfterMs: null,
    status: null,
    reason: `network error: ${String(detail).slice(0, 160)}`,
  };
}

/**
 * GETs `url`, parses the JSON and hands it to `parse` (which throws a SyntaxError on an unexpected shape: that counts
 * as a malformed answer, retried and recorded like any failure). Each try is one call for the breaker (as in the LLM router); when the breaker opens
 * mid-way we stop retrying. An abort from the caller's `signal` is rethrown as is and never counts as a failure.
 */
export async function getJson<T>(
  provider: ProviderName,
  url: URL,
  parse: (body: unknown) => T,
  options: HttpOptions & {
    headers?: Record<string, string>;
    signal?: AbortSignal;
    /** A lookup's answer when the provider says 404: a work it does not know is an answer, not a failure. */
    onNotFound?: () => T;
  },
): Promise<T> {
  const {
    db,
    signal,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    retryDelaysMs = DEFAULT_RETRY_DELAYS_MS,
    maxRetryAfterMs = DEFAULT_MAX_RETRY_AFTER_MS,
    sleep = abortableSleep,
    now = () => new Date(),
    fetch: fetchImpl = fetch,
  } = options;
  // The breaker's state as last seen: a success changes only a half-open breaker, so after a closed one (the common
  // case) nothing more is read or written (as in the LLM router).
  let seen: BreakerState = "closed";
  if (db) {
    const check = await checkBreaker(db, provider, { now: now() });
    if (!check.allowed) throw new BreakerOpenError(provider);
    seen = check.state;
  }
  const headers = { accept: "application/json", "user-agent": userAgent(options.mailto), ...options.headers };

  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      const response = await fetchImpl(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      if (response.status === 404 && options.onNotFound) {
        await response.body?.cancel().catch(() => undefined);
        if (db && seen !== "closed") await recordBreakerSuccess(db, provider, { now: now() });
        return options.onNotFound();
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new HttpStatusError(response.status, response.headers);
      }
      const body = parse(JSON.parse(await response.text()));
      if (db && seen !== "closed") await recordBreakerSuccess(db, provider, { now: now() });
      return body;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const failure = classify(error);
      const state = db ? await recordBreakerFailure(db, provider, { now: now(), error: failure.reason }) : "closed";
      seen = state;
      logger.warn(
        { provider, url: redact(url), attempt: attempt + 1, reason: failure.reason, breaker: state },
        "source provider call failed",
      );
      const wait = failure.retryAfterMs ?? retryDelaysMs[attempt];
      if (!failure.retryable || attempt >= retryDelaysMs.length || state === "open" || wait > maxRetryAfterMs) {
        throw new ResearchHttpError(provider, failure.reason, failure.status, attempt + 1);
      }
      await sleep(wait, signal);
    }
  }
}

/** The URL without keys or contact addresses, for logs. */
function redact(url: URL): string {
  const copy = new URL(url);
  for (const name of ["mailto", "api_key"]) if (copy.searchParams.has(name)) copy.searchParams.set(name, "…");
  return copy.toString();
}

/** Base URL + path, keeping any path prefix the base already has ("http://127.0.0.1:4000/openalex" + "/works"). */
export function endpoint(base: string, path: string, params: Record<string, string | number | undefined>): URL {
  const url = new URL(base.replace(/\/+$/, "") + path);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
  return url;
}

/** A DOI as a URL path: each part encoded, its slashes kept (both indexes route /works/10.x/y). */
export function doiPath(doi: string): string {
  return doi.split("/").map(encodeURIComponent).join("/");
}

export type ClientOptions = HttpOptions & {
  /** Defaults to the real API; tests point it at tests/fakes/scholarly.ts. */
  baseUrl?: string;
  /** OpenAlex `api_key` parameter; Semantic Scholar `x-api-key` header. Crossref needs none. */
  apiKey?: string;
};
