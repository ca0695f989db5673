import type PgBoss from "pg-boss";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCheckout, submitOrder } from "../../app/models/checkout.server";
import { createDocument } from "../../app/models/documents.server";
import { useDatabase } from "../../app/utils/db.server";
import { logger } from "../../app/utils/logger.server";
import { useBoss } from "../../app/jobs/queue.server";
import { action as webhook } from "../../app/routes/api.stripe.webhook";
import { LlmRouter } from "../../worker/llm/router";
import { OfflineWriter } from "../../worker/llm/offline";
import { refundPayment } from "../../worker/jobs/refund-payment";
import { QUEUES } from "../../app/jobs/definitions";
import type { PipelineContext } from "../../worker/context";
import { createPipelineMachinery } from "../../worker/machinery";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser, startTestBoss } from "../setup/fixtures";

const WEBHOOK_SECRET = "whsec_test_payments_suite";
let database: TestDatabase;
let boss: PgBoss;
let stripe: FakeStripe;
let ctx: PipelineContext;

beforeAll(async () => {
  stripe = await startFakeStripe();
  // Read by getEnv() and getStripe() on first use, which is below.
  process.env.STRIPE_SECRET_KEY = "sk_test_fake";
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  process.env.STRIPE_API_URL = stripe.url;
  database = await createTestDatabase();
  useDatabase(database.db);
  // No worker runs here: jobs stay in the queue where the tests can count them.
  boss = useBoss(await startTestBoss(database.url));
  ctx = {
    db: database.db,
    router: new LlmRouter([new OfflineWriter()]),
    log: logger,
    sectionConcurrency: 1,
    completionThreshold: 0.85,
    machinery: createPipelineMachinery(),
  };
});

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await stripe?.close();
  await database?.destroy();
});

async function orderWithCheckout(pages = 5) {
  const user = await insertUser(database.db);
  const document = await createDocument(database.db, user.id, {
    topic: "Payments test topic",
    pages,
    language: "en",
    kind: "term_paper",
  });
  const url = await startCheckout(database.db, document.id, user.id);
  const payment = await database.db
    .selectFrom("payments")
    .selectAll()
    .where("document_id", "=", document.id)
    .executeTakeFirstOrThrow();
  return { user, document, url, payment, session: stripe.sessions.get(payment.stripe_checkout_session_id!) };
}

function post(event: unknown, headers?: Record<string, string>) {
  const signed = stripe.signed(event, WEBHOOK_SECRET);
  return webhook({
    request: new Request("http://localhost/api/stripe/webhook", {
      method: "POST",
      headers: headers ?? signed.headers,
      body: signed.payload,
    }),
    params: {},
    context: {},
  } as any) as Promise<Response>;
}

const jobs = async (queue: string, documentId: string) =>
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from pgboss.job where name = ${queue} and data->>'documentId' = ${documentId}`.execute(
      database.db,
    )
  ).rows[0].n;
const emailsTo = async (email: string) =>
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from pgboss.job where name = ${QUEUES.sendEmail} and data->>'to' = ${email}`.execute(
      database.db,
    )
  ).rows[0].n;
const statusOf = async (documentId: string) =>
  (await database.db.selectFrom("documents").select("status").where("id", "=", documentId).executeTakeFirstOrThrow())
    .status;

