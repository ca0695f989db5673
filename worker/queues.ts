// Queue names, payloads and retry policy. The web side imports names from here to send jobs.
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

// Expiries: one LLM call (LLM_TIMEOUT_SECONDS, 90 s by default) plus its retries fits; a job held by a worker that
// died is handed out again after expiry + pg-boss maintenance (15 s) + retry delay (5 s): under 3 minutes.
export const QUEUE_POLICIES: Record<QueueName, QueuePolicy> = {
  [QUEUES.planDocument]: { retryLimit: 4, retryDelay: 5, retryBackoff: true, expireInSeconds: 150 },
  // One attempt per delivery (a failed gate enqueues the next attempt), so one job is one call.
  [QUEUES.writeSection]: { retryLimit: 4, retryDelay: 5, retryBackoff: true, expireInSeconds: 150 },
  [QUEUES.reviewDocument]: { retryLimit: 4, retryDelay: 5, retryBackoff: true, expireInSeconds: 150 },
  [QUEUES.assembleDocument]: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
  // 200 pages take a few seconds to render to DOCX and PDF.
  [QUEUES.exportDocument]: { retryLimit: 3, retryDelay: 10, retryBackoff: true, expireInSeconds: 300 },
  // Money: retried for about an hour (Stripe outages), never twice thanks to the idempotency key.
  [QUEUES.refundPayment]: { retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  [QUEUES.sendEmail]: { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 60 },
  [QUEUES.maintenance]: { retryLimit: 1, retryDelay: 60, retryBackoff: false, expireInSeconds: 300 },
};

export function deadLetterQueue(name: QueueName): string {
  return `${name}.dead`;
}
