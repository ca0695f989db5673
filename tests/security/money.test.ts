// Issue 16, money (items 5, 7, 8, 14): the attacks on what is paid, over HTTP against the running app and the fake Stripe.
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import type { FakeStripe } from "../fakes/stripe";
import { eventually } from "../setup/fixtures";
import { type App, signedInCustomer } from "./app";
import {
  changeDetails,
  draftOrder,
  editOrder,
  expectPaidEqualsWritten,
  mailAbout,
  payByCard,
  payOnStripe,
  queueOf,
  sessionIdOf,
  sessionsOf,
  startAppWithStripe,
} from "./money-app";

let app: App;
let stripe: FakeStripe;
let boss: PgBoss;

beforeAll(async () => {
  ({ app, stripe } = await startAppWithStripe());
  boss = await queueOf(app);
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await app?.stop();
  await stripe?.close();
});

const statusOf = async (id: string) =>
  (await app.db.selectFrom("documents").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status;

describe("item 5: the price paid is the price of what is written", () => {
  it("an order edited while its card checkout is being prepared cannot be paid at the old price", async () => {
    const { client } = await signedInCustomer(app);
    const id = await draftOrder(client, { pages: 5 });
    // The app is inside Stripe's "create session" call for the 5-page price when the customer edits the order.
    const gate = stripe.pauseNext("POST", "/v1/checkout/sessions");
    const card = payByCard(client, id);
    await gate.arrived;
    const edit = await editOrder(client, id);
    expect(edit.location).toBe(`/orders/${id}/details`);
    await changeDetails(client, id, 20, true);
    gate.release();
    const checkout = await card;

    // The session made for the old price never reaches the customer, and Stripe no longer takes money for it.
    expect(checkout.status).toBe(409);
    expect(checkout.text).toContain("The order was changed while the payment was being prepared. Nothing was charged");
    const [old] = sessionsOf(stripe, id);
    expect(old.amount_total).toBe(2500);
    expect(await payOnStripe(stripe, old.id)).toBe(410);

    // Paid at its price as it stands now, the order is written.
    const again = await payByCard(client, id);
    expect(again.status).toBe(302);
    const current = stripe.sessions.get(sessionIdOf(again.location))!;
    expect(current.amount_total).toBe(15000); // 20 pages × €5 + 50 % express
    expect(await payOnStripe(stripe, current.id)).toBe(303);
    expect(await statusOf(id)).not.toBe("awaiting_payment");
    await expectPaidEqualsWritten(app, stripe, id);
  });

  it("money Stripe takes for a checkout closed because the order was edited is refunded in full, with an email saying why", async () => {
    const { client, email } = await signedInCustomer(app);
    const id = await draftOrder(client, { pages: 5 });
    const old = sessionIdOf((await payByCard(client, id)).location);
    expect((await editOrder(client, id)).location).toBe(`/orders/${id}/details`);
    await changeDetails(client, id, 20);
    const current = sessionIdOf((await payByCard(client, id)).location);
    // Stripe took the money on the old page all the same (its own race with closing it) and tells us.
    stripe.completeSession(old, { evenIfExpired: true });
    expect(await stripe.deliver(stripe.event("checkout.session.completed", stripe.sessions.get(old)))).toBe(200);

    let settled = await expectPaidEqualsWritten(app, stripe, id);
    expect(settled.document.status).toBe("awaiting_payment");
    const refund = await mailAbout(app, email, "Refund");
    expect(refund.subject).toBe("Refund of €25.00: The economics of medieval monasteries");
    expect(refund.text).toMatch(/checkout that had already been closed \(the order was changed/);

    // Its price as it stands pays for it.
    expect(await payOnStripe(stripe, current)).toBe(303);
    settled = await expectPaidEqualsWritten(app, stripe, id);
    expect(settled.kept.map((p) => p.amount_cents)).toEqual([10000]);
  });

  it("an edit racing a payment at Stripe is refused, and the order is written as it was paid for", async () => {
    const { client } = await signedInCustomer(app);
    const id = await draftOrder(client, { pages: 5 });
    const first = sessionIdOf((await payByCard(client, id)).location);
    // The customer pays the open page just before Stripe is told to close it for the edit: closing it then fails.
    const gate = stripe.pauseNext("POST", `/v1/checkout/sessions/${first}/expire`);
    const edit = editOrder(client, id);
    await gate.arrived;
    stripe.completeSession(first);
    gate.release();
    const refused = await edit;
    expect(refused.status).toBe(503);
    expect(refused.text).toContain("The open card payment of this order could not be closed right now.");
    expect(await statusOf(id)).toBe("awaiting_payment");
    // The webhook follows: the order is written for what was paid.
    expect(await stripe.deliver(stripe.event("checkout.session.completed", stripe.sessions.get(first)))).toBe(200);
    const settled = await expectPaidEqualsWritten(app, stripe, id);
    expect(settled.kept.map((p) => p.amount_cents)).toEqual([2500]);
  });

  it("'Pay by card' and 'Edit order' sent together, five times: what is paid is the price of what is written, or refunded in full", async () => {
    const { client } = await signedInCustomer(app);
    for (let round = 0; round < 5; round++) {
      const id = await draftOrder(client, { pages: 5, topic: `Concurrent checkout and edit, round ${round + 1}` });
      await payByCard(client, id);
      const [card, edit] = await Promise.all([payByCard(client, id), editOrder(client, id)]);
      expect([302, 409, 503]).toContain(card.status);
      expect([302, 503]).toContain(edit.status);
      if ((await statusOf(id)) === "draft") {
        await changeDetails(client, id, 12);
        expect((await payByCard(client, id)).status).toBe(302);
      }
      // The customer pays every checkout page of this order still open: old price or new.
      for (const session of sessionsOf(stripe, id).filter((s) => s.status === "open"))
        await payOnStripe(stripe, session.id);
      await expectPaidEqualsWritten(app, stripe, id);
    }
  });
});

describe("item 7: money that cannot pay for an order is refunded or recorded, and the webhook answers 200", () => {
  it("a paid Checkout Session we never created is answered 200 and recorded for an admin; nothing is queued", async () => {
    const foreign = stripe.event("checkout.session.completed", {
      id: "cs_test_not_ours_0001",
      object: "checkout.session",
      status: "complete",
      payment_status: "paid",
      amount_total: 9900,
      currency: "eur",
      payment_intent: "pi_not_ours_0001",
      metadata: {},
    });
    expect(await stripe.deliver(foreign)).toBe(200);
    const incidents = await app.db
      .selectFrom("incidents")
      .selectAll()
      .where("kind", "=", "unknown_checkout_session")
      .execute();
    expect(incidents.map((i) => (i.details as { sessionId?: string }).sessionId)).toContain("cs_test_not_ours_0001");
    const event = await app.db
      .selectFrom("stripe_events")
      .select("processed_at")
      .where("id", "=", foreign.id)
      .executeTakeFirstOrThrow();
    expect(event.processed_at).toBeInstanceOf(Date);
  });

  it("a payment of another amount than asked (a promotion code, a bug) is answered 200, refunded in full and recorded", async () => {
    const { client, email } = await signedInCustomer(app);
    const id = await draftOrder(client, { pages: 5 });
    const session = stripe.sessions.get(sessionIdOf((await payByCard(client, id)).location))!;
    session.amount_total = 1234; // what Stripe took differs from the €25.00 we asked
    expect(await payOnStripe(stripe, session.id)).toBe(303);
    expect(stripe.deliveries.find((d) => d.type === "checkout.session.completed" && d.status !== 200)).toBeUndefined();

    const settled = await expectPaidEqualsWritten(app, stripe, id);
    expect(settled.payments).toEqual([
      expect.objectContaining({ amount_cents: 1234, refunded_cents: 1234, status: "refunded" }),
    ]);
    expect(await statusOf(id)).toBe("awaiting_payment");
    const incident = await app.db
      .selectFrom("incidents")
      .selectAll()
      .where("document_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(incident.kind).toBe("payment_mismatch");
    expect((await mailAbout(app, email, "Refund")).subject).toBe(
      "Refund of €12.34: The economics of medieval monasteries",
    );
  });
});

describe("item 8: partial refunds are counted once", () => {
  it("a partial refund is counted once when Stripe's charge.refunded reaches us before the refund job records it", async () => {
    const { client } = await signedInCustomer(app);
    const id = await draftOrder(client, { pages: 10 });
    expect(await payOnStripe(stripe, sessionIdOf((await payByCard(client, id)).location))).toBe(303);
    const payment = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("document_id", "=", id)
      .where("status", "=", "succeeded")
      .executeTakeFirstOrThrow();
    stripe.setRefundEvents("before-answer");
    try {
      const refunded = async (reason: string, amountCents: number) => {
        await boss.send(QUEUES.refundPayment, { paymentId: payment.id, reason, amountCents, documentId: id });
        await eventually(
          `the ${reason} refund`,
          async () =>
            (
              await app.db
                .selectFrom("refunds")
                .select("status")
                .where("idempotency_key", "=", `refund:${payment.id}:${reason}`)
                .executeTakeFirst()
            )?.status === "succeeded",
        );
        return app.db
          .selectFrom("payments")
          .select(["refunded_cents", "status"])
          .where("id", "=", payment.id)
          .executeTakeFirstOrThrow();
      };
      expect(await refunded("customer_request", 1000)).toEqual({ refunded_cents: 1000, status: "partially_refunded" });
      expect(await refunded("goodwill", 1500)).toEqual({ refunded_cents: 2500, status: "partially_refunded" });
    } finally {
      stripe.setRefundEvents("none");
    }
    // Stripe's events arrived first, each one answered 200.
    const events = stripe.deliveries.filter((d) => d.type === "charge.refunded");
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((d) => d.status === 200)).toBe(true);
    expect(
      stripe.refunds.filter((r) => r.payment_intent === payment.stripe_payment_intent_id).map((r) => r.amount),
    ).toEqual([1000, 1500]);
    // A replayed charge.refunded changes nothing.
    const last = stripe.event("charge.refunded", {
      object: "charge",
      payment_intent: payment.stripe_payment_intent_id,
      amount: 5000,
      amount_refunded: 2500,
    });
    expect(await stripe.deliver(last)).toBe(200);
    expect(
      await app.db
        .selectFrom("payments")
        .select("refunded_cents")
        .where("id", "=", payment.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ refunded_cents: 2500 });
  });
});

describe("item 14: the pay link of an unpaid order", () => {
  it("the 'pay' link of an unpaid order in the documents list and on the account page leads to a page that exists", async () => {
    const { client } = await signedInCustomer(app);
    const id = await draftOrder(client, { pages: 5, topic: "An unpaid order with a pay link" });
    await payByCard(client, id); // placed: awaiting payment
    expect(await statusOf(id)).toBe("awaiting_payment");
    for (const page of ["/documents", "/account"]) {
      const html = (await client.get(page)).text;
      const href = new RegExp(`href="(/orders/${id}/[a-z]+)"`).exec(html)?.[1];
      expect(href, `${page} links the order`).toBeDefined();
      const target = await client.get(href!);
      expect(target.status, `${page} → ${href}`).toBe(200);
      expect(target.text).toContain("Review and pay");
    }
  });
});
