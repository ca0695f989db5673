import { sql } from "kysely";
import type Stripe from "stripe";
import type { Db, DbOrTrx } from "../utils/db.server";
import { logger } from "../utils/logger.server";
import { recordIncident } from "./incidents.server";
import { closeUnpaidPayment, confirmPayment, recordRefundedTotal } from "./payments.server";

type Outcome = "processed" | "duplicate" | "ignored";
type Applied = { applied: boolean; paymentId?: string | null };

/**
 * Applies one verified Stripe event exactly once: its id goes into stripe_events in the same transaction as its
 * effects, so a replay finds the id and changes nothing. Every effect is a guarded update, so events arriving out of
 * order (expired after completed, completed after expired) end in the right state. Money that cannot pay for an order
 * (unknown session, wrong amount, changed or cancelled order) is refunded or recorded for an admin, and the event
 * still counts as processed: Stripe must not retry it for days.
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
    const { applied, paymentId } = await apply(trx, event);
    // An event about a deleted account's payment (Stripe still tells us of its refund, say) is kept without its payload.
    await sql`
      update stripe_events e set processed_at = now(), payment_id = ${paymentId ?? null},
        payload = case when exists (select 1 from payments p join users u on u.id = p.user_id where p.id = ${paymentId ?? null} and u.deleted_at is not null)
          then jsonb_build_object('id', e.id, 'type', e.type, 'redacted', true) else e.payload end
      where e.id = ${event.id}`.execute(trx);
    return applied ? "processed" : "ignored";
  });
}

async function apply(trx: DbOrTrx, event: Stripe.Event): Promise<Applied> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      const paymentId = await paymentForSession(trx, session);
      // "completed" with payment_status "unpaid" is a delayed method (SEPA, …): wait for async_payment_succeeded.
      if (session.payment_status !== "paid" && session.payment_status !== "no_payment_required")
        return { applied: false, paymentId };
      if (!paymentId) {
        await recordUnknownSession(trx, event, session);
        return { applied: true };
      }
      const confirmation = await confirmPayment(trx, paymentId, {
        amountCents: session.amount_total ?? -1,
        currency: session.currency ?? "",
        paymentIntentId:
          typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null),
      });
      return {
        applied: confirmation === "queued" || confirmation === "credited" || confirmation === "refunded",
        paymentId,
      };
    }
    case "checkout.session.async_payment_failed":
    case "checkout.session.expired": {
      const paymentId = await paymentForSession(trx, event.data.object);
      if (!paymentId) return { applied: false };
      return {
        applied: await closeUnpaidPayment(
          trx,
          paymentId,
          event.type === "checkout.session.expired" ? "expired" : "failed",
        ),
        paymentId,
      };
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const intentId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
      if (!intentId) return { applied: false };
      const payment = await trx
        .selectFrom("payments")
        .select("id")
        .where("stripe_payment_intent_id", "=", intentId)
        .executeTakeFirst();
      if (!payment) return { applied: false };
      return { applied: await recordRefundedTotal(trx, payment.id, charge.amount_refunded), paymentId: payment.id };
    }
    default:
      return { applied: false };
  }
}

/** Money for a Checkout Session we never made (or lost): it may not even be ours to refund, so an admin decides. */
async function recordUnknownSession(trx: DbOrTrx, event: Stripe.Event, session: Stripe.Checkout.Session) {
  const paymentIntent =
    typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null);
  logger.warn(
    { sessionId: session.id, paymentIntent },
    "a paid Stripe Checkout Session we do not know: recorded for an admin",
  );
  await recordIncident(trx, {
    kind: "unknown_checkout_session",
    summary: `Stripe took ${session.amount_total ?? "?"} ${session.currency ?? ""} for Checkout Session ${session.id}, which matches no payment here: refund it from the Stripe dashboard if it is ours`,
    details: {
      eventId: event.id,
      sessionId: session.id,
      paymentIntent,
      amountTotal: session.amount_total,
      currency: session.currency,
      metadata: session.metadata,
    },
  });
}

async function paymentForSession(trx: DbOrTrx, session: Stripe.Checkout.Session): Promise<string | null> {
  const payment = await trx
    .selectFrom("payments")
    .select("id")
    .where("stripe_checkout_session_id", "=", session.id)
    .executeTakeFirst();
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
  return null;
}
