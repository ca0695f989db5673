// Issue 16, item 6: every paid order ends delivered or refunded, over HTTP against the running app. Its writer (the fake
// OpenAI) refuses every call here, so every order's generation fails.
import { sql } from "kysely";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOpenIncidents } from "../../app/models/incidents.server";
import { listFailedRefunds, retryFailedRefund } from "../../app/models/refunds.server";
import { useBoss } from "../../app/jobs/queue.server";
import { QUEUES } from "../../app/jobs/definitions";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import type { FakeStripe } from "../fakes/stripe";
import { eventually, insertUser } from "../setup/fixtures";
import { type App, type Client, signedInCustomer } from "./app";
import {
  draftOrder,
  expectPaidEqualsWritten,
  mailAbout,
  payByCard,
  payOnStripe,
  queueOf,
  sessionIdOf,
  startAppWithStripe,
} from "./money-app";

let app: App;
let stripe: FakeStripe;
let openai: FakeOpenAI;
let boss: PgBoss;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  ({ app, stripe } = await startAppWithStripe({
    OPENAI_API_KEY: "sk-fake-dead-letters",
    OPENAI_BASE_URL: openai.url,
    AI_FALLBACK_CHAIN: "",
  }));
  boss = useBoss(await queueOf(app));
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await app?.stop();
  await stripe?.close();
  await openai?.close();
});

/** An order of 5 pages paid by card over HTTP; its generation starts and fails (every writer call is refused). */
async function paidOrder(topic: string) {
  const customer = await signedInCustomer(app);
  const id = await draftOrder(customer.client, { pages: 5, topic });
  openai.failNext({ status: 401, message: "invalid key (injected)" }, 10_000);
  expect(await payOnStripe(stripe, sessionIdOf((await payByCard(customer.client, id)).location))).toBe(303);
  const payment = await app.db
    .selectFrom("payments")
    .selectAll()
    .where("document_id", "=", id)
    .where("status", "=", "succeeded")
    .executeTakeFirstOrThrow();
  return { ...customer, id, payment };
}

describe("item 6: a job that dead-letters never leaves money behind", () => {
  it("a paid order whose generation dead-letters is refunded in full, its customer emailed, and an admin finds an incident", async () => {
    const { client, email, id } = await paidOrder("A paid order whose outline cannot be written");
    // The plan's last try fails (this delivery has no retries left): pg-boss moves it to the dead-letter queue.
    await boss.send(QUEUES.planDocument, { documentId: id }, { retryLimit: 0 });

    const document = await eventually("the order to be refunded", async () => {
      const row = await app.db.selectFrom("documents").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return row.status === "refunded" ? row : undefined;
    });
    expect(document.failure_reason).toBe(
      'Generation stopped at the "document.plan" step after repeated errors. Your payment is refunded in full, and our team has been notified.',
    );
    await expectPaidEqualsWritten(app, stripe, id);

    const failed = await mailAbout(app, email, "We could not finish your document");
    expect(failed.text).toContain("We are refunding your payment of €25.00 in full");
    expect((await mailAbout(app, email, "Refund")).subject).toBe(
      "Refund of €25.00: A paid order whose outline cannot be written",
    );

    const incident = (await listOpenIncidents(app.db)).find((i) => i.document_id === id);
    expect(incident).toMatchObject({ kind: "generation_failed", customer_email: email });
    expect(incident!.summary).toMatch(/Order failed at "document\.plan": Every writer in the chain failed/);

    const page = await client.get(`/documents/${id}`);
    expect(page.text).toContain("Your payment is refunded in full");
    // The refunds list: "€25.00 · 6 Dec 2026 · refunded (generation failed)".
    expect(page.text.replaceAll("<!-- -->", "")).toMatch(
      /€25\.00 · \d{1,2} [A-Z][a-z]{2,3} \d{4} · refunded \(generation failed\)/,
    );
  });

  it("a refund job that dead-letters stays a failed refund an admin can list and retry; the retry pays out once", async () => {
    const { email, id, payment } = await paidOrder("A paid order whose refund fails at first");
    stripe.failNext(500, 2); // the SDK tries twice
    await boss.send(
      QUEUES.refundPayment,
      { paymentId: payment.id, reason: "customer_request", documentId: id },
      { retryLimit: 0 },
    );

    const failed = await eventually("the refund to fail for good", async () =>
      (await listFailedRefunds(app.db)).find((r) => r.payment_id === payment.id),
    );
    expect(failed).toMatchObject({
      amount_cents: 2500,
      reason: "customer_request",
      customer_email: email,
      document_id: id,
    });
    expect(failed.last_error).toMatch(/Injected 500/);
    expect((await listOpenIncidents(app.db)).find((i) => i.refund_id === failed.id)).toMatchObject({
      kind: "refund_failed",
      document_id: id,
    });
    // The order itself is untouched by its refund's failure (it is not marked failed for it).
    expect(
      (await app.db.selectFrom("documents").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status,
    ).not.toBe("failed");
    expect(stripe.refunds.filter((r) => r.payment_intent === payment.stripe_payment_intent_id)).toEqual([]);

    const admin = await insertUser(app.db);
    await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
    expect(await retryFailedRefund(app.db, failed.id, admin.id)).toBe(true);
    expect(await retryFailedRefund(app.db, failed.id, admin.id)).toBe(false); // a second click queues nothing

    await eventually(
      "the retried refund to succeed",
      async () =>
        (await app.db.selectFrom("refunds").select("status").where("id", "=", failed.id).executeTakeFirstOrThrow())
          .status === "succeeded",
    );
    expect(
      stripe.refunds.filter((r) => r.payment_intent === payment.stripe_payment_intent_id).map((r) => r.amount),
    ).toEqual([2500]);
    expect(
      await app.db
        .selectFrom("payments")
        .select(["status", "refunded_cents"])
        .where("id", "=", payment.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      status: "refunded",
      refunded_cents: 2500,
    });
    expect((await listFailedRefunds(app.db)).find((r) => r.id === failed.id)).toBeUndefined();
    expect((await listOpenIncidents(app.db)).find((i) => i.refund_id === failed.id)).toBeUndefined();
    const audit = await app.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "refund.retried")
      .where("target_id", "=", failed.id)
      .execute();
    expect(audit).toEqual([expect.objectContaining({ actor_user_id: admin.id })]);
    expect((await mailAbout(app, email, "Refund")).subject).toBe(
      "Refund of €25.00: A paid order whose refund fails at first",
    );
  });
});

