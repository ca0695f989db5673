import { sql } from "kysely";
import { QUEUES } from "../../worker/queues";
import type { Db } from "../utils/db.server";
import { orderReceivedEmail } from "../utils/email-templates.server";
import { getEnv } from "../utils/env.server";
import { logger } from "../utils/logger.server";
import { kindLabel } from "../utils/pricing";
import { sendJob } from "../utils/queue.server";
import { getStripe } from "../utils/stripe.server";
import { placeOrder, reopenOrder } from "./documents.server";
import { closeUnpaidPayment, createPendingPayment } from "./payments.server";

/** Fixes the order for payment (once) and emails "order received", in one transaction. */
export async function submitOrder(db: Db, documentId: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await placeOrder(trx, documentId, userId))) return;
    const document = await trx.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirstOrThrow();
    const user = await trx.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirstOrThrow();
    await sendJob(trx, QUEUES.sendEmail, orderReceivedEmail(user.email, document, getEnv().APP_URL));
  });
}

export class CheckoutUnavailableError extends Error {}

/**
 * A Stripe Checkout Session for the order, amount computed here from our price. An open session from an earlier
 * click is reused, so two clicks cannot become two payments.
 */
export async function startCheckout(db: Db, documentId: string, userId: string): Promise<string> {
  const stripe = await getStripe();
  if (!stripe) throw new CheckoutUnavailableError("Card payments are not configured on this server.");
  const env = getEnv();

  const open = await db
    .selectFrom("payments")
    .select(["id", "stripe_checkout_session_id"])
    .where("document_id", "=", documentId)
    .where("user_id", "=", userId)
    .where("provider", "=", "stripe")
    .where("status", "=", "pending")
    .where("stripe_checkout_session_id", "is not", null)
    .orderBy("created_at", "desc")
    .executeTakeFirst();
  if (open?.stripe_checkout_session_id) {
    const session = await stripe.checkout.sessions.retrieve(open.stripe_checkout_session_id).catch(() => null);
    if (session?.status === "open" && session.url) return session.url;
    if (session?.status === "expired") await closeUnpaidPayment(db, open.id, "expired");
  }

  const payment = await createPendingPayment(db, documentId, userId, "stripe");
  if (!payment) throw new CheckoutUnavailableError("This order can no longer be paid.");
  const document = await db.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirstOrThrow();
  const user = await db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirstOrThrow();
  try {
    const session = await stripe.checkout.sessions.create(
      {
        mode: "payment",
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: payment.currency,
              unit_amount: payment.amount_cents,
              product_data: {
                name: `${kindLabel(document.kind)}, ${document.pages} pages${document.express ? ", express" : ""}`,
                description: document.topic.slice(0, 200),
              },
            },
          },
        ],
        client_reference_id: documentId,
        customer_email: user.email,
        metadata: { documentId, paymentId: payment.id },
        payment_intent_data: { metadata: { documentId, paymentId: payment.id } },
        success_url: `${env.APP_URL}/documents/${documentId}?checkout=success`,
        cancel_url: `${env.APP_URL}/orders/${documentId}/review?checkout=cancelled`,
      },
      { idempotencyKey: `checkout-${payment.id}` },
    );
    await db
      .updateTable("payments")
      .set({ stripe_checkout_session_id: session.id, updated_at: sql`now()` })
      .where("id", "=", payment.id)
      .execute();
    if (!session.url) throw new Error("Stripe returned a session without a URL");
    return session.url;
  } catch (error) {
    logger.error({ err: error, documentId }, "could not create a Stripe Checkout Session");
    await db.deleteFrom("payments").where("id", "=", payment.id).where("status", "=", "pending").execute();
    throw new CheckoutUnavailableError("Card payment is unavailable right now. Nothing was charged; please try again in a few minutes.");
  }
}

/** Back to editing: open checkout sessions are expired first, so an old one cannot be paid for a changed order. */
export async function editPlacedOrder(db: Db, documentId: string, userId: string): Promise<boolean> {
  const stripe = await getStripe();
  const pending = await db
    .selectFrom("payments")
    .select(["id", "stripe_checkout_session_id"])
    .where("document_id", "=", documentId)
    .where("user_id", "=", userId)
    .where("status", "=", "pending")
    .execute();
  for (const payment of pending) {
    if (stripe && payment.stripe_checkout_session_id) {
      const session = await stripe.checkout.sessions.retrieve(payment.stripe_checkout_session_id);
      if (session.status === "complete") return false; // already paid: the webhook will move the order on
      if (session.status === "open") await stripe.checkout.sessions.expire(payment.stripe_checkout_session_id);
    }
    await closeUnpaidPayment(db, payment.id, "expired");
  }
  return reopenOrder(db, documentId, userId);
}
