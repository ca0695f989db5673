// Queue names, payloads and retry policy. The web side imports names from here to send jobs.
export const QUEUES = {
  planDocument: "document.plan",
  writeSection: "section.write",
  assembleDocument: "document.assemble",
  refundPayment: "payment.refund",
  sendEmail: "email.send",
  /** Hourly housekeeping (old rate-limit windows). */
  maintenance: "maintenance.hourly",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export type PlanDocumentJob = { documentId: string };
export type WriteSectionJob = { documentId: string; sectionId: string };
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

export const QUEUE_POLICIES: Record<QueueName, QueuePolicy> = {
  [QUEUES.planDocument]: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 180 },
  [QUEUES.writeSection]: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 180 },
  [QUEUES.assembleDocument]: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
  // Money: retried for about an hour (Stripe outages), never twice thanks to the idempotency key.
  [QUEUES.refundPayment]: { retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  [QUEUES.sendEmail]: { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 60 },
  [QUEUES.maintenance]: { retryLimit: 1, retryDelay: 60, retryBackoff: false, expireInSeconds: 300 },
};

export function deadLetterQueue(name: QueueName): string {
  return `${name}.dead`;
}
