import path from "node:path";
import type PgBoss from "pg-boss";
import type { Db } from "../app/utils/db.server";
import { getEnv, type Env } from "../app/utils/env.server";
import { logger } from "../app/utils/logger.server";
import { ensureQueues } from "../app/jobs/queue.server";
import { pruneDeadLetters } from "../app/models/dead-letters.server";
import { pruneIdempotencyKeys } from "../app/models/idempotency-keys.server";
import { pruneRateLimits } from "../app/models/rate-limits.server";
import { pruneDocumentVersions } from "../app/models/document-versions.server";
import { pruneSignInCodes } from "../app/models/sign-in-codes.server";
import { deleteStaleDraftUploads } from "../app/models/stale-uploads.server";
import type { PipelineContext } from "./context";
import { writeScheduledBackup } from "./jobs/backup";
import { handleDeadLetter } from "./jobs/dead-letters";
import { refundPayment } from "./jobs/refund-payment";
import { rehashStaleShingles } from "./jobs/rehash-shingles";
import { sendEmailJob } from "./jobs/send-email";
import { deliverWebhook } from "./jobs/deliver-webhook";
import { LlmRouter, buildProviderChain } from "./llm/router";
import { assembleDocument, exportDocument } from "./pipeline/assemble";
import { pausingOnRefusedKey } from "./pipeline/paused-for-key";
import { planDocument } from "./pipeline/plan";
import { reassembleDocument } from "./pipeline/reassemble";
import { regenerateSection } from "./pipeline/regenerate-section";
import { reviewDocument } from "./pipeline/review";
import { writeSection } from "./pipeline/write-section";
import { QUEUES, deadLetterQueue, type QueueName } from "../app/jobs/definitions";
import { researchConfigFromEnv } from "./research";
import { fullTextConfigFromEnv } from "./research/full-text";
import { QueueRunner } from "./runner";
import { startHeartbeats } from "./heartbeat";
import { createPipelineMachinery } from "./machinery";
import { createGates, qualityConfig } from "./quality/registry";

/** Dead letters are rare and not urgent to the second: their queues look less often than the working ones. */
const DEAD_LETTER_POLL_MS = 5000;

export function parseConcurrency(value: string): number | Record<string, number> {
  if (/^\d+$/.test(value)) return Number(value);
  return Object.fromEntries(
    value
      .split(",")
      .map((pair) => pair.split("="))
      .map(([k, v]) => [k, Number(v)]),
  );
}

export function createPipelineContext(db: Db, env: Env): PipelineContext {
  // The worker's caches and gathered statements, shared by its handlers and its gates.
  const machinery = createPipelineMachinery();
  return {
    db,
    router: new LlmRouter(buildProviderChain(env), { db, concurrency: parseConcurrency(env.PROVIDER_CONCURRENCY) }),
    log: logger.child({ role: "worker" }),
    sectionConcurrency: env.SECTION_CONCURRENCY,
    completionThreshold: env.PARTIAL_COMPLETION_THRESHOLD,
    maxContextSections: env.QUALITY_GATES_MAX_CONTEXT_SECTIONS,
    dailyTokenLimit: env.DAILY_TOKEN_LIMIT,
    dailyTokenLimitPerUser: env.DAILY_TOKEN_LIMIT_PER_USER,
    research: { ...researchConfigFromEnv(env), db },
    fullText: fullTextConfigFromEnv(env),
    gates: createGates(qualityConfig(env), machinery),
    machinery,
  };
}

