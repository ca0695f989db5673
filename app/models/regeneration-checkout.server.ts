// Buying one more regeneration of a delivered document's section (issue 21): the same Stripe Checkout path as an
// order (the webhook credits it through confirmPayment, once), or the development payment. The amount is ours.
import { sql } from "kysely";
import { message } from "../i18n/messages";
import type { Db } from "../utils/db.server";
import { getEnv } from "../utils/env.server";
import { logger } from "../utils/logger.server";
import { getStripe, stripeConfigured } from "../utils/stripe.server";
import { EDITABLE } from "./document-versions.server";
import { CheckoutUnavailableError, openCheckoutUrl } from "./checkout.server";
import { confirmPayment, lockOrder } from "./payments.server";

/** How more regenerations can be bought here: by card, with the development payment, or not at all. */
export function regenerationPurchase(): "card" | "dev" | null {
  if (stripeConfigured()) return "card";
  return getEnv().ALLOW_DEV_PAYMENT ? "dev" : null;
}

/** A pending payment for one regeneration of the owner's delivered order, at REGENERATION_PRICE_CENTS. */
async function placePurchase(db: Db, documentId: string, userId: string, provider: "stripe" | "dev") {
  return db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, documentId, userId);
    if (!order || !EDITABLE.includes(order.status)) return undefined;
    const payment = await trx
      .insertInto("payments")
      .values({
        document_id: documentId,
        user_id: userId,
        provider,
        purpose: "regeneration",
        amount_cents: getEnv().REGENERATION_PRICE_CENTS,
        currency: order.currency,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { payment, order };
  });
}

/** The development payment: one regeneration bought and credited at once. False when the order is not delivered. */
export async function buyRegenerationWithDevPayment(db: Db, documentId: string, userId: string): Promise<boolean> {
  const placed = await placePurchase(db, documentId, userId, "dev");
  if (!placed) return false;
  const { payment } = placed;
  return db
    .transaction()
    .execute(
      async (trx) =>
        (await confirmPayment(trx, payment.id, { amountCents: payment.amount_cents, currency: payment.currency })) ===
        "credited",
    );
}

/**
 * A Stripe Checkout Session for one more regeneration; an open one from an earlier click is reused, so two clicks
 * cannot become two payments. Back from Stripe, the customer lands on the section's regeneration page.
 */
export async function startRegenerationCheckout(
  db: Db,
  order: { documentId: string; userId: string; index: number },
): Promise<string> {
  const stripe = await getStripe();
  if (!stripe) throw new CheckoutUnavailableError(message("regeneration:buy.off"));
  const { documentId, userId, index } = order;
  const reused = await openCheckoutUrl(db, stripe, { documentId, userId, purpose: "regeneration" });
  if (reused) return reused;
  const placed = await placePurchase(db, documentId, userId, "stripe");
  if (!placed) throw new CheckoutUnavailableError(message("regeneration:errors.notEditable"));
  const { payment, order: document } = placed;
  const user = await db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirstOrThrow();
  const page = `${getEnv().APP_URL}/documents/${documentId}/sections/${index}/regenerate`;
  let session;
  try {
    session = await stripe.checkout.sessions.create(
      {
        mode: "payment",
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: payment.currency,
              unit_amount: payment.amount_cents,
              product_data: { name: "One more section regeneration", description: document.topic.slice(0, 200) },
            },
          },
        ],
        client_reference_id: documentId,
        customer_email: user.email,
        metadata: { documentId, paymentId: payment.id, purpose: "regeneration" },
        payment_intent_data: { metadata: { documentId, paymentId: payment.id, purpose: "regeneration" } },
        success_url: `${page}?checkout=success`,
        cancel_url: `${page}?checkout=cancelled`,
      },
      { idempotencyKey: `checkout-${payment.id}` },
    );
    if (!session.url) throw new Error("Stripe returned a session without a URL");
  } catch (error) {
    logger.error({ err: error, documentId }, "could not create a Stripe Checkout Session for a regeneration");
    await db.deleteFrom("payments").where("id", "=", payment.id).where("status", "=", "pending").execute();
    throw new CheckoutUnavailableError(message("regeneration:buy.unavailable"));
  }
  await db
    .updateTable("payments")
    .set({ stripe_checkout_session_id: session.id, updated_at: sql`now()` })
    .where("id", "=", payment.id)
    .where("status", "=", "pending")
    .execute();
  return session.url!;
}
