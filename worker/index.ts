import type PgBoss from "pg-boss";
import type { Db } from "../app/utils/db.server";
import type { Env } from "../app/utils/env.server";
import { logger } from "../app/utils/logger.server";
import { ensureQueues } from "../app/utils/queue.server";
import type { PipelineContext } from "./context";
import { LlmRouter, buildProviderChain } from "./llm/router";
import { assembleDocument, failDocumentFromDeadLetter } from "./pipeline/assemble";
import { planDocument } from "./pipeline/plan";
import { writeSection } from "./pipeline/write-section";
import { refundPayment } from "./jobs/refund-payment";
import { sendEmailJob } from "./jobs/send-email";
import { pruneRateLimits } from "../app/utils/rate-limit.server";
import { QUEUES, deadLetterQueue, type QueueName } from "./queues";

const POLL_SECONDS = 0.5;

export function createPipelineContext(db: Db, env: Env): PipelineContext {
  return {
    db,
    router: new LlmRouter(buildProviderChain(env)),
    log: logger.child({ role: "worker" }),
    sectionConcurrency: env.SECTION_CONCURRENCY,
    completionThreshold: env.PARTIAL_COMPLETION_THRESHOLD,
  };
}

/** Registers every pipeline handler with pg-boss; pg-boss hands each job to exactly one worker. */
export async function startWorker(boss: PgBoss, ctx: PipelineContext): Promise<void> {
  await ensureQueues(boss);
  const handle = <T>(name: QueueName, handler: (ctx: PipelineContext, data: T) => Promise<void>, copies = 1) =>
    Promise.all(
      Array.from({ length: copies }, () =>
        boss.work<T>(name, { batchSize: 1, pollingIntervalSeconds: POLL_SECONDS }, async ([job]) => {
          await handler(ctx, job.data);
        }),
      ),
    );
  await handle(QUEUES.planDocument, planDocument, 2);
  await handle(QUEUES.writeSection, writeSection, ctx.sectionConcurrency);
  await handle(QUEUES.assembleDocument, assembleDocument, 2);
  await handle(QUEUES.refundPayment, refundPayment, 1);
  await handle(QUEUES.sendEmail, sendEmailJob, 2);
  await handle(QUEUES.maintenance, async (c) => {
    const pruned = await pruneRateLimits(c.db);
    c.log.info({ pruned }, "hourly maintenance done");
  });
  await boss.schedule(QUEUES.maintenance, "17 * * * *");
  for (const name of Object.values(QUEUES) as QueueName[]) {
    await boss.work<{ documentId?: string }>(deadLetterQueue(name), { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
      if (job.data?.documentId) await failDocumentFromDeadLetter(ctx, job.data.documentId, name);
    });
  }
  ctx.log.info(
    { writers: ctx.router.describe(), sectionConcurrency: ctx.sectionConcurrency },
    "worker started",
  );
}
