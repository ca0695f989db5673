import { sql } from "kysely";
import type { PaymentPurpose } from "../../db/schema";
import { message } from "../i18n/messages";
import { QUEUES } from "../jobs/definitions";
import type { Db, DbOrTrx } from "../utils/db.server";
import { orderReceivedEmail } from "../utils/email-templates.server";
import { getEnv } from "../utils/env.server";
import { logger } from "../utils/logger.server";
import { kindLabel } from "../utils/catalog";
import { sendJob } from "../jobs/queue.server";
import { getStripe } from "../utils/stripe.server";
import { isUuid, placeOrder, reopenOrder } from "./documents.server";
import { closeUnpaidPayment, confirmPayment, createPendingPayment, lockOrder } from "./payments.server";

/** Fixes the order for payment (once) and emails "order received", in one transaction. */
export async function submitOrder(db: Db, documentId: string, userId: string): Promise<void> {
  await db.transaction().execute((trx) => submitOrderIn(trx, documentId, userId));
}

/** submitOrder within the caller's transaction (the API places an order in the one that creates it). */
export async function submitOrderIn(trx: DbOrTrx, documentId: string, userId: string): Promise<void> {
  if (!(await placeOrder(trx, documentId, userId))) return;
  const document = await trx.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirstOrThrow();
  const user = await trx
    .selectFrom("users")
    .select(["email", "locale"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  await sendJob(trx, QUEUES.sendEmail, await orderReceivedEmail(user, document, getEnv().APP_URL));
}

/**
 * Development payment: a payment row and its confirmation (order queued, generation enqueued) in one transaction.
 * Returns false when the order was not awaiting payment (a second click changes nothing).
 */
export async function payWithDevPayment(db: Db, documentId: string, userId: string): Promise<boolean> {
  if (!isUuid(documentId)) return false;
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom("documents").select("id").where("id", "=", documentId).forNoKeyUpdate().execute();
    const payment = await createPendingPayment(trx, documentId, userId, "dev");
    if (!payment) return false;
    return (
      (await confirmPayment(trx, payment.id, { amountCents: payment.amount_cents, currency: payment.currency })) ===
      "queued"
    );
  });
}

/** Card payment cannot go ahead now; `message` is a message key (app/i18n/messages.ts) the page translates. */
export class CheckoutUnavailableError extends Error {}
/** The order was edited while its checkout was being prepared: nothing to pay, review it again. */
export class OrderChangedError extends CheckoutUnavailableError {}
/** The order was edited while its checkout was being prepared. */
/**
 * A Stripe Checkout Session for the order, amount computed here from our price. An open session from an earlier
 * click is reused, so two clicks cannot become two payments. The payment row is made under the order's lock and the
 * session is tied to it only while it is still pending: an edit of the order in between (which closes its pending
 * payments under the same lock) makes the new session expire at once instead of reaching the customer.
 */
export async function startCheckout(db: Db, documentId: string, userId: string): Promise<string> {
  const stripe = await getStripe();
  if (!stripe) throw new CheckoutUnavailableError(message("orders:checkout.notConfigured"));
  const env = getEnv();

  const reused = await openCheckoutUrl(db, stripe, { documentId, userId, purpose: "order" });
  if (reused) return reused;

  const placed = await db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, documentId, userId);
    if (!order || order.status !== "awaiting_payment") return undefined;
    const payment = await createPendingPayment(trx, documentId, userId, "stripe");
    return payment && { payment, order };
  });
  if (!placed) throw new CheckoutUnavailableError(message("orders:checkout.noLongerPayable"));
  const { payment, order: document } = placed;
  const user = await db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirstOrThrow();
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
    if (!session.url) throw new Error("Stripe returned a session without a URL");
  } catch (error) {
    logger.error({ err: error, documentId }, "could not create a Stripe Checkout Session");
    await db.deleteFrom("payments").where("id", "=", payment.id).where("status", "=", "pending").execute();
    throw new CheckoutUnavailableError(message("orders:checkout.unavailable"));
  }
  const tied = await db.transaction().execute(async (trx) => {
    await lockOrder(trx, documentId, userId);
    const result = await trx
      .updateTable("payments")
      .set({ stripe_checkout_session_id: session.id, updated_at: sql`now()` })
      .where("id", "=", payment.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  });
  if (!tied) {
    // The order was edited meanwhile: this session must never be paid.
    await stripe.checkout.sessions
      .expire(session.id)
      .catch((error: unknown) =>
        logger.warn({ err: error, documentId }, "could not expire an unused Checkout Session"),
      );
    throw new OrderChangedError(message("orders:checkout.changed"));
  }
  return session.url!;
}

type StripeClient = NonNullable<Awaited<ReturnType<typeof getStripe>>>;

/**
 * The URL of a Checkout Session still open for what the customer pays (`purpose`) on this order, made by an earlier
 * click: reused, so two clicks cannot become two payments. An expired one closes its payment.
 */
export async function openCheckoutUrl(
  db: Db,
  stripe: StripeClient,
  of: { documentId: string; userId: string; purpose: PaymentPurpose },
): Promise<string | undefined> {
  const open = await db
    .selectFrom("payments")
    .select(["id", "stripe_checkout_session_id"])
    .where("document_id", "=", of.documentId)
    .where("user_id", "=", of.userId)
    .where("provider", "=", "stripe")
    .where("purpose", "=", of.purpose)
    .where("status", "=", "pending")
    .where("stripe_checkout_session_id", "is not", null)
    .orderBy("created_at", "desc")
    .executeTakeFirst();
  if (!open?.stripe_checkout_session_id) return undefined;
  const session = await stripe.checkout.sessions.retrieve(open.stripe_checkout_session_id).catch(() => null);
  if (session?.status === "open" && session.url) return session.url;
  if (session?.status === "expired") await closeUnpaidPayment(db, open.id, "expired");
  return undefined;
}

/**
 * Back to editing, under the order's lock (a payment confirmation waits for it, and finds the order no longer awaiting
 * payment): open Checkout Sessions are expired first, so an old one cannot be paid for a changed order. Returns false
 * when a session was already paid (the webhook moves the order on); throws CheckoutUnavailableError when Stripe could
 * not be asked (nothing changed).
 */
export async function editPlacedOrder(db: Db, documentId: string, userId: string): Promise<boolean> {
  const stripe = await getStripe();
  try {
    return await db.transaction().execute(async (trx) => {
      const order = await lockOrder(trx, documentId, userId);
      if (!order || order.status !== "awaiting_payment") return false;
      const pending = await trx
        .selectFrom("payments")
        .select(["id", "stripe_checkout_session_id"])
        .where("document_id", "=", documentId)
        .where("status", "=", "pending")
        .execute();
      for (const payment of pending) {
        if (stripe && payment.stripe_checkout_session_id) {
          const session = await stripe.checkout.sessions.retrieve(payment.stripe_checkout_session_id);
          if (session.status === "complete") return false; // already paid: the webhook will move the order on
          // Fails when the customer pays this very moment: the edit is refused and nothing changes.
          if (session.status === "open") await stripe.checkout.sessions.expire(payment.stripe_checkout_session_id);
        }
        await closeUnpaidPayment(trx, payment.id, "expired");
      }
      return reopenOrder(trx, documentId, userId);
    });
  } catch (error) {
    if (!isStripeError(error)) throw error;
    logger.warn({ err: error, documentId }, "could not close the open Checkout Session of an order being edited");
    throw new CheckoutUnavailableError(message("orders:checkout.notClosed"));
  }
}

function isStripeError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { type?: unknown }).type === "string" &&
    /^Stripe/.test((error as { type: string }).type)
  );
}
