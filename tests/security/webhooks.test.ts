import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeStripe } from "../fakes/stripe";
import { startWebhookReceiver, verifyWebhookSignature, type WebhookReceiver } from "../fakes/webhook-receiver";
import { eventually } from "../setup/fixtures";
import { type App, Client, signedInCustomer } from "./app";
import { draftOrder, payByCard, payOnStripe, sessionIdOf, startAppWithStripe } from "./money-app";

// Issue 22, item 5: webhooks to customers, over HTTP against the running app (web + worker, offline writer, the fake
// Stripe) with a sample consumer that verifies every signature the documented way.

let app: App;
let stripe: FakeStripe;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // Retries a second apart instead of a minute; info logs, so the secret's absence from them means something.
  ({ app, stripe } = await startAppWithStripe({ WEBHOOK_RETRY_DELAY_SECONDS: "1", LOG_LEVEL: "info" }));
  receiver = await startWebhookReceiver();
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await stripe?.close();
  await receiver?.close();
});

const ALL_EVENTS = ["order.paid", "order.progress", "order.completed", "order.failed", "order.refunded"];

/** Registers an endpoint through the webhooks page's form; returns its id and the secret the answer shows once. */
async function registerEndpoint(client: Client, url: string, events = ALL_EVENTS) {
  const form = new URLSearchParams({ intent: "create", url });
  for (const event of events) form.append("events", event);
  const answer = await client.post("/account/webhooks", form);
  expect(answer.status, answer.text).toBe(200);
  const secret = /whsec_[A-Za-z0-9_-]{43}/.exec(answer.text)?.[0];
  expect(secret).toBeDefined();
  const endpoint = await app.db
    .selectFrom("webhook_endpoints")
    .select("id")
    .where("url", "=", url)
    .executeTakeFirstOrThrow();
  return { id: endpoint.id, secret: secret! };
}

/** An order of 5 pages paid by card on the fake Stripe, over HTTP. */
async function paidOrder(client: Client, topic: string) {
  const id = await draftOrder(client, { pages: 5, topic });
  expect(await payOnStripe(stripe, sessionIdOf((await payByCard(client, id)).location))).toBe(303);
  return id;
}

const messagesOf = (orderId: string) => receiver.received.filter((m) => m.event.data?.orderId === orderId);

let customer: { client: Client; userId: string; email: string };
let endpoint: { id: string; secret: string };
let orderId: string;

