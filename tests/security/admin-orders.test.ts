// Issue 18, item 4: an admin's tools on an order, attacked over HTTP against the running app with the fake Stripe.
// Money moves once and never beyond what was paid; every act is refused with a reason when it does not apply.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import validationTexts from "../../app/locales/en/validation.json";

/** What a reader of the English site sees beside a field holding a control character. */
const CONTROL_CHARACTER_MESSAGE = validationTexts.controlCharacter;
import type { FakeStripe } from "../fakes/stripe";
import { eventually } from "../setup/fixtures";
import { type App, type Client, signedInCustomer } from "./app";
import { draftOrder, payByCard, payOnStripe, queueOf, sessionIdOf, startAppWithStripe } from "./money-app";

let app: App;
let stripe: FakeStripe;
let admin: Client;

beforeAll(async () => {
  ({ app, stripe } = await startAppWithStripe());
  const signedIn = await signedInCustomer(app);
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", signedIn.userId).execute();
  admin = signedIn.client;
});
afterAll(async () => {
  await app?.stop();
  await stripe?.close();
});

/** An order of 5 pages (€25.00) paid by card over HTTP, and its payment. */
async function paidOrder(topic: string) {
  const customer = await signedInCustomer(app);
  const id = await draftOrder(customer.client, { pages: 5, topic });
  expect(await payOnStripe(stripe, sessionIdOf((await payByCard(customer.client, id)).location))).toBe(303);
  const payment = await app.db
    .selectFrom("payments")
    .selectAll()
    .where("document_id", "=", id)
    .where("status", "=", "succeeded")
    .executeTakeFirstOrThrow();
  return { ...customer, id, payment };
}

/** The one-time id the order page's refund form carries for this payment. */
async function refundFormId(documentId: string, paymentId: string): Promise<string> {
  const page = await admin.get(`/admin/documents/${documentId}`);
  expect(page.status).toBe(200);
  const form = page.text.slice(page.text.indexOf(`name="paymentId" value="${paymentId}"`));
  return /name="requestId" value="([0-9a-f-]{36})"/.exec(form)![1];
}

const refundForm = (paymentId: string, requestId: string, amount: string) => ({
  intent: "refund",
  paymentId,
  requestId,
  amount,
  confirmation: "REFUND",
  reason: "The customer asked support for a goodwill refund",
});

/** A page's text as a reader sees it: React's comment markers out, its escaped quotes back. */
const textOf = (reply: { text: string }) =>
  reply.text.replaceAll("<!-- -->", "").replaceAll("&#x27;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&");

const refundsOf = (paymentId: string) =>
  app.db.selectFrom("refunds").selectAll().where("payment_id", "=", paymentId).execute();

const auditOf = (documentId: string, action: string) =>
  app.db.selectFrom("audit_log").selectAll().where("target_id", "=", documentId).where("action", "=", action).execute();

