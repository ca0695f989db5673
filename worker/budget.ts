import { sendJob } from "../app/jobs/queue.server";
import type { PipelineContext } from "./context";
import { checkDailyBudget, type BudgetCheck } from "./llm/usage";
import { setStage } from "../app/models/document-progress.server";
import type { JobPayload, QueueName } from "../app/jobs/definitions";

/** A job about one document, put back as it came. */
type DocumentJob<N extends QueueName> = NonNullable<JobPayload<N>> & { documentId: string };

/**
 * Before an LLM call: when a daily token limit is reached, the job is put back to start at midnight UTC, and the
 * document says why it waits. Returns true when the caller may go on.
 */
export async function waitIfOverBudget<N extends QueueName>(
  ctx: PipelineContext,
  queue: N,
  job: DocumentJob<N>,
  userId: string,
): Promise<boolean> {
  const check = await budgetFor(ctx, userId);
  if (check.allowed) return true;
  await deferForBudget(ctx, queue, job, check);
  return false;
}

/** The daily token limits' verdict for `userId` now. */
export function budgetFor(ctx: PipelineContext, userId: string): Promise<BudgetCheck> {
  return checkDailyBudget(ctx.db, userId, {
    global: ctx.dailyTokenLimit ?? 0,
    perUser: ctx.dailyTokenLimitPerUser ?? 0,
  });
}

/** A job over the daily limit goes back to start at midnight UTC (`check.resumeAt`); its document says why it waits. */
export async function deferForBudget<N extends QueueName>(
  ctx: PipelineContext,
  queue: N,
  job: DocumentJob<N>,
  check: Extract<BudgetCheck, { allowed: false }>,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await sendJob(trx, queue, job, { startAfter: check.resumeAt });
    await setStage(trx, job.documentId, "waiting_for_budget", { from: { status: ["queued", "generating"] } });
  });
  ctx.log.info(
    { documentId: job.documentId, queue, reason: check.reason, resumeAt: check.resumeAt },
    "daily token limit reached; job deferred",
  );
}