/** An admin's client (a customer made admin), for /admin/jobs. */
async function adminClient(): Promise<{ client: Client; userId: string }> {
  const signedIn = await signedInCustomer(app);
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", signedIn.userId).execute();
  return signedIn;
}

/** The dead letter the worker recorded for a job of `queue` whose payload's `key` is `value`. */
function deadLetterOf(queue: string, key: string, value: string) {
  return eventually(`the ${queue} dead letter to be recorded`, () =>
    app.db
      .selectFrom("dead_letters")
      .selectAll()
      .where("queue", "=", queue)
      .where(sql<string>`payload->>${key}`, "=", value)
      .executeTakeFirst(),
  );
}

describe("issue 18, item 5: the dead letters of paid orders at /admin/jobs", () => {
  it("a job that died for real is listed with the writer's error, and retrying it is refused because its order was failed and refunded", async () => {
    const { id } = await paidOrder("An order whose outline dies for real");
    await boss.send(QUEUES.planDocument, { documentId: id }, { retryLimit: 0 });
    const letter = await deadLetterOf(QUEUES.planDocument, "documentId", id);
    expect(letter.error).toMatch(/Every writer in the chain failed/);
    await eventually("the order to be refunded", async () =>
      (await app.db.selectFrom("documents").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status ===
      "refunded"
        ? true
        : undefined,
    );

    const { client } = await adminClient();
    const page = (await client.get("/admin/jobs")).text.replaceAll("<!-- -->", "");
    const row = page.slice(page.indexOf(`data-dead-letter="${letter.id}"`));
    expect(row).toMatch(/^[^]*?Every writer in the chain failed[^]*?<\/tr>/);
    expect(row.slice(0, row.indexOf("</tr>"))).toContain("Retry is refused: its order is failed and refunded in full");
    const retry = await client.post("/admin/jobs", { intent: "retry", ids: letter.id });
    expect(retry.status).toBe(409);
    expect(
      (await app.db.selectFrom("documents").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status,
    ).toBe("refunded");
    await expectPaidEqualsWritten(app, stripe, id);
  });

  it("a dead refund retried from /admin/jobs is paid out once, as its failed refund, and a second retry sends nothing", async () => {
    const { id, payment } = await paidOrder("An order whose refund dies, then is retried from the jobs page");
    stripe.failNext(500, 2); // the SDK tries twice
    await boss.send(
      QUEUES.refundPayment,
      { paymentId: payment.id, reason: "customer_request", documentId: id },
      { retryLimit: 0 },
    );
    const letter = await deadLetterOf(QUEUES.refundPayment, "paymentId", payment.id);
    const failed = await eventually("the refund to fail for good", async () =>
      (await listFailedRefunds(app.db)).find((r) => r.payment_id === payment.id),
    );

    const admin = await adminClient();
    const page = (await admin.client.get("/admin/jobs")).text;
    expect(page).toContain("Retry sends the failed refund again with the same idempotency key");
    const retry = await admin.client.post("/admin/jobs", { intent: "retry", ids: letter.id, reason: "Stripe is back" });
    expect(retry.status).toBe(200);
    expect((await admin.client.post("/admin/jobs", { intent: "retry", ids: letter.id })).status).toBe(409);

    await eventually("the retried refund to succeed", async () =>
      (await app.db.selectFrom("refunds").select("status").where("id", "=", failed.id).executeTakeFirstOrThrow())
        .status === "succeeded"
        ? true
        : undefined,
    );
    expect(
      stripe.refunds.filter((r) => r.payment_intent === payment.stripe_payment_intent_id).map((r) => r.amount),
    ).toEqual([2500]);
    expect((await listOpenIncidents(app.db)).find((i) => i.refund_id === failed.id)).toBeUndefined();
    const audit = await app.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "job.retried")
      .where("target_id", "=", letter.id)
      .execute();
    expect(audit).toEqual([expect.objectContaining({ actor_user_id: admin.userId, reason: "Stripe is back" })]);
    expect(audit[0]!.details).toMatchObject({ queue: "payment.refund", refundId: failed.id, documentId: id });
  });
});
