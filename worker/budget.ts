import { sql } from "kysely";
import { sendJob } from "../app/jobs/queue.server";
import type { PipelineContext } from "./context";
import { notifyDocumentEvent } from "../app/utils/document-events.server";
import { checkDailyBudget, type BudgetCheck } from "./llm/usage";
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
  return checkDailyBudget(ctx.db, userId, { global: ctx.dailyTokenLimit ?? 0, perUser: ctx.dailyTokenLimitPerUser ?? 0 });
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
    await trx
      .updateTable("documents")
      .set({ progress_stage: "waiting_for_budget", eta_seconds: null, updated_at: sql`now()` })
      .where("id", "=", job.documentId)
      .where("status", "in", ["queued", "generating"])
      .execute();
    const doc = await trx.selectFrom("documents").select(["status", "progress_percent", "current_section", "total_sections"]).where("id", "=", job.documentId).executeTakeFirst();
    if (doc) {
      await notifyDocumentEvent(trx, job.documentId, {
        type: "progress",
        percent: doc.progress_percent,
        stage: "waiting_for_budget",
        currentSection: doc.current_section,
        totalSections: doc.total_sections,
        etaSeconds: null,
        status: doc.status,
      });
    }
  });
  ctx.log.info({ documentId: job.documentId, queue, reason: check.reason, resumeAt: check.resumeAt }, "daily token limit reached; job deferred");
}
