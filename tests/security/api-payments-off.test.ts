import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, signedInCustomer, startApp } from "./app";
import { ApiChecker, callApi, expectApiError, keyFor } from "./api-client";

// Issue 22, item 2, on a server without card payment and without the development payment (as production without
// Stripe): an order can still be made, says it cannot be paid here, and the dev-payment endpoint does not exist.

let app: App;
let checker: ApiChecker;

beforeAll(async () => {
  app = await startApp({ ROLE: "web", ALLOW_DEV_PAYMENT: "false" });
  checker = await ApiChecker.load(app);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe("payments turned off", () => {
  it("an order gets no Checkout URL and no dev-payment path; dev-payment is a 404 and checkout a 503, and the order stays unpaid", async () => {
    const { userId } = await signedInCustomer(app);
    const key = await keyFor(app, userId);
    const body = {
      kind: "essay",
      topic: "Tithe barns and parish finance in Kent",
      pages: 5,
      language: "en",
      citationStyle: "mla9",
    };
    const created = await callApi(app, checker, "POST", "/orders", { key, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      checkoutUrl: null,
      devPaymentPath: null,
      order: { status: "awaiting_payment" },
    });
    const id = created.body.order.id;
    expectApiError(await callApi(app, checker, "POST", `/orders/${id}/dev-payment`, { key }), 404, "not_found");
    expectApiError(await callApi(app, checker, "POST", `/orders/${id}/checkout`, { key }), 503, "card_payment_off");
    const payments = await app.db.selectFrom("payments").select("id").where("document_id", "=", id).execute();
    expect(payments).toEqual([]);
  });
});