describe("refunds an admin makes", () => {
  it("two submissions of one refund form at once refund once, at Stripe and in our books", async () => {
    const { id, payment } = await paidOrder("Two refund clicks at once");
    const requestId = await refundFormId(id, payment.id);
    const form = refundForm(payment.id, requestId, "5.00");
    const replies = await Promise.all([
      admin.post(`/admin/documents/${id}`, form),
      admin.post(`/admin/documents/${id}`, form),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 200]);

    await eventually("the refund to be made", async () =>
      (await refundsOf(payment.id)).every((r) => r.status === "succeeded") ? true : undefined,
    );
    expect((await refundsOf(payment.id)).map((r) => r.amount_cents)).toEqual([500]);
    expect(stripe.refunds.filter((r) => r.payment_intent === payment.stripe_payment_intent_id)).toEqual([
      expect.objectContaining({ amount: 500 }),
    ]);
    const paid = await app.db.selectFrom("payments").selectAll().where("id", "=", payment.id).executeTakeFirstOrThrow();
    expect(paid).toMatchObject({ refunded_cents: 500, status: "partially_refunded" });
    // The act is audited once, with who, why and how much.
    const audit = await auditOf(id, "refund.issued");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      reason: "The customer asked support for a goodwill refund",
      target_type: "document",
    });
    expect(audit[0].details).toMatchObject({ paymentId: payment.id, amountCents: 500 });

    // The same form sent again later is answered, not paid out again.
    const again = await admin.post(`/admin/documents/${id}`, form);
    expect(textOf(again)).toContain("was already requested");
    expect((await refundsOf(payment.id)).length).toBe(1);
  });

  it("a refund above what is left to refund is refused, and nothing is recorded", async () => {
    const { id, payment } = await paidOrder("A refund larger than the payment");
    const over = await admin.post(
      `/admin/documents/${id}`,
      refundForm(payment.id, await refundFormId(id, payment.id), "25.01"),
    );
    expect(over.status).toBe(400);
    expect(textOf(over)).toContain("At most €25.00 is left to refund of this payment");

    // After a partial refund, only the rest can go.
    expect(
      (await admin.post(`/admin/documents/${id}`, refundForm(payment.id, await refundFormId(id, payment.id), "20")))
        .status,
    ).toBe(200);
    const rest = await admin.post(
      `/admin/documents/${id}`,
      refundForm(payment.id, await refundFormId(id, payment.id), "5.01"),
    );
    expect(rest.status).toBe(400);
    expect(textOf(rest)).toContain("At most €5.00 is left to refund of this payment");
    expect((await refundsOf(payment.id)).map((r) => r.amount_cents)).toEqual([2000]);
    expect(await auditOf(id, "refund.issued")).toHaveLength(1);
  });

  it("a refund without the typed confirmation, a reason or a readable amount is refused with what is missing", async () => {
    const { id, payment } = await paidOrder("A refund without confirmation");
    const requestId = await refundFormId(id, payment.id);
    const cases: [Record<string, string>, string][] = [
      [{ confirmation: "refund" }, "Type REFUND (in capitals) to confirm."],
      [{ reason: "" }, "Say why in a few words: it goes into the audit log."],
      [{ amount: "12.345" }, "Enter an amount in euros, such as 12.50 (at most two decimals)."],
      [{ reason: "A goodwill\u0000 refund" }, CONTROL_CHARACTER_MESSAGE],
      [{ amount: "0" }, "Enter an amount above zero."],
      [{ paymentId: "3f2b1c9e-8d7a-4b6c-9e5f-1a2b3c4d5e6f" }, "This order has no such payment."],
    ];
    for (const [change, message] of cases) {
      const reply = await admin.post(`/admin/documents/${id}`, {
        ...refundForm(payment.id, requestId, "5"),
        ...change,
      });
      expect(reply.status, JSON.stringify(change)).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      expect(textOf(reply)).toContain(message);
    }
    expect(await refundsOf(payment.id)).toEqual([]);
    expect(await auditOf(id, "refund.issued")).toEqual([]);
  });

  it("a payment of another order cannot be refunded through this order's page", async () => {
    const mine = await paidOrder("The order whose page is used");
    const other = await paidOrder("The order whose payment is named");
    const reply = await admin.post(
      `/admin/documents/${mine.id}`,
      refundForm(other.payment.id, await refundFormId(mine.id, mine.payment.id), "5"),
    );
    expect(reply.status).toBe(404);
    expect(await refundsOf(other.payment.id)).toEqual([]);
  });
});