describe("Stripe Checkout", () => {
  it("creates one session per order with the server's price, and reuses it while it is open", async () => {
    const { document, url, payment, session } = await orderWithCheckout(7);
    expect(session.amount_total).toBe(4200); // term paper: 7 × €6.00
    expect(session.currency).toBe("eur");
    expect(session.metadata).toEqual({ documentId: document.id, paymentId: payment.id });
    expect(session.success_url).toBe(`http://localhost:3000/documents/${document.id}?checkout=success`);
    expect(url).toBe(session.url);
    expect(payment).toMatchObject({ provider: "stripe", status: "pending", amount_cents: 4200 });
    expect(await startCheckout(database.db, document.id, document.user_id)).toBe(url);
    expect(
      await database.db.selectFrom("payments").selectAll().where("document_id", "=", document.id).execute(),
    ).toHaveLength(1);
  });

  it("emails 'order received' once when the order is placed", async () => {
    const user = await insertUser(database.db);
    const draft = await database.db
      .insertInto("documents")
      .values({
        user_id: user.id,
        topic: "Placed order topic",
        pages: 5,
        language: "en",
        price_cents: 0,
        status: "draft",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await submitOrder(database.db, draft.id, user.id);
    await submitOrder(database.db, draft.id, user.id);
    expect(await emailsTo(user.email)).toBe(1);
    const placed = await database.db
      .selectFrom("documents")
      .select(["status", "price_cents"])
      .where("id", "=", draft.id)
      .executeTakeFirstOrThrow();
    expect(placed).toEqual({ status: "awaiting_payment", price_cents: 2500 });
  });
});

describe("the Stripe webhook", () => {
  it("refuses a bad or missing signature with 400 and changes nothing", async () => {
    const { document, session } = await orderWithCheckout();
    const event = stripe.event("checkout.session.completed", stripe.completeSession(session.id));
    const forged = stripe.signed(event, "whsec_someone_else");
    expect((await post(event, forged.headers)).status).toBe(400);
    expect((await post(event, { "content-type": "application/json" })).status).toBe(400);
    const tampered = stripe.signed(event, WEBHOOK_SECRET);
    const response = await webhook({
      request: new Request("http://localhost/api/stripe/webhook", {
        method: "POST",
        headers: tampered.headers,
        body: tampered.payload.replace('"paid"', '"PAID"'),
      }),
      params: {},
      context: {},
    } as any);
    expect((response as Response).status).toBe(400);
    expect(await statusOf(document.id)).toBe("awaiting_payment");
    expect(await database.db.selectFrom("stripe_events").selectAll().where("id", "=", event.id).execute()).toEqual([]);
  });

  it("applies the same event replayed 10 times exactly once", async () => {
    const { user, document, session } = await orderWithCheckout();
    const event = stripe.event("checkout.session.completed", stripe.completeSession(session.id));
    const outcomes = [];
    for (let i = 0; i < 10; i++) outcomes.push(await (await post(event)).json());
    expect(outcomes[0]).toEqual({ received: true, outcome: "processed" });
    expect(outcomes.slice(1).every((o) => o.outcome === "duplicate")).toBe(true);
    expect(await statusOf(document.id)).toBe("queued");
    expect(await jobs(QUEUES.planDocument, document.id)).toBe(1);
    expect(await emailsTo(user.email)).toBe(1); // payment confirmed
    const payment = await database.db
      .selectFrom("payments")
      .selectAll()
      .where("document_id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ status: "succeeded", stripe_payment_intent_id: session.payment_intent });
    expect(await database.db.selectFrom("stripe_events").selectAll().where("id", "=", event.id).execute()).toHaveLength(
      1,
    );
  });

  it("refunds money for a checkout already closed here instead of queuing the order, and a late 'expired' never undoes a payment", async () => {
    const first = await orderWithCheckout();
    const completed = stripe.event("checkout.session.completed", stripe.completeSession(first.session.id));
    const expired = stripe.event("checkout.session.expired", {
      ...(completed.data as object),
      ...(first.session as object),
      status: "expired",
      payment_status: "unpaid",
    });
    expect((await (await post(expired)).json()).outcome).toBe("processed");
    expect((await (await post(completed)).json()).outcome).toBe("processed");
    // The checkout was closed (the order may have changed since): the money goes back, the order still awaits payment.
    expect(await statusOf(first.document.id)).toBe("awaiting_payment");
    expect(await jobs(QUEUES.planDocument, first.document.id)).toBe(0);
    const refundJobs = await sql<{
      data: { reason: string };
    }>`select data from pgboss.job where name = ${QUEUES.refundPayment} and data->>'paymentId' = ${first.payment.id}`.execute(
      database.db,
    );
    expect(refundJobs.rows.map((r) => r.data.reason)).toEqual(["checkout_closed"]);

    const second = await orderWithCheckout();
    const paid = stripe.event("checkout.session.completed", stripe.completeSession(second.session.id));
    await post(paid);
    expect(
      (await (await post(stripe.event("checkout.session.expired", { ...second.session, status: "expired" }))).json())
        .outcome,
    ).toBe("ignored");
    const payment = await database.db
      .selectFrom("payments")
      .select("status")
      .where("document_id", "=", second.document.id)
      .executeTakeFirstOrThrow();
    expect(payment.status).toBe("succeeded");
  });

  it("waits for async payments, and records a failed one without paying the order", async () => {
    const ok = await orderWithCheckout();
    const pendingSession = { ...stripe.completeSession(ok.session.id), payment_status: "unpaid" };
    expect((await (await post(stripe.event("checkout.session.completed", pendingSession))).json()).outcome).toBe(
      "ignored",
    );
    expect(await statusOf(ok.document.id)).toBe("awaiting_payment");
    await post(stripe.event("checkout.session.async_payment_succeeded", { ...pendingSession, payment_status: "paid" }));
    expect(await statusOf(ok.document.id)).toBe("queued");

    const bad = await orderWithCheckout();
    await post(
      stripe.event("checkout.session.async_payment_failed", {
        ...bad.session,
        status: "complete",
        payment_status: "unpaid",
      }),
    );
    expect(await statusOf(bad.document.id)).toBe("awaiting_payment");
    const payment = await database.db
      .selectFrom("payments")
      .select("status")
      .where("document_id", "=", bad.document.id)
      .executeTakeFirstOrThrow();
    expect(payment.status).toBe("failed");
  });
});

describe("refunds", () => {
  it("refund job: two runs, one Stripe refund, recorded, shown and emailed", async () => {
    const { user, document, session } = await orderWithCheckout();
    await post(stripe.event("checkout.session.completed", stripe.completeSession(session.id)));
    await database.db
      .updateTable("documents")
      .set({ status: "failed_quality" })
      .where("id", "=", document.id)
      .execute();
    const payment = await database.db
      .selectFrom("payments")
      .selectAll()
      .where("document_id", "=", document.id)
      .executeTakeFirstOrThrow();
    const emailsBefore = await emailsTo(user.email);

    await refundPayment(ctx, { paymentId: payment.id, reason: "quality_threshold" });
    await refundPayment(ctx, { paymentId: payment.id, reason: "quality_threshold" });

    const made = stripe.refunds.filter((r) => r.payment_intent === session.payment_intent);
    expect(made).toHaveLength(1);
    expect(made[0].amount).toBe(3000);
    const refunds = await database.db.selectFrom("refunds").selectAll().where("payment_id", "=", payment.id).execute();
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({
      status: "succeeded",
      amount_cents: 3000,
      stripe_refund_id: made[0].id,
      idempotency_key: `refund:${payment.id}:quality_threshold`,
    });
    expect(
      await database.db
        .selectFrom("payments")
        .select(["status", "refunded_cents"])
        .where("id", "=", payment.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      status: "refunded",
      refunded_cents: 3000,
    });
    expect(await statusOf(document.id)).toBe("refunded");
    expect(await emailsTo(user.email)).toBe(emailsBefore + 1);
  });

  it("a retried refund after Stripe failed reuses the idempotency key; partial refunds add up", async () => {
    const { document, session } = await orderWithCheckout(10);
    await post(stripe.event("checkout.session.completed", stripe.completeSession(session.id)));
    const payment = await database.db
      .selectFrom("payments")
      .selectAll()
      .where("document_id", "=", document.id)
      .executeTakeFirstOrThrow();

    stripe.failNext(500, 2); // the SDK retries once
    await expect(
      refundPayment(ctx, { paymentId: payment.id, reason: "customer_request", amountCents: 1000 }),
    ).rejects.toThrow();
    await refundPayment(ctx, { paymentId: payment.id, reason: "customer_request", amountCents: 1000 });
    const keys = stripe.requests
      .filter((r) => r.path === "/v1/refunds" && r.method === "POST")
      .slice(-2)
      .map((r) => r.idempotencyKey);
    expect(keys).toEqual([`refund:${payment.id}:customer_request`, `refund:${payment.id}:customer_request`]);
    expect(
      await database.db
        .selectFrom("payments")
        .select(["status", "refunded_cents"])
        .where("id", "=", payment.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      status: "partially_refunded",
      refunded_cents: 1000,
    });
    expect(await statusOf(document.id)).toBe("queued");

    // Stripe's own charge.refunded (e.g. a refund from the dashboard) brings the total up to date.
    await post(
      stripe.event("charge.refunded", {
        id: "ch_test",
        object: "charge",
        payment_intent: session.payment_intent,
        amount: 6000,
        amount_refunded: 6000,
      }),
    );
    expect(
      await database.db
        .selectFrom("payments")
        .select(["status", "refunded_cents"])
        .where("id", "=", payment.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      status: "refunded",
      refunded_cents: 6000,
    });
    expect(await statusOf(document.id)).toBe("refunded");
  });

  it("a second payment for an already paid order is refunded", async () => {
    const { document, session, user } = await orderWithCheckout();
    // A second checkout session for the same order, created before the first was paid.
    const other = await database.db
      .insertInto("payments")
      .values({
        document_id: document.id,
        user_id: user.id,
        provider: "stripe",
        amount_cents: 3000,
        currency: "eur",
        stripe_checkout_session_id: "cs_test_second",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await post(stripe.event("checkout.session.completed", stripe.completeSession(session.id)));
    await post(
      stripe.event("checkout.session.completed", {
        ...stripe.completeSession(session.id),
        id: "cs_test_second",
        payment_intent: "pi_second",
      }),
    );
    const refundJobs = await sql<{
      data: { paymentId: string; reason: string };
    }>`select data from pgboss.job where name = ${QUEUES.refundPayment} and data->>'paymentId' = ${other.id}`.execute(
      database.db,
    );
    expect(refundJobs.rows.map((r) => r.data.reason)).toEqual(["duplicate_payment"]);
    expect(await jobs(QUEUES.planDocument, document.id)).toBe(1);
    // Refunded in full, the duplicate leaves the order the first payment pays for as it is.
    await database.db
      .updateTable("payments")
      .set({ stripe_payment_intent_id: session.payment_intent })
      .where("id", "=", other.id)
      .execute();
    await refundPayment(ctx, { paymentId: other.id, reason: "duplicate_payment" });
    expect(
      await database.db.selectFrom("payments").select("status").where("id", "=", other.id).executeTakeFirstOrThrow(),
    ).toEqual({ status: "refunded" });
    expect(await statusOf(document.id)).toBe("queued");
  });

  it("refunds for different reasons, run together, never add up to more than was paid", async () => {
    const { document, session } = await orderWithCheckout(4);
    await post(stripe.event("checkout.session.completed", stripe.completeSession(session.id)));
    const payment = await database.db
      .selectFrom("payments")
      .selectAll()
      .where("document_id", "=", document.id)
      .executeTakeFirstOrThrow();
    await Promise.all([
      refundPayment(ctx, { paymentId: payment.id, reason: "quality_threshold" }),
      refundPayment(ctx, { paymentId: payment.id, reason: "generation_failed" }),
      refundPayment(ctx, { paymentId: payment.id, reason: "customer_request", amountCents: 700 }),
    ]);
    const made = stripe.refunds.filter((r) => r.payment_intent === session.payment_intent);
    expect(made.reduce((sum, r) => sum + r.amount, 0)).toBe(2400);
    expect(
      await database.db
        .selectFrom("payments")
        .select(["status", "refunded_cents"])
        .where("id", "=", payment.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      status: "refunded",
      refunded_cents: 2400,
    });
  });
});
