import { sql } from "kysely";
import { QUEUES } from "../../worker/queues";
import { notifyDocumentEvent, notifyExpressions } from "../../worker/events";
import type { DbOrTrx } from "../utils/db.server";
import { paymentConfirmedEmail } from "../utils/email-templates.server";
import { getEnv } from "../utils/env.server";
import { sendJob, wakeExpressions } from "../utils/queue.server";
import { transitionDocument } from "./documents.server";

export function getPayment(db: DbOrTrx, paymentId: string) {
  return db.selectFrom("payments").selectAll().where("id", "=", paymentId).executeTakeFirst();
}

/** A pending payment row for one checkout attempt; the amount is the document's server-side price. */
export async function createPendingPayment(db: DbOrTrx, documentId: string, userId: string, provider: "stripe" | "dev") {
  const document = await db
    .selectFrom("documents")
    .select(["price_cents", "currency"])
    .where("id", "=", documentId)
    .where("user_id", "=", userId)
    .where("status", "=", "awaiting_payment")
    .executeTakeFirst();
  if (!document) return undefined;
  return db
    .insertInto("payments")
    .values({ document_id: documentId, user_id: userId, provider, amount_cents: document.price_cents, currency: document.currency })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The money arrived: the payment succeeds, the order is queued and its generation enqueued, the browser told and the
 * customer emailed — all in the caller's transaction. Guarded, so a second confirmation changes nothing.
 * Returns false when nothing applied (already paid, or the amount does not match what we asked for).
 */
export async function confirmPayment(
  trx: DbOrTrx,
  paymentId: string,
  paid: { amountCents: number; currency: string; paymentIntentId?: string | null },
): Promise<boolean> {
  const payment = await trx.selectFrom("payments").selectAll().where("id", "=", paymentId).forUpdate().executeTakeFirst();
  if (!payment || payment.status === "succeeded" || payment.status === "refunded" || payment.status === "partially_refunded") return false;
  if (paid.amountCents !== payment.amount_cents || paid.currency.toLowerCase() !== payment.currency.toLowerCase()) {
    throw new Error(`Payment ${paymentId}: paid ${paid.amountCents} ${paid.currency}, expected ${payment.amount_cents} ${payment.currency}`);
  }
  await trx
    .updateTable("payments")
    .set({ status: "succeeded", stripe_payment_intent_id: paid.paymentIntentId ?? null, updated_at: sql`now()` })
    .where("id", "=", paymentId)
    .execute();
  // The order queued (guarded), with what the jobs below need of it and of its customer, in one statement.
  const queued = await trx
    .with("queued", (d) =>
      d
        .updateTable("documents")
        .set({ status: "queued", paid_at: sql`now()`, progress_stage: "queued", updated_at: sql`now()` })
        .where("id", "=", payment.document_id)
        .where("status", "in", ["awaiting_payment", "draft"])
        .returningAll(),
    )
    .selectFrom("queued")
    .innerJoin("users", "users.id", "queued.user_id")
    .selectAll("queued")
    .select(["users.email as customer_email", "users.premium as customer_premium"])
    .executeTakeFirst();
  if (!queued) {
    // Paid for an order that is no longer payable (e.g. a second checkout for the same order): give the money back.
    await sendJob(trx, QUEUES.refundPayment, { paymentId, reason: "duplicate_payment", documentId: payment.document_id });
    return true;
  }
  const { customer_email: email, customer_premium: premium, ...document } = queued;
  await sendJob(trx, QUEUES.planDocument, { documentId: payment.document_id }, { priority: document.express || premium ? 10 : 0, wake: false });
  await sendJob(trx, QUEUES.sendEmail, paymentConfirmedEmail(email, document, payment.amount_cents, getEnv().APP_URL), { wake: false });
  // The workers' wake-ups and the browser's event, sent on commit.
  await sql`select ${wakeExpressions([QUEUES.planDocument, QUEUES.sendEmail])}, ${notifyExpressions(payment.document_id, [
    { type: "progress", percent: 0, stage: "queued", currentSection: null, totalSections: null, etaSeconds: null, status: "queued" },
  ])}`.execute(trx);
  return true;
}

/** Guarded: only a pending payment can become failed or expired (a late "expired" never undoes a payment). */
export async function closeUnpaidPayment(db: DbOrTrx, paymentId: string, status: "failed" | "expired"): Promise<boolean> {
  const result = await db
    .updateTable("payments")
    .set({ status, updated_at: sql`now()` })
    .where("id", "=", paymentId)
    .where("status", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Adds a refund we made to the payment's refunded total (read under the row lock, so concurrent refunds add up). */
export async function addRefundedAmount(trx: DbOrTrx, paymentId: string, amountCents: number) {
  const payment = await trx.selectFrom("payments").select("refunded_cents").where("id", "=", paymentId).forUpdate().executeTakeFirst();
  if (!payment) return false;
  return recordRefundedTotal(trx, paymentId, payment.refunded_cents + amountCents);
}

/** Stripe says this much of the payment has been refunded in all (refunds made here or in Stripe's dashboard). */
export async function recordRefundedTotal(trx: DbOrTrx, paymentId: string, refundedCents: number) {
  const payment = await trx.selectFrom("payments").selectAll().where("id", "=", paymentId).forUpdate().executeTakeFirst();
  if (!payment || refundedCents <= payment.refunded_cents) return false;
  const total = Math.min(refundedCents, payment.amount_cents);
  const full = total >= payment.amount_cents;
  await trx
    .updateTable("payments")
    .set({ refunded_cents: total, status: full ? "refunded" : "partially_refunded", updated_at: sql`now()` })
    .where("id", "=", paymentId)
    .execute();
  if (full) {
    const refunded = await transitionDocument(
      trx,
      payment.document_id,
      ["queued", "generating", "completed", "completed_with_warnings", "failed_quality", "failed"],
      "refunded",
    );
    if (refunded) await notifyDocumentEvent(trx, payment.document_id, { type: "failed", reason: "The order was refunded." });
  }
  return true;
}