describe("retry, rewrite and resend refuse what does not apply", () => {
  it("an order that is neither failed nor stuck is not retried; an unpaid order's section is not rewritten", async () => {
    const customer = await signedInCustomer(app);
    const unpaid = await draftOrder(customer.client, { pages: 5, topic: "An order nobody paid for" });
    const retry = await admin.post(`/admin/documents/${unpaid}`, { intent: "retry" });
    expect(retry.status).toBe(409);
    expect(textOf(retry)).toContain("Only a failed or stuck order can be retried; this one is draft.");

    const resend = await admin.post(`/admin/documents/${unpaid}`, { intent: "resend-email" });
    expect(resend.status).toBe(409);
    expect(textOf(resend)).toContain("Only a delivered order's email can be sent again; this one is draft.");

    const rewrite = await admin.post(`/admin/documents/${unpaid}`, {
      intent: "regenerate",
      sectionId: "3f2b1c9e-8d7a-4b6c-9e5f-1a2b3c4d5e6f",
    });
    expect(rewrite.status).toBe(409);
    expect(textOf(rewrite)).toContain("Only a paid order's sections can be rewritten");
    expect(await auditOf(unpaid, "document.retried")).toEqual([]);
  });

  it("an order refunded for falling below the quality threshold is not retried (it would deliver what failed), even acknowledged", async () => {
    const { id, payment } = await paidOrder("An order that fell below the quality threshold");
    await eventually("the order to be written", async () =>
      ["completed", "completed_with_warnings"].includes(
        (await app.db.selectFrom("documents").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status,
      ),
    );
    // As the review leaves such an order: failed_quality with its stage failed, then refunded by quality_threshold.
    await app.db
      .updateTable("documents")
      .set({ status: "failed_quality", progress_stage: "failed" })
      .where("id", "=", id)
      .execute();
    const boss = await queueOf(app);
    await boss.send(QUEUES.refundPayment, { paymentId: payment.id, reason: "quality_threshold", documentId: id });
    await boss.stop({ graceful: false, wait: true });
    await eventually("the order to be refunded", async () =>
      (await app.db.selectFrom("documents").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status ===
      "refunded"
        ? true
        : undefined,
    );
    const retry = await admin.post(`/admin/documents/${id}`, { intent: "retry", acknowledgeRefund: "on" });
    expect(retry.status).toBe(409);
    expect(textOf(retry)).toContain("Only a failed or stuck order can be retried; this one is refunded.");
    expect(await auditOf(id, "document.retried")).toEqual([]);
  });

  it("two retries of a stuck order at once resume it once: one is done, the other refused as not stuck", async () => {
    const { id } = await paidOrder("A stuck order retried twice at once");
    await eventually("the order to be written", async () =>
      (await app.db.selectFrom("documents").select("docx_key").where("id", "=", id).executeTakeFirstOrThrow()).docx_key
        ? true
        : undefined,
    );
    // As a crash leaves it: its last section unwritten, no job working on it.
    const last = await app.db
      .selectFrom("sections")
      .select("id")
      .where("document_id", "=", id)
      .orderBy("index", "desc")
      .executeTakeFirstOrThrow();
    await app.db
      .updateTable("sections")
      .set({ status: "pending", content: null, completed_at: null })
      .where("id", "=", last.id)
      .execute();
    await app.db
      .updateTable("documents")
      .set({
        status: "generating",
        progress_stage: "writing",
        sections_finished: sql<number>`total_sections - 1`,
        docx_key: null,
        pdf_key: null,
        review_findings: null,
      })
      .where("id", "=", id)
      .execute();

    const replies = await Promise.all([
      admin.post(`/admin/documents/${id}`, { intent: "retry" }),
      admin.post(`/admin/documents/${id}`, { intent: "retry" }),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(textOf(replies.find((r) => r.status === 409)!)).toContain("This order is not stuck");
    expect(await auditOf(id, "document.retried")).toHaveLength(1);
    const jobs = await sql<{ n: number }>`select count(*)::int as n from pgboss.job
      where name = 'section.write' and data->>'sectionId' = ${last.id} and data->>'attempt' is not null`.execute(
      app.db,
    );
    expect(jobs.rows[0].n).toBe(1);
  });

  it("an order being written (a job is working on it) is not stuck, so it is not retried", async () => {
    const { id } = await paidOrder("An order still being written");
    // Held back from the worker: the order waits, with its plan job queued.
    await app.db.updateTable("documents").set({ status: "queued" }).where("id", "=", id).execute();
    await sql`insert into pgboss.job (name, data, start_after)
      values ('document.plan', ${JSON.stringify({ documentId: id })}::jsonb, now() + interval '1 hour')`.execute(
      app.db,
    );
    const retry = await admin.post(`/admin/documents/${id}`, { intent: "retry" });
    expect(retry.status).toBe(409);
    expect(retry.text).toContain("This order is not stuck");
  });

  it("an unknown order answers 404, its actions too; a search with a bad filter answers 400 with what is wrong", async () => {
    expect((await admin.get("/admin/documents/3f2b1c9e-8d7a-4b6c-9e5f-1a2b3c4d5e6f")).status).toBe(404);
    expect((await admin.get("/admin/documents/not-an-id")).status).toBe(404);
    expect(
      (await admin.post("/admin/documents/3f2b1c9e-8d7a-4b6c-9e5f-1a2b3c4d5e6f", { intent: "retry" })).status,
    ).toBe(404);
    const bad = await admin.get("/admin/documents?status=bogus&from=yesterday&page=0");
    expect(bad.status).toBe(400);
    const text = textOf(bad);
    expect(text).toContain("Choose one of the listed states.");
    expect(text).toContain("Give the first day as a date (YYYY-MM-DD).");
    expect(text).toContain("The page is a whole number from 1.");
    const customer = await signedInCustomer(app);
    const order = await draftOrder(customer.client, { pages: 5, topic: "An order sent a made-up action" });
    const unknownIntent = await admin.post(`/admin/documents/${order}`, { intent: "delete-everything" });
    expect(unknownIntent.status).toBe(400);
    expect(textOf(unknownIntent)).toContain("Choose one of the page's actions.");
  });
});