/** Registers every handler with the runner; pg-boss hands each job to exactly one worker. Returns the runner to stop. */
export async function startWorker(
  boss: PgBoss,
  ctx: PipelineContext,
  options: { connectionString: string; expireSeconds?: number; llmTimeoutSeconds?: number },
): Promise<QueueRunner> {
  await ensureQueues(boss, { expireSeconds: options.expireSeconds, llmTimeoutSeconds: options.llmTimeoutSeconds });
  const runner = new QueueRunner(boss, options.connectionString, ctx.log);
  runner.register(
    QUEUES.planDocument,
    pausingOnRefusedKey(ctx, (job, run) => planDocument(ctx, job, run)),
    2,
  );
  runner.register(
    QUEUES.writeSection,
    pausingOnRefusedKey(ctx, (job, run) => writeSection(ctx, job, run)),
    ctx.sectionConcurrency,
  );
  runner.register(
    QUEUES.reviewDocument,
    pausingOnRefusedKey(ctx, async (job, run) => {
      // The text is assembled by the job that reviewed it: no queue hop between the two (the queued assembly waits
      // as a safety net). Its failure leaves that job to retry.
      const review = await reviewDocument(ctx, job, { assembleHere: true, signal: run.signal });
      if (review.assemble) {
        await assembleDocument(ctx, job, review).catch((error) =>
          ctx.log.warn(
            { documentId: job.documentId, err: error instanceof Error ? error.message : String(error) },
            "assembly failed; the queued assembly retries it",
          ),
        );
      }
    }),
    2,
  );
  runner.register(QUEUES.regenerateSection, (job, run) => regenerateSection(ctx, job, run), 2);
  runner.register(QUEUES.assembleDocument, (job) => assembleDocument(ctx, job), 2);
  runner.register(QUEUES.exportDocument, (job) => exportDocument(ctx, job), 1);
  runner.register(QUEUES.reassembleDocument, (job) => reassembleDocument(ctx, job), 1);
  runner.register(QUEUES.refundPayment, (job) => refundPayment(ctx, job), 2);
  runner.register(QUEUES.sendEmail, (email) => sendEmailJob(ctx, email), 2);
  runner.register(QUEUES.deliverWebhook, (job, run) => deliverWebhook(ctx, job, run), 4);
  runner.register(QUEUES.maintenance, async () => {
    const pruned = await pruneRateLimits(ctx.db);
    const signInCodes = await pruneSignInCodes(ctx.db);
    const draftFilesDeleted = await deleteStaleDraftUploads(ctx.db);
    const shingles = await rehashStaleShingles(ctx.db);
    const deadLetters = await pruneDeadLetters(ctx.db);
    const versions = await pruneDocumentVersions(ctx.db);
    const idempotencyKeys = await pruneIdempotencyKeys(ctx.db);
    ctx.log.info(
      { pruned, signInCodes, draftFilesDeleted, shingles, deadLetters, versions, idempotencyKeys },
      "hourly maintenance done",
    );
  });
  for (const name of Object.values(QUEUES) as QueueName[]) {
    // pg-boss moves a job there itself, without our NOTIFY: found by the queue's poll, a few seconds at most.
    runner.register(deadLetterQueue(name), (data, run) => handleDeadLetter(ctx, name, data, run.id), 1, {
      idlePollMs: DEAD_LETTER_POLL_MS,
    });
  }
  await boss.schedule(QUEUES.maintenance, "17 * * * *");
  const env = getEnv();
  if (env.BACKUP_DIR) {
    const settings = {
      connectionString: options.connectionString,
      dir: path.resolve(env.BACKUP_DIR),
      keep: env.BACKUP_KEEP,
      files: env.S3_URL ? ("s3" as const) : ("postgres" as const),
    };
    runner.register(QUEUES.backup, async () => void (await writeScheduledBackup(settings, ctx.log)), 1);
    await boss.schedule(QUEUES.backup, env.BACKUP_SCHEDULE);
  } else {
    // Without BACKUP_DIR nothing is scheduled (a schedule of an earlier configuration is taken back).
    await boss.unschedule(QUEUES.backup);
  }
  await runner.start();
  // While a document generates, its room hears a heartbeat every 10 s.
  const heartbeats = startHeartbeats(ctx.db, ctx.log);
  runner.onStop({ before: () => heartbeats.stop(), after: () => ctx.machinery.close() });
  ctx.log.info({ writers: ctx.router.describe(), sectionConcurrency: ctx.sectionConcurrency }, "worker started");
  return runner;
}