describe("webhooks to customers", () => {
  it("a paid order written by the offline pipeline tells order.paid, each 10 % step at most once, then order.completed, all signed", async () => {
    customer = await signedInCustomer(app);
    endpoint = await registerEndpoint(customer.client, `${receiver.url}/tesigo`);
    receiver.setSecret("/tesigo", endpoint.secret);
    orderId = await paidOrder(customer.client, "Signed messages about monasteries");

    await eventually(
      "order.completed at the receiver",
      async () => messagesOf(orderId).some((m) => m.event.type === "order.completed"),
      120_000,
    );
    const messages = messagesOf(orderId).sort((a, b) => a.event.created.localeCompare(b.event.created));
    expect(messages.every((m) => m.verified && m.status === 200)).toBe(true);
    expect(messages.every((m) => m.headers["tesigo-event"] === m.event.type)).toBe(true);
    const types = messages.map((m) => m.event.type);
    expect(types[0]).toBe("order.paid");
    expect(types.at(-1)).toBe("order.completed");
    const progress = messages.filter((m) => m.event.type === "order.progress").map((m) => m.event.data.percent);
    expect(types.slice(1, -1)).toEqual(progress.map(() => "order.progress"));
    expect(progress.length).toBeGreaterThan(0);
    // Each step once, rising, in tens below 100.
    expect(progress).toEqual([...new Set(progress)].sort((a, b) => a - b));
    expect(progress.every((p) => p % 10 === 0 && p >= 10 && p <= 90)).toBe(true);
    expect(new Set(messages.map((m) => m.event.id)).size).toBe(messages.length);
    expect(messages[0]!.event.data).toMatchObject({ orderId, status: "queued", amountCents: 2500, currency: "eur" });
    // Every delivery recorded as delivered at the first attempt, with the receiver's answer.
    const deliveries = await app.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("endpoint_id", "=", endpoint.id)
      .execute();
    expect(deliveries.length).toBe(messages.length);
    expect(deliveries.every((d) => d.state === "succeeded" && d.attempts === 1 && d.status_code === 200)).toBe(true);
    expect(deliveries.every((d) => d.response_excerpt === "ok")).toBe(true);
  }, 150_000);

  it("the sample consumer refuses a message verified with another secret, or whose body was changed", () => {
    const message = messagesOf(orderId)[0]!;
    const signature = message.headers["tesigo-signature"] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(endpoint.secret, signature, message.body)).toBe(true);
    expect(verifyWebhookSignature(`${endpoint.secret}x`, signature, message.body)).toBe(false);
    expect(verifyWebhookSignature(endpoint.secret, signature, message.body.replace("order.", "order!"))).toBe(false);
    // A replay an hour later is refused for its old timestamp.
    expect(verifyWebhookSignature(endpoint.secret, signature, message.body, Math.floor(Date.now() / 1000) + 3600)).toBe(
      false,
    );
  });

  it("a refund of the whole order (in Stripe's dashboard) tells order.refunded", async () => {
    const payment = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("document_id", "=", orderId)
      .executeTakeFirstOrThrow();
    const refund = stripe.event("charge.refunded", {
      object: "charge",
      payment_intent: payment.stripe_payment_intent_id,
      amount: payment.amount_cents,
      amount_refunded: payment.amount_cents,
    });
    expect(await stripe.deliver(refund)).toBe(200);
    const message = await eventually("order.refunded at the receiver", async () =>
      messagesOf(orderId).find((m) => m.event.type === "order.refunded"),
    );
    expect(message.verified).toBe(true);
    expect(message.event.data).toMatchObject({ orderId, status: "refunded", refundedCents: 2500, currency: "eur" });
  });

  it("a receiver that answers 500 gets the same event again later; the log shows the delivered second attempt", async () => {
    const other = await signedInCustomer(app);
    const flaky = await registerEndpoint(other.client, `${receiver.url}/flaky`, ["order.paid"]);
    receiver.setSecret("/flaky", flaky.secret);
    receiver.failNext(500);
    const id = await paidOrder(other.client, "Retried messages about monasteries");
    const delivered = await eventually("the retried delivery to succeed", async () =>
      app.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("endpoint_id", "=", flaky.id)
        .where("state", "=", "succeeded")
        .executeTakeFirst(),
    );
    expect(delivered).toMatchObject({ attempts: 2, status_code: 200 });
    const received = messagesOf(id);
    expect(received.map((m) => m.status)).toEqual([500, 200]);
    expect(received[0]!.event.id).toBe(received[1]!.event.id);
    expect(received[0]!.headers["tesigo-delivery"]).toBe(received[1]!.headers["tesigo-delivery"]);
    expect(received.every((m) => m.verified)).toBe(true);
    const log = await other.client.get(`/account/webhooks/${flaky.id}`);
    expect(log.status).toBe(200);
    expect(log.text).toContain("order.paid");
    expect(log.text).toMatch(/>200<\/td><td class="p-3">2</);
  });

  it("Resend delivers the same event again as a new delivery, for the endpoint's owner only", async () => {
    const before = messagesOf(orderId).length;
    const paid = await app.db
      .selectFrom("webhook_deliveries as d")
      .innerJoin("webhook_events as v", "v.id", "d.event_id")
      .select(["d.id", "v.id as event_id"])
      .where("d.endpoint_id", "=", endpoint.id)
      .where("v.type", "=", "order.paid")
      .executeTakeFirstOrThrow();
    const stranger = await signedInCustomer(app);
    const refused = await stranger.client.post(`/account/webhooks/${endpoint.id}`, {
      intent: "resend",
      deliveryId: paid.id,
    });
    expect(refused.status).toBe(404);
    const resent = await customer.client.post(`/account/webhooks/${endpoint.id}`, {
      intent: "resend",
      deliveryId: paid.id,
    });
    expect(resent.status).toBe(200);
    const again = await eventually("the resent order.paid", async () => messagesOf(orderId).slice(before)[0]);
    expect(again.event.id).toBe(paid.event_id);
    expect(again.headers["tesigo-delivery"]).not.toBe(paid.id);
    expect(again.verified).toBe(true);
    const withoutDelivery = await customer.client.post(`/account/webhooks/${endpoint.id}`, { intent: "resend" });
    expect(withoutDelivery.status).toBe(400);
  });

  it("another customer's endpoint, an unknown and a malformed id are the same 404; signed out is sent to sign in", async () => {
    const stranger = await signedInCustomer(app);
    // The same page but for the id asked and the script nonce.
    const withoutIds = (text: string) => text.replaceAll(/[0-9a-f-]{36}|not-an-id|nonce="[^"]*"/g, "");
    const notFound = await stranger.client.get(`/account/webhooks/${crypto.randomUUID()}`);
    expect(notFound.status).toBe(404);
    expect(notFound.text).toContain("This endpoint does not exist.");
    for (const path of [`/account/webhooks/${endpoint.id}`, "/account/webhooks/not-an-id"]) {
      const answer = await stranger.client.get(path);
      expect(answer.status, path).toBe(404);
      expect(withoutIds(answer.text)).toBe(withoutIds(notFound.text));
    }
    for (const intent of ["disable", "delete"]) {
      const answer = await stranger.client.post("/account/webhooks", { intent, endpointId: endpoint.id });
      expect(answer.status, intent).toBe(404);
    }
    expect(
      await app.db
        .selectFrom("webhook_endpoints")
        .select("disabled_at")
        .where("id", "=", endpoint.id)
        .executeTakeFirst(),
    ).toEqual({ disabled_at: null });
    const signedOut = await new Client(app).get(`/account/webhooks/${endpoint.id}`);
    expect(signedOut.status).toBe(302);
    expect(signedOut.location).toMatch(/^\/login/);
  });

  it("an endpoint's secret is shown once: never on its pages, in the data export or in the server's log", async () => {
    for (const path of ["/account/webhooks", `/account/webhooks/${endpoint.id}`, "/account/export"]) {
      const answer = await customer.client.get(path);
      expect(answer.status, path).toBe(200);
      expect(answer.text, path).not.toContain(endpoint.secret);
    }
    const exported = JSON.parse((await customer.client.get("/account/export")).text) as {
      webhook_endpoints: { url: string }[];
    };
    expect(exported.webhook_endpoints.map((e) => e.url)).toEqual([`${receiver.url}/tesigo`]);
    expect(app.output()).toContain("webhook delivery");
    expect(app.output()).not.toContain(endpoint.secret);
  });

  it("a form that is not right is refused with a message: no URL, not a web address, no event; fifteen endpoints at once make 10", async () => {
    const { client, userId } = await signedInCustomer(app);
    const refusals: [Record<string, string>, string][] = [
      [{ intent: "create", url: "", events: "order.paid" }, "Type the address of your endpoint."],
      [{ intent: "create", url: "ftp://example.com/hook", events: "order.paid" }, "This is not a web address"],
      [{ intent: "create", url: "https://example.com/hook" }, "Choose at least one event."],
      [{ intent: "create", url: "https://example.com/hook", events: "order.shipped" }, "not an event TesiGo sends"],
      [{ intent: "launch" }, "Choose one of the buttons on the page."],
    ];
    for (const [form, text] of refusals) {
      const answer = await client.post("/account/webhooks", form);
      expect(answer.status, JSON.stringify(form)).toBe(400);
      expect(answer.text).toContain(text);
    }
    // Fifteen clicks at once: exactly the 10 an account may hold.
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, n) =>
        client.post("/account/webhooks", {
          intent: "create",
          url: `https://example.com/hook/${n}`,
          events: "order.paid",
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    const refused = answers.filter((a) => a.status === 409);
    expect(refused).toHaveLength(5);
    expect(refused[0]!.text).toContain("You have 10 endpoints");
    const count = await app.db
      .selectFrom("webhook_endpoints")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(count.n).toBe("10");
  });
});
