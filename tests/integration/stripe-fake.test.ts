// The fake Stripe server answers the real `stripe` SDK the way Stripe does, so payment code tested against it is real.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseStripeForm, startFakeStripe, type FakeStripe } from "../fakes/stripe";

const WEBHOOK_SECRET = "whsec_test_fake_stripe_secret";
const DOCUMENT_ID = "6f1c2b8e-3c1d-4d0e-9d7a-1b2c3d4e5f60";

function clientFor(fake: FakeStripe): Stripe {
  return new Stripe("sk_test_fake", { host: fake.host, port: fake.port, protocol: "http", maxNetworkRetries: 0 });
}

function checkoutParams(): Stripe.Checkout.SessionCreateParams {
  return {
    mode: "payment",
    line_items: [
      { quantity: 1, price_data: { currency: "eur", unit_amount: 2500, product_data: { name: "Thesis, 10 pages" } } },
      { quantity: 2, price_data: { currency: "eur", unit_amount: 300, product_data: { name: "Express delivery" } } },
    ],
    metadata: { documentId: DOCUMENT_ID },
    client_reference_id: "user-42",
    customer_email: "ada@example.com",
    success_url: "http://app.test/documents/1?paid=1&session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://app.test/orders/new?cancelled=1",
  };
}

describe("the API, through the real SDK", () => {
  let fake: FakeStripe;
  let stripe: Stripe;

  beforeAll(async () => {
    fake = await startFakeStripe();
    stripe = clientFor(fake);
  });
  afterAll(() => fake?.close());

  it("creates and retrieves a Checkout Session from price_data line items, over Stripe's wire format", async () => {
    const session = await stripe.checkout.sessions.create(checkoutParams());
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_total: 3100,
      currency: "eur",
      metadata: { documentId: DOCUMENT_ID },
      client_reference_id: "user-42",
      customer_email: "ada@example.com",
      success_url: checkoutParams().success_url,
      cancel_url: checkoutParams().cancel_url,
      payment_intent: null,
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${fake.url}/checkout/${session.id}`);
    expect(session.expires_at).toBeGreaterThan(session.created);

    const sent = fake.requests.at(-1)!;
    expect(sent).toMatchObject({ method: "POST", path: "/v1/checkout/sessions", stripeVersion: Stripe.API_VERSION });
    // The SDK keys every POST itself, so retries of a lost answer never create twice.
    expect(sent.idempotencyKey).toMatch(/^stripe-node-retry-/);
    expect(sent.body).toMatchObject({
      line_items: [
        {
          quantity: "1",
          price_data: { unit_amount: "2500", currency: "eur", product_data: { name: "Thesis, 10 pages" } },
        },
        { quantity: "2" },
      ],
      metadata: { documentId: DOCUMENT_ID },
    });

    const again = await stripe.checkout.sessions.retrieve(session.id);
    expect(again).toMatchObject({ id: session.id, amount_total: 3100, status: "open" });
    const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ["line_items"] });
    expect(expanded.line_items?.data.map((item) => [item.description, item.quantity, item.amount_total])).toEqual([
      ["Thesis, 10 pages", 1, 2500],
      ["Express delivery", 2, 600],
    ]);
  });

  it("answers the same Idempotency-Key with the same session, and refuses it with other parameters", async () => {
    const before = fake.sessions.size;
    const first = await stripe.checkout.sessions.create(checkoutParams(), {
      idempotencyKey: `checkout-${DOCUMENT_ID}`,
    });
    const second = await stripe.checkout.sessions.create(checkoutParams(), {
      idempotencyKey: `checkout-${DOCUMENT_ID}`,
    });
    expect(second.id).toBe(first.id);
    expect(fake.sessions.size).toBe(before + 1);
    expect(fake.requests.at(-1)!.idempotencyKey).toBe(`checkout-${DOCUMENT_ID}`);

    const other = { ...checkoutParams(), client_reference_id: "someone-else" };
    await expect(
      stripe.checkout.sessions.create(other, { idempotencyKey: `checkout-${DOCUMENT_ID}` }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it("expires an open session once, and knows no unknown session", async () => {
    const session = await stripe.checkout.sessions.create(checkoutParams());
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ id: session.id, status: "expired", url: null });
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
    await expect(stripe.checkout.sessions.retrieve("cs_test_nope")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      code: "resource_missing",
      statusCode: 404,
    });
  });

  it("refunds part, then the remainder, of a paid session; refuses more; replays an idempotent refund", async () => {
    const created = await stripe.checkout.sessions.create(checkoutParams());
    const paid = fake.completeSession(created.id);
    expect(paid).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(paid.payment_intent).toMatch(/^pi_/);
    const session = await stripe.checkout.sessions.retrieve(created.id, { expand: ["payment_intent"] });
    const paymentIntent = session.payment_intent as Stripe.PaymentIntent;
    expect(paymentIntent).toMatchObject({ id: paid.payment_intent, amount: 3100, status: "succeeded" });

    const partial = await stripe.refunds.create({
      payment_intent: paymentIntent.id,
      amount: 1000,
      metadata: { documentId: DOCUMENT_ID },
    });
    expect(partial).toMatchObject({
      object: "refund",
      status: "succeeded",
      amount: 1000,
      currency: "eur",
      payment_intent: paymentIntent.id,
      metadata: { documentId: DOCUMENT_ID },
    });
    expect(partial.id).toMatch(/^re_/);
    expect(fake.requests.at(-1)!.body).toMatchObject({ amount: "1000", metadata: { documentId: DOCUMENT_ID } });

    const rest = await stripe.refunds.create({ payment_intent: paymentIntent.id, reason: "requested_by_customer" });
    expect(rest).toMatchObject({ amount: 2100, status: "succeeded", reason: "requested_by_customer" });
    expect(await stripe.refunds.retrieve(rest.id)).toMatchObject({ id: rest.id, amount: 2100 });

    const refused = stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 1 });
    await expect(refused).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(refused).rejects.toMatchObject({ code: "charge_already_refunded", statusCode: 400 });

    // Idempotent: the same key twice makes one refund.
    const second = fake.completeSession((await stripe.checkout.sessions.create(checkoutParams())).id);
    const key = `refund-${second.id}`;
    const a = await stripe.refunds.create(
      { payment_intent: second.payment_intent, amount: 3000 },
      { idempotencyKey: key },
    );
    const b = await stripe.refunds.create(
      { payment_intent: second.payment_intent, amount: 3000 },
      { idempotencyKey: key },
    );
    expect(b.id).toBe(a.id);
    expect(fake.refunds.filter((r) => r.payment_intent === second.payment_intent)).toHaveLength(1);

    // 100 cents remain: asking for 200 is refused, and nothing more is refunded.
    await expect(stripe.refunds.create({ payment_intent: second.payment_intent, amount: 200 })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      code: "charge_already_refunded",
      message: "Refund amount (€2.00) is greater than unrefunded amount on charge (€1.00)",
    });
    const listed = await stripe.refunds.list({ payment_intent: second.payment_intent });
    expect(listed.data.map((r) => r.amount)).toEqual([3000]);
  });

  it("injects API errors that the SDK maps to its error classes", async () => {
    const session = await stripe.checkout.sessions.create(checkoutParams());
    fake.failNext(500);
    await expect(stripe.checkout.sessions.retrieve(session.id)).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    fake.failNext(429, 2);
    await expect(stripe.checkout.sessions.retrieve(session.id)).rejects.toBeInstanceOf(
      Stripe.errors.StripeRateLimitError,
    );
    await expect(stripe.refunds.create({ payment_intent: "pi_x" })).rejects.toBeInstanceOf(
      Stripe.errors.StripeRateLimitError,
    );
    expect((await stripe.checkout.sessions.retrieve(session.id)).id).toBe(session.id);
  });

  it("signs events that stripe.webhooks.constructEvent accepts, and a tampered payload fails", async () => {
    const session = fake.completeSession((await stripe.checkout.sessions.create(checkoutParams())).id);
    const event = fake.event("checkout.session.completed", session);
    expect(event).toMatchObject({
      object: "event",
      type: "checkout.session.completed",
      livemode: false,
      api_version: Stripe.API_VERSION,
    });
    expect(event.id).toMatch(/^evt_/);

    const { payload, headers } = fake.signed(event, WEBHOOK_SECRET);
    const verified = stripe.webhooks.constructEvent(payload, headers["Stripe-Signature"], WEBHOOK_SECRET);
    expect(verified.id).toBe(event.id);
    expect(verified.type).toBe("checkout.session.completed");
    expect((verified.data.object as Stripe.Checkout.Session).metadata).toEqual({ documentId: DOCUMENT_ID });

    const tampered = payload.replace('"amount_total": 3100', '"amount_total": 1');
    expect(tampered).not.toBe(payload);
    expect(() => stripe.webhooks.constructEvent(tampered, headers["Stripe-Signature"], WEBHOOK_SECRET)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => stripe.webhooks.constructEvent(payload, headers["Stripe-Signature"], "whsec_other")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });
});

it("parses Stripe's bracketed form keys into objects and arrays, keeping values as strings", () => {
  expect(
    parseStripeForm(
      "line_items[0][price_data][unit_amount]=2500&line_items[0][quantity]=1&metadata[documentId]=abc&metadata[0]=zero&expand[]=a&expand[]=b&customer_email=ada%40example.com&note=a+b",
    ),
  ).toEqual({
    line_items: [{ price_data: { unit_amount: "2500" }, quantity: "1" }],
    metadata: { documentId: "abc", "0": "zero" },
    expand: ["a", "b"],
    customer_email: "ada@example.com",
    note: "a b",
  });
});

describe("the hosted checkout page", () => {
  let fake: FakeStripe;
  let stripe: Stripe;
  let receiver: Server;
  const received: { event: Stripe.Event; contentType: string | undefined }[] = [];

  beforeAll(async () => {
    // Stands in for the app's webhook route: verifies the signature over the raw body, as the app must.
    receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      try {
        const event = Stripe.webhooks.constructEvent(
          Buffer.concat(chunks),
          String(req.headers["stripe-signature"]),
          WEBHOOK_SECRET,
        );
        received.push({ event, contentType: req.headers["content-type"] });
        res.writeHead(200).end("ok");
      } catch {
        res.writeHead(400).end("bad signature");
      }
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const { port } = receiver.address() as AddressInfo;
    fake = await startFakeStripe({
      webhookUrl: `http://127.0.0.1:${port}/api/stripe/webhook`,
      webhookSecret: WEBHOOK_SECRET,
    });
    stripe = clientFor(fake);
  });
  afterAll(async () => {
    await fake?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it("shows the amount and a Pay button, loads nothing external, and pays with a form post", async () => {
    const session = await stripe.checkout.sessions.create(checkoutParams());
    const page = await fetch(session.url!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Fake Stripe Checkout");
    expect(html).toContain("€31.00");
    expect(html).toMatch(/<button[^>]*>Pay<\/button>/);
    expect(html).toContain(`<form method="post" action="/checkout/${session.id}/pay">`);
    expect(html).toContain(`href="/checkout/${session.id}/cancel"`);
    expect(html).not.toMatch(/<script|<link|<img|src=/i);

    const paid = await fetch(`${fake.url}/checkout/${session.id}/pay`, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`http://app.test/documents/1?paid=1&session_id=${session.id}`);

    expect(received).toHaveLength(1);
    const [{ event, contentType }] = received;
    expect(contentType).toMatch(/^application\/json/);
    expect(event.type).toBe("checkout.session.completed");
    const object = event.data.object as Stripe.Checkout.Session;
    expect(object).toMatchObject({
      id: session.id,
      status: "complete",
      payment_status: "paid",
      amount_total: 3100,
      metadata: { documentId: DOCUMENT_ID },
    });
    expect(fake.deliveries).toEqual([{ eventId: event.id, type: "checkout.session.completed", status: 200 }]);

    const after = await stripe.checkout.sessions.retrieve(session.id);
    expect(after).toMatchObject({ status: "complete", payment_status: "paid", payment_intent: object.payment_intent });
    const refund = await stripe.refunds.create({ payment_intent: after.payment_intent as string });
    expect(refund.amount).toBe(3100);

    // Paying again only redirects: no second payment, no second event.
    const again = await fetch(`${fake.url}/checkout/${session.id}/pay`, { method: "POST", redirect: "manual" });
    expect(again.status).toBe(303);
    expect(fake.deliveries).toHaveLength(1);
  });

  it("Cancel goes back to cancel_url; an expired session cannot be paid", async () => {
    const session = await stripe.checkout.sessions.create(checkoutParams());
    const cancel = await fetch(`${fake.url}/checkout/${session.id}/cancel`, { redirect: "manual" });
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get("location")).toBe("http://app.test/orders/new?cancelled=1");

    await stripe.checkout.sessions.expire(session.id);
    const pay = await fetch(`${fake.url}/checkout/${session.id}/pay`, { method: "POST", redirect: "manual" });
    expect(pay.status).toBe(410);
    expect(fake.sessions.get(session.id).status).toBe("expired");
    // Like Stripe, the fake tells the endpoint about an expiry asynchronously.
    await vi.waitFor(() =>
      expect(fake.deliveries.at(-1)).toMatchObject({ type: "checkout.session.expired", status: 200 }),
    );
  });
});
