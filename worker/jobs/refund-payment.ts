import { sql } from "kysely";
import { recordOwnRefunds } from "../../app/models/payments.server";
import { noteRefundError, refundReasonLabel, reserveRefund } from "../../app/models/refunds.server";
import { refundProcessedEmail } from "../../app/utils/email-templates.server";
import { getEnv } from "../../app/utils/env.server";
import { sendJob } from "../../app/jobs/queue.server";
import { getStripe } from "../../app/utils/stripe.server";
import type { PipelineContext } from "../context";
import { QUEUES, type RefundPaymentJob } from "../../app/jobs/definitions";

/**
 * payment.refund: gives money back through Stripe with an idempotency key derived from payment and reason, so a
 * retried or duplicated job never refunds twice; the amount is fixed on the job's first run (reserveRefund) and never
 * exceeds what is left of the payment. Dev payments are recorded without Stripe.
 */
export async function refundPayment(ctx: PipelineContext, job: RefundPaymentJob): Promise<void> {
  const { db, log } = ctx;
  const refund = await reserveRefund(db, job);
  if (!refund) {
    log.info({ paymentId: job.paymentId, reason: job.reason }, "refund skipped: nothing refundable");
    return;
  }
  if (refund.status === "succeeded") return;
  if (refund.status === "failed") {
    log.warn({ refundId: refund.id }, "refund skipped: it failed for good and waits for an admin's retry");
    return;
  }
  const payment = (await db.selectFrom("payments").selectAll().where("id", "=", refund.payment_id).executeTakeFirst())!;

  let stripeRefundId: string | null = null;
  if (payment.provider === "stripe") {
    try {
      stripeRefundId = await refundWithStripe(payment, refund, job.reason);
    } catch (error) {
      await noteRefundError(db, refund.id, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  await db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable("refunds")
      .set({ status: "succeeded", stripe_refund_id: stripeRefundId, last_error: null, updated_at: sql`now()` })
      .where("id", "=", refund.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) return;
    await recordOwnRefunds(trx, payment.id);
    const document = await trx
      .selectFrom("documents")
      .selectAll()
      .where("id", "=", payment.document_id)
      .executeTakeFirstOrThrow();
    const user = await trx
      .selectFrom("users")
      .select(["email", "locale", "deleted_at"])
      .where("id", "=", payment.user_id)
      .executeTakeFirstOrThrow();
    // A deleted account has no address any more (it was told when it was deleted).
    if (user.deleted_at) return;
    await sendJob(
      trx,
      QUEUES.sendEmail,
      await refundProcessedEmail(
        user,
        document,
        refund.amount_cents,
        // An admin's refund ("admin:…") reads as the support team's; the email says the reason in the customer's words.
        refundReasonLabel(job.reason) === "support" ? "support" : job.reason,
        getEnv().APP_URL,
      ),
    );
  });
  log.info({ paymentId: payment.id, amount: refund.amount_cents, reason: job.reason }, "refund made");
}

/**
 * The refund at Stripe; its id. A refund that failed before looks for its own first (by the refund row's id in the
 * metadata): a retry a day later, when Stripe has forgotten the idempotency key, must not pay out twice.
 */
async function refundWithStripe(
  payment: { id: string; stripe_payment_intent_id: string | null },
  refund: { id: string; amount_cents: number; idempotency_key: string; last_error: string | null },
  reason: string,
): Promise<string> {
  const stripe = await getStripe();
  if (!stripe) throw new Error("A Stripe payment cannot be refunded: STRIPE_SECRET_KEY is not set");
  if (!payment.stripe_payment_intent_id) throw new Error(`Payment ${payment.id} has no payment intent to refund`);
  if (refund.last_error !== null) {
    const made = await stripe.refunds.list({ payment_intent: payment.stripe_payment_intent_id, limit: 100 });
    const mine = made.data.find(
      (r) => r.metadata?.refundId === refund.id && r.status !== "failed" && r.status !== "canceled",
    );
    if (mine) return mine.id;
  }
  const created = await stripe.refunds.create(
    {
      payment_intent: payment.stripe_payment_intent_id,
      amount: refund.amount_cents,
      metadata: { paymentId: payment.id, reason, refundId: refund.id },
    },
    { idempotencyKey: refund.idempotency_key },
  );
  return created.id;
}
