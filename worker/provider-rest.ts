// A job whose every writer rests behind an open circuit breaker waits for the first to reopen, as a new job with the
// same payload, instead of spending one of its tries: a provider outage delays orders rather than refunding them.
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { ProvidersRestingError } from "./llm/provider";

/** How many times one job waits for resting writers (each wait: until a breaker turns half-open, ~1 min) before its errors count as usual. */
export const MAX_REST_WAITS = 60;
/** Jobs waiting for the same breaker start spread over this long, not all at the instant it turns half-open. */
const SPREAD_MS = 5000;

/**
 * Sends the job again to start when the writers may be asked again, and completes this delivery; false when the job
 * must fail as usual (not a rest, waited too often already, or the queue could not take the new job).
 */
export async function waitForRestingProviders(
  boss: PgBoss,
  queue: string,
  job: PgBoss.JobWithMetadata<any>,
  error: unknown,
  log: Logger,
  random: () => number = Math.random,
): Promise<boolean> {
  if (!(error instanceof ProvidersRestingError)) return false;
  const waits = Number(job.data?.restWaits ?? 0);
  if (waits >= MAX_REST_WAITS) return false;
  const startAfter = new Date(Math.max(error.until.getTime(), Date.now()) + Math.round(SPREAD_MS * random()));
  try {
    await boss.send(queue, { ...job.data, restWaits: waits + 1 }, { startAfter });
    await boss.complete(queue, job.id);
  } catch (failure) {
    log.warn({ err: failure, queue, jobId: job.id }, "could not make the job wait for its writers; it fails as usual");
    return false;
  }
  log.info({ queue, jobId: job.id, until: startAfter, waits: waits + 1 }, "every writer rests: the job waits for them");
  return true;
}
