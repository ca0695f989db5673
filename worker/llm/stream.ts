// Streamed answers: the SDKs' timeouts end when the answer begins, so a stream that stalls is ended here; a stream cut
// off is an incomplete answer; the SDKs' own log lines go to ours.
import { logger } from "../../app/utils/logger.server";
import { IncompleteAnswerError } from "./errors";

export type IdleWatch = {
  /** A piece of the answer arrived: the timeout starts again. */
  touch(): void;
  /** Why the watch stopped the answer (null: it did not). */
  reason(): string | null;
  clear(): void;
};

/**
 * Watches an answer that has begun to stream: after `timeoutMs` without a piece, or once `endBy` (epoch ms: the call's
 * start + its limit in all) has come, `stop` is called (it aborts the stream). One timer per call, not one per piece:
 * when it fires early (pieces came meanwhile) it waits for the rest. The call's own signal is not involved, so a
 * streamed request costs what one in one piece does.
 */
export function watchIdle(timeoutMs: number, stop: () => void, endBy = Number.POSITIVE_INFINITY): IdleWatch {
  let why: string | null = null;
  let lastAt = Date.now();
  const check = () => {
    const now = Date.now();
    const quiet = now - lastAt;
    if (now >= endBy) why = "the answer went on too long: still not finished at a streamed answer's limit in all";
    else if (quiet >= timeoutMs) why = `the answer stalled: no text for ${Math.round(timeoutMs / 1000)} s`;
    if (why) return stop();
    timer = setTimeout(check, Math.min(timeoutMs - quiet, endBy - now)).unref();
  };
  let timer = setTimeout(check, Math.min(timeoutMs, endBy - lastAt)).unref();
  return {
    touch: () => {
      lastAt = Date.now();
    },
    reason: () => why,
    clear: () => clearTimeout(timer),
  };
}

/**
 * What a streamed call's failure means: a body cut off mid-way (undici's `TypeError: terminated`) is an incomplete
 * answer, retried; anything else is as the SDK threw it.
 */
export function streamFailure(error: unknown): unknown {
  if (error instanceof TypeError && error.message === "terminated") {
    return new IncompleteAnswerError("the connection was cut in the middle of the answer", { cause: error });
  }
  return error;
}

/**
 * The SDKs' own messages in the worker's log instead of on the console. Their errors (a stream event that is not JSON,
 * say) go with the failure the router logs itself, so they are kept at debug level; warnings stay warnings.
 */
const details = (rest: unknown[]) => ({ sdk: rest.map(String).join(" ").slice(0, 500) });
export const sdkLogger = {
  error: (message: string, ...rest: unknown[]) => logger.debug(details(rest), message),
  warn: (message: string, ...rest: unknown[]) => logger.warn(details(rest), message),
  info: (message: string, ...rest: unknown[]) => logger.info(details(rest), message),
  debug: (message: string, ...rest: unknown[]) => logger.debug(details(rest), message),
};
