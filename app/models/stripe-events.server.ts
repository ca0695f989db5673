import { sql } from "kysely";
import type Stripe from "stripe";
import type { Db, DbOrTrx } from "../utils/db.server";
import { logger } from "../utils/logger.server";
import { closeUnpaidPayment, confirmPayment, recordRefundedTotal } from "./payments.server";

type Outcome = "processed" | "duplicate" | "ignored";

/**
 * Applies one verified Stripe event exactly once: its id goes into stripe_events in the same transaction as its
 * effects, so a replay finds the id and changes nothing. Every effect is a guarded update, so events arriving out of
 * order (expired after completed, completed after expired) end in the right state.
 */
export async function handleStripeEvent(db: Db, event: Stripe.Event): Promise<Outcome> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("stripe_events")
      .values({ id: event.id, type: event.type, payload: JSON.stringify(event) })
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return "duplicate";
    const applied = await apply(trx, event);
    await trx.updateTable("stripe_events").set({ processed_at: sql`now()` }).where("id", "=", event.id).execute();
    return applied ? "processed" : "ignored";
  });
}

async function apply(trx: DbOrTrx, event: Stripe.Event): Promise<boolean> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      // "completed" with payment_status "unpaid" is a delayed method (SEPA, …): wait for async_payment_succeeded.
      if (session.payment_status !== "paid" && session.payment_status !== "no_payment_required") return false;
      const paymentId = await paymentForSession(trx, session);
      if (!paymentId) return false;
      return confirmPayment(trx, paymentId, {
        amountCents: session.amount_total ?? -1,
        currency: session.currency ?? "",
        paymentIntentId: typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null),
      });
    }
    case "checkout.session.async_payment_failed":
    case "checkout.session.expired": {
      const paymentId = await paymentForSession(trx, event.data.object);
      if (!paymentId) return false;
      return closeUnpaidPayment(trx, paymentId, event.type === "checkout.session.expired" ? "expired" : "failed");
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const intentId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
      if (!intentId) return false;
      const payment = await trx.selectFrom("payments").select("id").where("stripe_payment_intent_id", "=", intentId).executeTakeFirst();
      if (!payment) return false;
      return recordRefundedTotal(trx, payment.id, charge.amount_refunded);
    }
    default:
      return false;
  }
}

async function paymentForSession(trx: DbOrTrx, session: Stripe.Checkout.Session): Promise<string | null> {
  const payment = await trx.selectFrom("payments").select("id").where("stripe_checkout_session_id", "=", session.id).executeTakeFirst();
  if (payment) return payment.id;
  // The session id is stored right after Stripe answers; metadata covers a crash in between.
  const fromMetadata = session.metadata?.paymentId;
  if (fromMetadata && /^[0-9a-f-]{36}$/i.test(fromMetadata)) {
    const byId = await trx
      .updateTable("payments")
      .set({ stripe_checkout_session_id: session.id })
      .where("id", "=", fromMetadata)
      .where("stripe_checkout_session_id", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (byId) return byId.id;
  }
  logger.warn({ sessionId: session.id }, "Stripe event for a checkout session we do not know");
  return null;
}
