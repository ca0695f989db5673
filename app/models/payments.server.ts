import { sql } from "kysely";
import { QUEUES } from "../jobs/definitions";
import { planPriority } from "../jobs/priorities";
import { notifyDocumentEvent } from "../utils/document-events.server";
import type { DbOrTrx } from "../utils/db.server";
import { paymentConfirmedEmail } from "../utils/email-templates.server";
import { getEnv } from "../utils/env.server";
import { sendJob, wakeExpressions } from "../jobs/queue.server";
import { setStage } from "./document-progress.server";
import { transitionDocument } from "./documents.server";
import { recordIncident } from "./incidents.server";
import { emitOrderEvent } from "./webhook-events.server";

export function getPayment(db: DbOrTrx, paymentId: string) {
  return db.selectFrom("payments").selectAll().where("id", "=", paymentId).executeTakeFirst();
}

/**
 * The order's row, then the payment's, locked for the caller's transaction. Every path that decides about an order's
 * money (checkout, edit, confirmation, refunds, account deletion) takes the order's row first, so they run one after
 * the other and never deadlock.
 */
export async function lockPayment(trx: DbOrTrx, paymentId: string) {
  const ref = await trx.selectFrom("payments").select("document_id").where("id", "=", paymentId).executeTakeFirst();
  if (!ref) return undefined;
  const document = await trx
    .selectFrom("documents")
    .selectAll()
    .where("id", "=", ref.document_id)
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow();
  const payment = await trx
    .selectFrom("payments")
    .selectAll()
    .where("id", "=", paymentId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { document, payment };
}

/** The order of this customer, locked for the caller's transaction (undefined when it is not theirs). */
export function lockOrder(trx: DbOrTrx, documentId: string, userId: string) {
  return trx
    .selectFrom("documents")
    .selectAll()
    .where("id", "=", documentId)
    .where("user_id", "=", userId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/** A pending payment row for one checkout attempt; the amount is the order's server-side price. Lock the order first. */
export async function createPendingPayment(
  db: DbOrTrx,
  documentId: string,
  userId: string,
  provider: "stripe" | "dev",
) {
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
    .values({
      document_id: documentId,
      user_id: userId,
      provider,
      amount_cents: document.price_cents,
      currency: document.currency,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Why money that arrived does not pay for the order (it is refunded in full); the refund job's email explains each. */
export type RefusedPaymentReason =
  "account_deleted" | "duplicate_payment" | "checkout_closed" | "order_changed" | "amount_mismatch";

/** credited: a bought regeneration, now usable. */
export type Confirmation = "queued" | "credited" | "refunded" | "duplicate" | "unknown";

/**
 * The money arrived. It pays for the order only when the order awaits payment and costs exactly what was paid (the
 * price of what will be written), and the checkout was still open: then the order is queued, its generation enqueued,
 * the browser told and the customer emailed. Any other money is refunded in full (the refund job emails why). All in
 * the caller's transaction, under the order's lock; a second confirmation of the same payment changes nothing.
 */
export async function confirmPayment(
  trx: DbOrTrx,
  paymentId: string,
  paid: { amountCents: number; currency: string; paymentIntentId?: string | null },
): Promise<Confirmation> {
  const locked = await lockPayment(trx, paymentId);
  if (!locked) return "unknown";
  const { document, payment } = locked;
  if (payment.status === "succeeded" || payment.status === "refunded" || payment.status === "partially_refunded")
    return "duplicate";
  const currency = paid.currency.toLowerCase();
  // Recorded as paid, at what was paid: a refund gives back exactly that.
  await trx
    .updateTable("payments")
    .set({
      status: "succeeded",
      amount_cents: Math.max(0, paid.amountCents),
      currency,
      stripe_payment_intent_id: paid.paymentIntentId ?? null,
      updated_at: sql`now()`,
    })
    .where("id", "=", paymentId)
    .execute();
  const customer = await trx
    .selectFrom("users")
    .select(["email", "locale", "premium", "deleted_at"])
    .where("id", "=", document.user_id)
    .executeTakeFirstOrThrow();
  if (payment.purpose === "regeneration") {
    // One more regeneration of a delivered document: credited, or refunded when it cannot be used.
    const refusedPurchase = purchaseRefusal(document, payment, customer.deleted_at !== null, {
      amountCents: paid.amountCents,
      currency,
    });
    if (!refusedPurchase) return "credited";
    await sendJob(trx, QUEUES.refundPayment, { paymentId, reason: refusedPurchase, documentId: document.id });
    return "refunded";
  }
  const refused = refusal(document, payment, customer.deleted_at !== null, { amountCents: paid.amountCents, currency });
  if (refused) {
    await sendJob(trx, QUEUES.refundPayment, { paymentId, reason: refused, documentId: document.id });
    if (refused === "amount_mismatch") {
      await recordIncident(trx, {
        kind: "payment_mismatch",
        summary: `Paid ${paid.amountCents} ${currency}, asked ${payment.amount_cents} ${payment.currency}: refunded in full`,
        documentId: document.id,
        paymentId,
        details: {
          paid: { amountCents: paid.amountCents, currency },
          asked: { amountCents: payment.amount_cents, currency: payment.currency },
        },
      });
    }
    return "refunded";
  }
  // Guarded by the order's lock above: it awaits payment, so the stage applies; its event goes out on commit.
  await setStage(trx, document.id, "queued", {
    from: { status: "awaiting_payment" },
    status: "queued",
    columns: { paid_at: sql`now()` },
  });
  const queued = { ...document, status: "queued" as const };
  await sendJob(
    trx,
    QUEUES.planDocument,
    { documentId: document.id },
    { priority: planPriority(queued.express || customer.premium), wake: false },
  );
  await sendJob(
    trx,
    QUEUES.sendEmail,
    await paymentConfirmedEmail(customer, queued, paid.amountCents, getEnv().APP_URL),
    { wake: false },
  );
  // The workers' wake-ups, sent on commit.
  await sql`select ${wakeExpressions([QUEUES.planDocument, QUEUES.sendEmail])}`.execute(trx);
  await emitOrderEvent(trx, document.id, "order.paid", { amountCents: paid.amountCents, currency });
  return "queued";
}

function refusal(
  document: { status: string; price_cents: number; currency: string },
  payment: { status: string; amount_cents: number; currency: string },
  accountDeleted: boolean,
  paid: { amountCents: number; currency: string },
): RefusedPaymentReason | null {
  if (accountDeleted || document.status === "cancelled") return "account_deleted";
  if (paid.amountCents !== payment.amount_cents || paid.currency !== payment.currency.toLowerCase())
    return "amount_mismatch";
  if (document.status !== "awaiting_payment" && document.status !== "draft") return "duplicate_payment";
  // Closed by us (the order was edited, or its checkout expired) or failed before: what it was for may have changed.
  if (payment.status !== "pending") return "checkout_closed";
  if (
    document.status === "draft" ||
    paid.amountCents !== document.price_cents ||
    paid.currency !== document.currency.toLowerCase()
  ) {
    return "order_changed";
  }
  return null;
}

/** Why money for one more regeneration cannot buy it (it is refunded in full). */
function purchaseRefusal(
  document: { status: string },
  payment: { status: string; amount_cents: number; currency: string },
  accountDeleted: boolean,
  paid: { amountCents: number; currency: string },
): RefusedPaymentReason | null {
  if (accountDeleted) return "account_deleted";
  if (paid.amountCents !== payment.amount_cents || paid.currency !== payment.currency.toLowerCase())
    return "amount_mismatch";
  if (payment.status !== "pending") return "checkout_closed";
  if (document.status !== "completed" && document.status !== "completed_with_warnings") return "order_changed";
  return null;
}

/** Guarded: only a pending payment can become failed or expired (a late "expired" never undoes a payment). */
export async function closeUnpaidPayment(
  db: DbOrTrx,
  paymentId: string,
  status: "failed" | "expired",
): Promise<boolean> {
  const result = await db
    .updateTable("payments")
    .set({ status, updated_at: sql`now()` })
    .where("id", "=", paymentId)
    .where("status", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Stripe says this much of the payment has been refunded in all (refunds made here or in Stripe's dashboard). */
export function recordRefundedTotal(trx: DbOrTrx, paymentId: string, refundedCents: number) {
  return raiseRefundedTotal(trx, paymentId, () => Promise.resolve(refundedCents));
}

/** One of our refunds of this payment succeeded: the total is at least the sum of our succeeded refunds. */
export function recordOwnRefunds(trx: DbOrTrx, paymentId: string) {
  return raiseRefundedTotal(trx, paymentId, async () => {
    const row = await trx
      .selectFrom("refunds")
      .select(sql<number>`coalesce(sum(amount_cents), 0)::int`.as("cents"))
      .where("payment_id", "=", paymentId)
      .where("status", "=", "succeeded")
      .executeTakeFirstOrThrow();
    return row.cents;
  });
}

/**
 * The refunded total only rises, to the larger of what Stripe reported and what our own refunds add up to, and never
 * above what was paid: a refund counted by both (Stripe's `charge.refunded` and our refund job, in either order) is
 * counted once. When a payment is refunded in full and no other payment still pays for its order, the order is
 * refunded.
 */
async function raiseRefundedTotal(trx: DbOrTrx, paymentId: string, atLeast: () => Promise<number>): Promise<boolean> {
  const locked = await lockPayment(trx, paymentId);
  if (!locked) return false;
  const { payment } = locked;
  const total = Math.min(await atLeast(), payment.amount_cents);
  if (total <= payment.refunded_cents) return false;
  const full = total >= payment.amount_cents;
  await trx
    .updateTable("payments")
    .set({ refunded_cents: total, status: full ? "refunded" : "partially_refunded", updated_at: sql`now()` })
    .where("id", "=", paymentId)
    .execute();
  // A bought regeneration refunded leaves the order as it is.
  if (!full || payment.purpose !== "order") return true;
  const stillPaid = await trx
    .selectFrom("payments")
    .select("id")
    .where("document_id", "=", payment.document_id)
    .where("purpose", "=", "order")
    .where("status", "in", ["succeeded", "partially_refunded"])
    .executeTakeFirst();
  if (stillPaid) return true;
  const refunded = await transitionDocument(
    trx,
    payment.document_id,
    ["queued", "generating", "completed", "completed_with_warnings", "failed_quality", "failed", "cancelled"],
    "refunded",
  );
  if (refunded) {
    await notifyDocumentEvent(trx, payment.document_id, { type: "failed", reason: "The order was refunded." });
    await emitOrderEvent(trx, payment.document_id, "order.refunded", {
      refundedCents: total,
      currency: payment.currency.toLowerCase(),
    });
  }
  return true;
}
