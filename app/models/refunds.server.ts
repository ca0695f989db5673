import { sql } from "kysely";
import type { Refund } from "../../db/schema";
import type { Db, DbOrTrx } from "../utils/db.server";
import { QUEUES, type RefundPaymentJob } from "../jobs/definitions";
import { sendJob } from "../jobs/queue.server";
import { recordIncident, type NewIncident } from "./incidents.server";
import { lockPayment } from "./payments.server";

/** The reason of a refund an admin made: the form's one-time id makes it, so the same form submitted twice refunds once. */
export function adminRefundReason(requestId: string): string {
  return `${ADMIN_REFUND_PREFIX}${requestId}`;
}
const ADMIN_REFUND_PREFIX = "support:";

/** A refund reason as the customer reads it ("support" for an admin's refund, whose id means nothing to them). */
export function refundReasonLabel(reason: string): string {
  return reason.startsWith(ADMIN_REFUND_PREFIX) ? "support" : reason.replaceAll("_", " ");
}

/** Stripe's idempotency key, and our refund row's: made of payment and reason, so a reason refunds a payment once. */
export function refundIdempotencyKey(paymentId: string, reason: string): string {
  return `refund:${paymentId}:${reason}`;
}

/**
 * The refund row of this request, made on its first run under the payment's lock: its amount is what is asked, at most
 * what was paid minus what is refunded or being refunded already, so refunds for different reasons never add up to
 * more than was paid. Undefined when nothing is left to refund.
 */
