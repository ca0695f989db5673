// Queue names, payloads and retry policy. The web side imports names from here to send jobs.
import { llmJobExpirySeconds, type LlmWork } from "../app/utils/job-expiry";

export const QUEUES = {
  planDocument: "document.plan",
  writeSection: "section.write",
  reviewDocument: "document.review",
  assembleDocument: "document.assemble",
  exportDocument: "document.export",
  refundPayment: "payment.refund",
  sendEmail: "email.send",
  /** Hourly housekeeping (old rate-limit windows). */
  maintenance: "maintenance.hourly",
} as const;

/** NOTIFY channel that wakes workers when a job is sent (payload: the queue name). */
export const JOBS_CHANNEL = "tesigo_jobs";

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export type PlanDocumentJob = { documentId: string };
/** `attempt`: which attempt this delivery makes (1 when absent); an attempt already stored is not made again. */
export type WriteSectionJob = { documentId: string; sectionId: string; attempt?: number };
export type ReviewDocumentJob = { documentId: string };
export type AssembleDocumentJob = { documentId: string };
/** Refunds `amountCents` (default: all that is left) of a payment; `reason` is part of the idempotency key. */
export type RefundPaymentJob = { paymentId: string; reason: string; amountCents?: number; documentId?: string };
export type SendEmailJob = { to: string; subject: string; text: string; html: string };

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
  // One attempt per delivery (a failed gate enqueues the next attempt), so one job is one streamed call.
  [QUEUES.writeSection]: { calls: 1, streamed: true },
  // The revisions (together), then the requirements judge on the whole document.
  [QUEUES.reviewDocument]: { calls: 2, streamed: false },
};

const FIXED_POLICIES: Record<QueueName, Omit<QueuePolicy, "expireInSeconds"> & { expireInSeconds?: number }> = {
  [QUEUES.planDocument]: { retryLimit: 4, retryDelay: 5, retryBackoff: true },
  [QUEUES.writeSection]: { retryLimit: 4, retryDelay: 5, retryBackoff: true },
  [QUEUES.reviewDocument]: { retryLimit: 4, retryDelay: 5, retryBackoff: true },
  [QUEUES.assembleDocument]: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
  // 200 pages take a few seconds to render to DOCX and PDF.
  [QUEUES.exportDocument]: { retryLimit: 3, retryDelay: 10, retryBackoff: true, expireInSeconds: 300 },
  // Money: retried for about an hour (Stripe outages), never twice thanks to the idempotency key.
  [QUEUES.refundPayment]: { retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  [QUEUES.sendEmail]: { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 60 },
  [QUEUES.maintenance]: { retryLimit: 1, retryDelay: 60, retryBackoff: false, expireInSeconds: 300 },
};

/**
 * Every queue's policy. The expiry of a queue that calls writers follows from LLM_TIMEOUT_SECONDS (app/utils/job-expiry.ts):
 * its calls at their legal longest, its own work and the runner's margin; 215 s with the default 90 s. A job held by
 * a worker that died is handed out again after expiry + pg-boss maintenance (15 s) + retry delay (5 s).
 */
export function queuePolicies(llmTimeoutSeconds: number): Record<QueueName, QueuePolicy> {
  return Object.fromEntries(
    (Object.keys(FIXED_POLICIES) as QueueName[]).map((name) => {
      const work = LLM_WORK[name];
      const expireInSeconds = work ? llmJobExpirySeconds(work, llmTimeoutSeconds) : FIXED_POLICIES[name].expireInSeconds!;
      return [name, { ...FIXED_POLICIES[name], expireInSeconds }];
    }),
  ) as Record<QueueName, QueuePolicy>;
}

export function deadLetterQueue(name: QueueName): string {
  return `${name}.dead`;
}
