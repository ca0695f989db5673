// Every job: its queue's name, the zod schema of its payload (the types below are inferred from it), its retry and
// expiry policy, its dead-letter queue, and the channel that wakes the workers. The web side and the worker send jobs
// through queue.server.ts; the worker's runner checks each payload against its schema before a handler sees it.
import { z } from "zod";
import { llmJobExpirySeconds, type LlmWork } from "../utils/job-expiry";

export const QUEUES = {
  planDocument: "document.plan",
  writeSection: "section.write",
  reviewDocument: "document.review",
  assembleDocument: "document.assemble",
  exportDocument: "document.export",
  /** After the text of a delivered document changed: its content, files and edited sections' scores follow. */
  reassembleDocument: "document.reassemble",
  /** A section of a delivered document written again with the customer's instruction (kept or discarded by them). */
  regenerateSection: "section.regenerate",
  refundPayment: "payment.refund",
  sendEmail: "email.send",
  /** One event of an order POSTed, signed, to one of its customer's webhook endpoints (retried over about a day). */
  deliverWebhook: "webhook.deliver",
  /** Hourly housekeeping (old rate-limit windows). */
  maintenance: "maintenance.hourly",
  /** The scheduled backup into BACKUP_DIR (BACKUP_SCHEDULE), when BACKUP_DIR is set. */
  backup: "database.backup",
} as const;

/** NOTIFY channel that wakes workers when a job is sent (payload: the queue name). */
export const JOBS_CHANNEL = "tesigo_jobs";

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const id = () => z.guid({ error: "must be an id (a UUID)" });
const payload = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.object(
    {
      ...shape,
      /** How often this job already waited for writers resting behind open breakers (worker/provider-rest.ts). */
      restWaits: z.number({ error: "must be a whole number" }).int("must be a whole number").min(0).optional(),
    },
    { error: "must be a JSON object" },
  );
const documentJob = payload({ documentId: id() });

/** What each queue's jobs carry. A job whose payload does not match fails with the schema's message. */
export const JOB_PAYLOADS = {
  [QUEUES.planDocument]: documentJob,
  [QUEUES.writeSection]: payload({
    documentId: id(),
    sectionId: id(),
    /** Which attempt this delivery makes (1 when absent); an attempt already stored is not made again. */
    attempt: z
      .number({ error: "must be a whole number from 1" })
      .int("must be a whole number from 1")
      .min(1, "must be a whole number from 1")
      .optional(),
  }),
  [QUEUES.reviewDocument]: documentJob,
  [QUEUES.assembleDocument]: documentJob,
  [QUEUES.exportDocument]: documentJob,
  [QUEUES.reassembleDocument]: documentJob,
  [QUEUES.regenerateSection]: payload({
    regenerationId: id(),
    /** Which attempt this delivery makes (1 when absent); an attempt already stored is not made again. */
    attempt: z
      .number({ error: "must be a whole number from 1" })
      .int("must be a whole number from 1")
      .min(1, "must be a whole number from 1")
      .optional(),
  }),
  /** Refunds `amountCents` (default: all that is left) of a payment; `reason` is part of the idempotency key. */
  [QUEUES.refundPayment]: payload({
    paymentId: id(),
    reason: z.string({ error: "must name the reason" }).min(1, "must name the reason"),
    amountCents: z
      .number({ error: "must be whole cents" })
      .int("must be whole cents")
      .nonnegative("must not be negative")
      .optional(),
    documentId: id().optional(),
  }),
  [QUEUES.sendEmail]: payload({
    to: z.email({ error: "must be an email address" }),
    subject: z.string({ error: "must be text" }).min(1, "must not be empty"),
    text: z.string({ error: "must be text" }),
    html: z.string({ error: "must be text" }),
  }),
  [QUEUES.deliverWebhook]: payload({ deliveryId: id() }),
  // Sent by pg-boss' schedule, without a payload.
  [QUEUES.maintenance]: payload({}).nullish(),
  [QUEUES.backup]: payload({}).nullish(),
} satisfies Record<QueueName, z.ZodType>;

/** The payload of a job of queue `N`, as sent and as its handler receives it. */
export type JobPayload<N extends QueueName> = z.infer<(typeof JOB_PAYLOADS)[N]>;
export type PlanDocumentJob = JobPayload<typeof QUEUES.planDocument>;
export type WriteSectionJob = JobPayload<typeof QUEUES.writeSection>;
export type ReviewDocumentJob = JobPayload<typeof QUEUES.reviewDocument>;
export type AssembleDocumentJob = JobPayload<typeof QUEUES.assembleDocument>;
export type ExportDocumentJob = JobPayload<typeof QUEUES.exportDocument>;
export type ReassembleDocumentJob = JobPayload<typeof QUEUES.reassembleDocument>;
export type RegenerateSectionJob = JobPayload<typeof QUEUES.regenerateSection>;
export type RefundPaymentJob = JobPayload<typeof QUEUES.refundPayment>;
export type SendEmailJob = JobPayload<typeof QUEUES.sendEmail>;
export type DeliverWebhookJob = JobPayload<typeof QUEUES.deliverWebhook>;

export type QueuePolicy = {
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  /** A job still active this long after a worker took it is handed out again (crash recovery). */
  expireInSeconds: number;
};

