import { sql } from "kysely";
import { addRefundedAmount, getPayment } from "../../app/models/payments.server";
import { refundProcessedEmail } from "../../app/utils/email-templates.server";
import { getEnv } from "../../app/utils/env.server";
import { sendJob } from "../../app/utils/queue.server";
import { getStripe } from "../../app/utils/stripe.server";
import type { PipelineContext } from "../context";
import { QUEUES, type RefundPaymentJob } from "../queues";

const REASONS: Record<string, string> = {
  quality_threshold: "We could not write your document to our quality standard. We are sorry.",
  duplicate_payment: "This order had already been paid.",
  customer_request: "You asked for a refund.",
};

export function refundIdempotencyKey(paymentId: string, reason: string): string {
  return `refund:${paymentId}:${reason}`;
}

/**
 * payment.refund: gives money back through Stripe with an idempotency key derived from payment and reason, so a
 * retried or duplicated job never refunds twice. Dev payments are recorded without Stripe.
 */
export async function refundPayment(ctx: PipelineContext, job: RefundPaymentJob): Promise<void> {
  const { db, log } = ctx;
  const payment = await getPayment(db, job.paymentId);
  if (!payment || !["succeeded", "partially_refunded"].includes(payment.status)) {
    log.info({ paymentId: job.paymentId, status: payment?.status }, "refund skipped: nothing refundable");
    return;
  }
  const key = refundIdempotencyKey(payment.id, job.reason);
  let refund = await db.selectFrom("refunds").selectAll().where("idempotency_key", "=", key).executeTakeFirst();
  if (refund?.status === "succeeded") return;
  if (!refund) {
    const remaining = payment.amount_cents - payment.refunded_cents;
    const amount = Math.min(job.amountCents ?? remaining, remaining);
    if (amount <= 0) return;
    await db
      .insertInto("refunds")
      .values({ payment_id: payment.id, amount_cents: amount, reason: job.reason, idempotency_key: key })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .execute();
    refund = await db.selectFrom("refunds").selectAll().where("idempotency_key", "=", key).executeTakeFirstOrThrow();
  }

  let stripeRefundId: string | null = null;
  if (payment.provider === "stripe") {
    const stripe = await getStripe();
    if (!stripe) throw new Error("A Stripe payment cannot be refunded: STRIPE_SECRET_KEY is not set");
    if (!payment.stripe_payment_intent_id) throw new Error(`Payment ${payment.id} has no payment intent to refund`);
    const created = await stripe.refunds.create(
      { payment_intent: payment.stripe_payment_intent_id, amount: refund.amount_cents, metadata: { paymentId: payment.id, reason: job.reason } },
      { idempotencyKey: key },
    );
    stripeRefundId = created.id;
  }

  await db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable("refunds")
      .set({ status: "succeeded", stripe_refund_id: stripeRefundId, updated_at: sql`now()` })
      .where("id", "=", refund!.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) return;
    await addRefundedAmount(trx, payment.id, refund!.amount_cents);
    const document = await trx.selectFrom("documents").selectAll().where("id", "=", payment.document_id).executeTakeFirstOrThrow();
    const user = await trx.selectFrom("users").select("email").where("id", "=", payment.user_id).executeTakeFirstOrThrow();
    await sendJob(
      trx,
      QUEUES.sendEmail,
      refundProcessedEmail(user.email, document, refund!.amount_cents, REASONS[job.reason] ?? job.reason, getEnv().APP_URL),
    );
  });
  log.info({ paymentId: payment.id, amount: refund.amount_cents, reason: job.reason }, "refund made");
}
