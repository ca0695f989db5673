import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../fakes/webhook-receiver";
import { insertDeliveredDocument } from "../setup/documents";
import { eventually } from "../setup/fixtures";
import { type App, signedInCustomer, startApp } from "./app";

// Issue 22, item 5: no server-side request forgery through a webhook endpoint. With private URLs not allowed (as in
// production), a URL reaching this machine, a private network or the cloud's metadata service is refused when it is
// registered, and again at delivery after DNS resolution (a name that came to resolve to such an address).

let app: App;
let receiver: WebhookReceiver;

beforeAll(async () => {
  app = await startApp({ WEBHOOK_ALLOW_PRIVATE_URLS: "false", WEBHOOK_RETRY_DELAY_SECONDS: "1" });
  receiver = await startWebhookReceiver();
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await receiver?.close();
});

describe("webhook endpoints and private addresses", () => {
  it("127.0.0.1, 10.x, 169.254.169.254, [::1], a mapped ::ffff:127.0.0.1 and localhost are refused when registered", async () => {
    const { client, userId } = await signedInCustomer(app);
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "https://10.1.2.3/hook",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]:3000/hook",
      "http://[::ffff:127.0.0.1]/hook",
      `http://localhost:${new URL(receiver.url).port}/hook`,
    ]) {
      const answer = await client.post("/account/webhooks", { intent: "create", url, events: "order.paid" });
      expect(answer.status, url).toBe(400);
      expect(answer.text, url).toContain("This address belongs to a private or local network");
    }
    expect(await app.db.selectFrom("webhook_endpoints").select("id").where("user_id", "=", userId).execute()).toEqual(
      [],
    );
    expect(receiver.received).toEqual([]);
  });

  it("a delivery to a name that now resolves to 127.0.0.1 is refused at delivery: no request, no retry, marked failed", async () => {
    const { client, userId } = await signedInCustomer(app);
    // Registered while the name was public (as if its DNS changed since): written as the form would have.
    const endpoint = await app.db
      .insertInto("webhook_endpoints")
      .values({
        user_id: userId,
        url: `http://localhost:${new URL(receiver.url).port}/hook`,
        events: ["order.paid"],
        secret: "whsec_rebinding_test_secret",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const order = await insertDeliveredDocument(app.db, userId);
    const event = await app.db
      .insertInto("webhook_events")
      .values({
        user_id: userId,
        document_id: order.id,
        type: "order.paid",
        data: JSON.stringify({ orderId: order.id }),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const first = await app.db
      .insertInto("webhook_deliveries")
      .values({ event_id: event.id, endpoint_id: endpoint.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    // The customer's Resend sends a delivery through the worker.
    const resent = await client.post(`/account/webhooks/${endpoint.id}`, { intent: "resend", deliveryId: first.id });
    expect(resent.status).toBe(200);
    const refused = await eventually("the resent delivery to be refused", async () =>
      app.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("endpoint_id", "=", endpoint.id)
        .where("id", "!=", first.id)
        .where("state", "=", "failed")
        .executeTakeFirst(),
    );
    expect(refused).toMatchObject({ attempts: 1, status_code: null });
    expect(refused.error).toMatch(/private, loopback or link-local/);
    expect(receiver.received).toEqual([]);
  });
});