/** The writer calls one delivery makes in sequence, for the queues that call writers (their expiry follows from it). */
export const LLM_WORK: Partial<Record<QueueName, LlmWork>> = {
  // The outline, then the requirements judge on it.
  [QUEUES.planDocument]: { calls: 2, streamed: false },
  // One attempt per delivery (a failed gate enqueues the next attempt), so one job is one streamed call, then the
  // citation judge on it (asked again for a malformed answer only while the job has time: the router sees to it).
  [QUEUES.writeSection]: { calls: 1, streamed: true, judged: 1 },
  // The revisions (together), their citation judges (together), then the requirements judge on the whole document.
  [QUEUES.reviewDocument]: { calls: 3, streamed: false },
  // As section.write: one attempt per delivery (a failed check enqueues the next attempt).
  [QUEUES.regenerateSection]: { calls: 1, streamed: true, judged: 1 },
};

const FIXED_POLICIES: Record<QueueName, Omit<QueuePolicy, "expireInSeconds"> & { expireInSeconds?: number }> = {
  [QUEUES.planDocument]: { retryLimit: 4, retryDelay: 5, retryBackoff: true },
  [QUEUES.writeSection]: { retryLimit: 4, retryDelay: 5, retryBackoff: true },
  [QUEUES.reviewDocument]: { retryLimit: 4, retryDelay: 5, retryBackoff: true },
  [QUEUES.assembleDocument]: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
  // 200 pages take a few seconds to render to DOCX and PDF.
  [QUEUES.exportDocument]: { retryLimit: 3, retryDelay: 10, retryBackoff: true, expireInSeconds: 300 },
  [QUEUES.reassembleDocument]: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 300 },
  [QUEUES.regenerateSection]: { retryLimit: 2, retryDelay: 5, retryBackoff: true },
  // Money: retried for about an hour (Stripe outages), never twice thanks to the idempotency key.
  [QUEUES.refundPayment]: { retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  [QUEUES.sendEmail]: { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 60 },
  // 11 attempts; retry n waits 1–2 × 2^(n-1) × the delay (pg-boss' backoff): about 24 h in all with the default 56 s
  // (WEBHOOK_RETRY_DELAY_SECONDS, which replaces this delay). A request lasts at most 10 s.
  [QUEUES.deliverWebhook]: { retryLimit: 10, retryDelay: 56, retryBackoff: true, expireInSeconds: 60 },
  [QUEUES.maintenance]: { retryLimit: 1, retryDelay: 60, retryBackoff: false, expireInSeconds: 300 },
  // A large database with its files takes minutes to write; a failed one is tried again a few minutes later.
  [QUEUES.backup]: { retryLimit: 2, retryDelay: 300, retryBackoff: false, expireInSeconds: 3600 },
};

/**
 * Every queue's policy. The expiry of a queue that calls writers follows from LLM_TIMEOUT_SECONDS (app/utils/job-expiry.ts):
 * its calls at their legal longest, its own work and the runner's margin; 305 s with the default 90 s. A job held by
 * a worker that died is handed out again after expiry + pg-boss maintenance (15 s) + retry delay (5 s).
 */
export function queuePolicies(llmTimeoutSeconds: number): Record<QueueName, QueuePolicy> {
  return Object.fromEntries(
    (Object.keys(FIXED_POLICIES) as QueueName[]).map((name) => {
      const work = LLM_WORK[name];
      const expireInSeconds = work
        ? llmJobExpirySeconds(work, llmTimeoutSeconds)
        : FIXED_POLICIES[name].expireInSeconds!;
      return [name, { ...FIXED_POLICIES[name], expireInSeconds }];
    }),
  ) as Record<QueueName, QueuePolicy>;
}

export type DeadLetterQueueName = `${QueueName}.dead`;

/** How long a dead letter stays listed for admins (/admin/jobs), handled or not, and waits in its queue for a worker. */
export const DEAD_LETTER_RETENTION_DAYS = 30;

/** Where pg-boss moves a job of `name` that exhausted its retries (it copies the payload, not the error). */
export function deadLetterQueue<N extends QueueName>(name: N): `${N}.dead` {
  return `${name}.dead`;
}

/**
 * A dead job's payload, read only for the document it concerns: the job may have died because the rest of it was
 * malformed. Its handler reads what more it needs (a refund's payment) with that queue's schema.
 */
export const DEAD_LETTER_PAYLOAD = z
  .looseObject({ documentId: id().optional() }, { error: "must be a JSON object" })
  .nullish();
export type DeadLetterPayload = z.infer<typeof DEAD_LETTER_PAYLOAD>;

/** Every queue a worker runs: the working ones and their dead-letter queues. */
export type RunnableQueueName = QueueName | DeadLetterQueueName;
export type RunnablePayload<N extends RunnableQueueName> = N extends QueueName ? JobPayload<N> : DeadLetterPayload;

export class InvalidJobPayloadError extends Error {
  override name = "InvalidJobPayloadError";
}

/** A job's payload checked against its queue's schema; a malformed one throws an error that says what is wrong. */
export function parseJobPayload<N extends RunnableQueueName>(queue: N, data: unknown): RunnablePayload<N> {
  const schema: z.ZodType = queue in JOB_PAYLOADS ? JOB_PAYLOADS[queue as QueueName] : DEAD_LETTER_PAYLOAD;
  const result = schema.safeParse(data);
  if (result.success) return result.data as RunnablePayload<N>;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "the payload"} ${issue.message}`);
  throw new InvalidJobPayloadError(`The payload of this ${queue} job is not valid: ${problems.join("; ")}.`);
}
