// How long a job may run, derived from how long its writer calls may legally run (LLM_TIMEOUT_SECONDS), so pg-boss
// never hands a job to another worker, and the runner never aborts it, while one of its calls is still within limits.
// Shared by the env check (app), the queue policies and the router (worker).

/** A streamed answer may go LLM_TIMEOUT_SECONDS without text, and take at most this many times that in all. */
export const STREAMED_ANSWER_FACTOR = 2;
/** The runner aborts a job this long before pg-boss would expire it, so the job is failed (and retried) by us. */
export const EXPIRY_MARGIN_SECONDS = 5;
/** What a delivery does besides its calls (loading, the quality gates, saving), with room for a quick retry. */
export const JOB_WORK_SECONDS = 30;
/** The least room for that work an expiry set by hand (QUEUE_EXPIRE_SECONDS, tests of crash recovery) must leave. */
export const MINIMUM_JOB_WORK_SECONDS = 5;

/**
 * The writer calls one delivery of a queue makes one after another (calls made together count once); `judged`: calls
 * in one piece that follow them (the citation judge after a streamed section).
 */
export type LlmWork = { calls: number; streamed: boolean; judged?: number };

/** The longest one call may legally run: in one piece, the timeout; streamed, the factor times it. */
export function callLimitSeconds(llmTimeoutSeconds: number, streamed: boolean): number {
  return streamed ? STREAMED_ANSWER_FACTOR * llmTimeoutSeconds : llmTimeoutSeconds;
}

/** The calls of one delivery, each at its legal longest. */
export function llmWorkSeconds(work: LlmWork, llmTimeoutSeconds: number): number {
  return (
    work.calls * callLimitSeconds(llmTimeoutSeconds, work.streamed) +
    (work.judged ?? 0) * callLimitSeconds(llmTimeoutSeconds, false)
  );
}

/** A queue's expiry: its calls at their longest, its own work, and the runner's margin. */
export function llmJobExpirySeconds(work: LlmWork, llmTimeoutSeconds: number): number {
  return llmWorkSeconds(work, llmTimeoutSeconds) + JOB_WORK_SECONDS + EXPIRY_MARGIN_SECONDS;
}

/**
 * The heaviest deliveries (app/jobs/definitions.ts declares each queue's): the review makes three calls in one piece
 * one after the other (revisions, their citation judges, the requirements judge), a section one streamed call and
 * the citation judge.
 */
export const HEAVIEST_LLM_WORK: readonly LlmWork[] = [
  { calls: 3, streamed: false },
  { calls: 1, streamed: true, judged: 1 },
];

/** The shortest expiry (QUEUE_EXPIRE_SECONDS) under which no job is cut off while its calls may still legally run. */
export function minimumExpirySeconds(llmTimeoutSeconds: number): number {
  return (
    Math.max(...HEAVIEST_LLM_WORK.map((work) => llmWorkSeconds(work, llmTimeoutSeconds))) +
    MINIMUM_JOB_WORK_SECONDS +
    EXPIRY_MARGIN_SECONDS
  );
}