export async function reserveRefund(db: Db, request: RefundPaymentJob): Promise<Refund | undefined> {
  return db.transaction().execute(async (trx) => {
    const locked = await lockPayment(trx, request.paymentId);
    if (!locked) return undefined;
    const key = refundIdempotencyKey(request.paymentId, request.reason);
    const existing = await trx.selectFrom("refunds").selectAll().where("idempotency_key", "=", key).executeTakeFirst();
    if (existing) return existing;
    const amount = await refundableAmount(trx, locked.payment, request.amountCents);
    if (amount <= 0) return undefined;
    return trx
      .insertInto("refunds")
      .values({ payment_id: request.paymentId, amount_cents: amount, reason: request.reason, idempotency_key: key })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** What is left to refund of a payment: paid, less refunded, less refunds pending or failed (waiting for an admin). */
export async function refundableAmount(
  trx: DbOrTrx,
  payment: { id: string; status: string; amount_cents: number; refunded_cents: number },
  asked: number | undefined,
): Promise<number> {
  if (payment.status !== "succeeded" && payment.status !== "partially_refunded") return 0;
  const underway = await trx
    .selectFrom("refunds")
    .select(sql<number>`coalesce(sum(amount_cents), 0)::int`.as("cents"))
    .where("payment_id", "=", payment.id)
    .where("status", "in", ["pending", "failed"])
    .executeTakeFirstOrThrow();
  const left = payment.amount_cents - payment.refunded_cents - underway.cents;
  return Math.min(asked ?? left, left);
}

/** A refund attempt failed (it is retried): the error is kept on the row for whoever looks at it. */
export async function noteRefundError(db: DbOrTrx, refundId: string, error: string): Promise<void> {
  await db
    .updateTable("refunds")
    .set({ last_error: error.slice(0, 2000), updated_at: sql`now()` })
    .where("id", "=", refundId)
    .where("status", "=", "pending")
    .execute();
}

/**
 * A refund job gave up (its dead-letter queue): the refund row (made now if the job died before making it) becomes
 * `failed` with the error, and an open incident points at it, until an admin retries it (retryFailedRefund).
 */
export async function markRefundFailed(
  db: Db,
  request: RefundPaymentJob,
  error: string | null,
): Promise<Refund | undefined> {
  return db.transaction().execute(async (trx) => {
    const locked = await lockPayment(trx, request.paymentId);
    if (!locked) return undefined;
    const key = refundIdempotencyKey(request.paymentId, request.reason);
    let refund = await trx.selectFrom("refunds").selectAll().where("idempotency_key", "=", key).executeTakeFirst();
    if (refund?.status === "succeeded") return refund;
    const lastError = (error ?? refund?.last_error ?? "the refund job failed for good").slice(0, 2000);
    if (refund) {
      refund = await trx
        .updateTable("refunds")
        .set({ status: "failed", last_error: lastError, updated_at: sql`now()` })
        .where("id", "=", refund.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } else {
      const amount = await refundableAmount(trx, locked.payment, request.amountCents);
      if (amount <= 0) return undefined;
      refund = await trx
        .insertInto("refunds")
        .values({
          payment_id: request.paymentId,
          amount_cents: amount,
          reason: request.reason,
          idempotency_key: key,
          status: "failed",
          last_error: lastError,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const incident: NewIncident = {
      kind: "refund_failed",
      summary: `A refund of ${refund.amount_cents} ${locked.payment.currency} (${request.reason}) failed for good: ${lastError}`,
      documentId: locked.document.id,
      paymentId: request.paymentId,
      refundId: refund.id,
      details: { reason: request.reason, amountCents: refund.amount_cents, error: lastError },
    };
    await recordIncident(trx, incident);
    return refund;
  });
}

/** Refunds that failed for good, oldest first, with what an admin needs to judge them. */
export function listFailedRefunds(db: DbOrTrx) {
  return db
    .selectFrom("refunds")
    .innerJoin("payments", "payments.id", "refunds.payment_id")
    .innerJoin("documents", "documents.id", "payments.document_id")
    .innerJoin("users", "users.id", "payments.user_id")
    .select([
      "refunds.id",
      "refunds.payment_id",
      "refunds.amount_cents",
      "refunds.reason",
      "refunds.last_error",
      "refunds.created_at",
      "refunds.updated_at",
      "payments.currency",
      "payments.provider",
      "payments.document_id",
      "documents.topic",
      "users.email as customer_email",
    ])
    .where("refunds.status", "=", "failed")
    .orderBy("refunds.created_at")
    .orderBy("refunds.id")
    .execute();
}

/**
 * An admin retries a failed refund: it becomes pending again and its job is sent, in one transaction, with the same
 * reason (so the same idempotency key: Stripe cannot pay it out twice); its incident is resolved and the retry audited.
 * Returns false when the refund is not (or no longer) failed.
 */
export async function retryFailedRefund(db: Db, refundId: string, adminUserId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const refund = await requeueFailedRefund(trx, refundId, adminUserId);
    if (!refund) return false;
    await trx
      .insertInto("audit_log")
      .values({
        actor_user_id: adminUserId,
        action: "refund.retried",
        target_type: "refund",
        target_id: refundId,
        details: JSON.stringify({ lastError: refund.last_error }),
      })
      .execute();
    return true;
  });
}

/**
 * The failed refund made pending again, its job sent and its incident resolved, in the caller's transaction (which
 * audits it); undefined when the refund is not (or no longer) failed.
 */
export async function requeueFailedRefund(
  trx: DbOrTrx,
  refundId: string,
  adminUserId: string,
): Promise<(Refund & { jobId: string | null }) | undefined> {
  const refund = await trx
    .updateTable("refunds")
    .set({ status: "pending", updated_at: sql`now()` })
    .where("id", "=", refundId)
    .where("status", "=", "failed")
    .returningAll()
    .executeTakeFirst();
  if (!refund) return undefined;
  const payment = await trx
    .selectFrom("payments")
    .select("document_id")
    .where("id", "=", refund.payment_id)
    .executeTakeFirstOrThrow();
  const jobId = await sendJob(trx, QUEUES.refundPayment, {
    paymentId: refund.payment_id,
    reason: refund.reason,
    amountCents: refund.amount_cents,
    documentId: payment.document_id,
  });
  await trx
    .updateTable("incidents")
    .set({ resolved_at: sql`now()`, resolved_by: adminUserId })
    .where("refund_id", "=", refundId)
    .where("resolved_at", "is", null)
    .execute();
  return { ...refund, jobId };
}
