// Issue 18, item 4: what an admin does with orders, over HTTP against the running app (offline writer, fake Stripe):
// find them, read one, retry it from its checkpoint, rewrite a section, refund in part and in full, resend the email.
// Each act leaves its audit row. The attacks on the same tools are in tests/security/admin-orders.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeStripe } from "../fakes/stripe";
import { eventually } from "../setup/fixtures";
import { type App, type Client, mailsTo, signedInCustomer } from "../security/app";
import { QUEUES } from "../../app/jobs/definitions";
import {
  draftOrder,
  mailAbout,
  payByCard,
  payOnStripe,
  queueOf,
  sessionIdOf,
  startAppWithStripe,
} from "../security/money-app";

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

const DELIVERED = ["completed", "completed_with_warnings"];

const documentOf = (id: string) =>
  app.db.selectFrom("documents").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

/** Waits for the order to be delivered with its files. */
const delivery = (id: string) =>
  eventually(`order ${id} to be delivered`, async () => {
    const row = await documentOf(id);
    return DELIVERED.includes(row.status) && row.docx_key && row.pdf_key ? row : undefined;
  });

/** An order of 5 pages (€25.00) paid by card over HTTP and written by the offline writer. */
async function deliveredOrder(topic: string) {
  const customer = await signedInCustomer(app);
  const id = await draftOrder(customer.client, { pages: 5, topic });
  expect(await payOnStripe(stripe, sessionIdOf((await payByCard(customer.client, id)).location))).toBe(303);
  const document = await delivery(id);
  const payment = await app.db
    .selectFrom("payments")
    .selectAll()
    .where("document_id", "=", id)
    .where("status", "=", "succeeded")
    .executeTakeFirstOrThrow();
  return { ...customer, id, payment, document };
}

const sectionsOf = (id: string) =>
  app.db.selectFrom("sections").selectAll().where("document_id", "=", id).orderBy("index").execute();

const auditOf = (documentId: string, action: string) =>
  app.db.selectFrom("audit_log").selectAll().where("target_id", "=", documentId).where("action", "=", action).execute();

const textOf = (reply: { text: string }) =>
  reply.text.replaceAll("<!-- -->", "").replaceAll("&#x27;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&");

async function refund(id: string, paymentId: string, amount: string) {
  const page = await admin.get(`/admin/documents/${id}`);
  const form = page.text.slice(page.text.indexOf(`name="paymentId" value="${paymentId}"`));
  const requestId = /name="requestId" value="([0-9a-f-]{36})"/.exec(form)![1];
  return admin.post(`/admin/documents/${id}`, {
    intent: "refund",
    paymentId,
    requestId,
    amount,
    confirmation: "REFUND",
    reason: "Goodwill after a complaint",
  });
}

describe("the orders list", () => {
  it("finds orders by email, topic or id, filters them by state, kind, language and day, a page at a time", async () => {
    const alice = await signedInCustomer(app, "alice.orders@example.com");
    const bob = await signedInCustomer(app, "bob.orders@example.com");
    const aliceOrder = await draftOrder(alice.client, { topic: "Monastic brewing in Flanders" });
    const bobOrder = await draftOrder(bob.client, { topic: "Tidal energy in the Bay of Fundy" });
    const list = async (query: string) => {
      const reply = await admin.get(`/admin/documents?${query}`);
      expect(reply.status).toBe(200);
      return textOf(reply);
    };

    const byEmail = await list("q=alice.orders");
    expect(byEmail).toContain("Monastic brewing in Flanders");
    expect(byEmail).not.toContain("Tidal energy in the Bay of Fundy");
    const byTopic = await list("q=tidal+ENERGY");
    expect(byTopic).toContain("Tidal energy in the Bay of Fundy");
    expect(byTopic).not.toContain("Monastic brewing");
    const byId = await list(`q=${bobOrder}`);
    expect(byId).toContain(`/admin/documents/${bobOrder}`);
    expect(byId).not.toContain(`/admin/documents/${aliceOrder}`);

    expect(await list("q=alice.orders&status=draft&kind=essay&language=en")).toContain("Monastic brewing");
    expect(await list("q=alice.orders&status=completed")).toContain("No orders match this search.");
    expect(await list("q=alice.orders&kind=master_thesis")).toContain("No orders match this search.");
    expect(await list("q=alice.orders&language=de")).toContain("No orders match this search.");
    const today = new Date().toISOString().slice(0, 10);
    expect(await list(`q=alice.orders&from=${today}&to=${today}`)).toContain("Monastic brewing");
    expect(await list("q=alice.orders&to=2020-01-01")).toContain("No orders match this search.");

    // 26 more orders of one customer: two pages of 25, the newest first.
    await app.db
      .insertInto("documents")
      .values(
        Array.from({ length: 26 }, (_, n) => ({
          user_id: alice.userId,
          topic: `Paged order number ${String(n).padStart(2, "0")}`,
          pages: 5,
          language: "en",
          price_cents: 2500,
          quality_warnings: "[]",
          created_at: new Date(Date.now() - (n + 1) * 60_000),
        })),
      )
      .execute();
    const first = await list("q=Paged+order");
    expect(first).toContain("Paged order number 00");
    expect(first).toContain("Paged order number 24");
    expect(first).not.toContain("Paged order number 25");
    expect(first).toContain("Older orders");
    const second = await list("q=Paged+order&page=2");
    expect(second).toContain("Paged order number 25");
    expect(second).not.toContain("Paged order number 24");
    expect(second).toContain("Newer orders");
    expect(second).not.toContain("Older orders");
  });
});

describe("an order's page", () => {
  it("shows the timeline of every state change, the sections with attempts and cost, the money and the files", async () => {
    const { id, email, payment } = await deliveredOrder("The timeline of a delivered order");
    const events = await app.db
      .selectFrom("document_events")
      .select(["stage", "status"])
      .where("document_id", "=", id)
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.stage)).toEqual(["queued", "planning", "writing", "reviewing", "assembling", "done"]);

    const page = textOf(await admin.get(`/admin/documents/${id}`));
    expect(page).toContain(email);
    for (const line of [
      "Order created (draft)",
      "queued · stage queued",
      "generating · stage planning",
      "generating · stage writing",
      "Section 1, attempt 1: passed (offline",
      "Payment of €25.00 started (stripe)",
      "Payment succeeded",
      `stage done`,
    ])
      expect(page).toContain(line);
    for (const section of await sectionsOf(id)) expect(page).toContain(section.heading);
    expect(page).toContain(`/documents/${id}/download/docx`);
    expect(page).toContain(`/documents/${id}/download/pdf`);
    expect(page).toContain(payment.id);
    // The admin fetches the files the page links to.
    const pdf = await admin.get(`/documents/${id}/download/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
  });
});

describe("an admin's actions", () => {
  it("retries a stuck order from its last checkpoint: written sections are kept, the others written, the order delivered", async () => {
    const { id } = await deliveredOrder("An order stuck while its sections were written");
    const [kept, ...rest] = await sectionsOf(id);
    // As a crash leaves it: sections 2… unwritten, no job working on it.
    await app.db
      .updateTable("sections")
      .set({ status: "pending", content: null, completed_at: null })
      .where(
        "id",
        "in",
        rest.map((s) => s.id),
      )
      .execute();
    await app.db
      .updateTable("documents")
      .set({
        status: "generating",
        progress_stage: "writing",
        sections_finished: 1,
        docx_key: null,
        pdf_key: null,
        content: null,
        review_findings: null,
        completed_at: null,
      })
      .where("id", "=", id)
      .execute();
    expect(textOf(await admin.get(`/admin/documents/${id}`))).toContain("No job is working on it: it is stuck.");

    const reply = await admin.post(`/admin/documents/${id}`, { intent: "retry" });
    expect(reply.status).toBe(200);
    expect(textOf(reply)).toContain(`Retried from its unwritten sections: ${rest.length} job(s) sent.`);
    await delivery(id);
    const after = await sectionsOf(id);
    expect(after[0]).toMatchObject({ id: kept.id, content: kept.content, attempts: kept.attempts, status: "passed" });
    for (const section of after.slice(1)) {
      expect(section.status).toBe("passed");
      expect(section.attempts).toBe(2);
    }
    const audit = await auditOf(id, "document.retried");
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ checkpoint: "sections", jobs: rest.length });
    expect(audit[0].actor_user_id).not.toBeNull();
  });

  it("retries a failed and refunded order only once the admin acknowledges it is written for free", async () => {
    const { id, payment } = await deliveredOrder("An order that failed and was refunded");
    // The refund a failed order's dead letter sends.
    const boss = await queueOf(app);
    await boss.send(QUEUES.refundPayment, { paymentId: payment.id, reason: "generation_failed", documentId: id });
    await boss.stop({ graceful: false, wait: true });
    await eventually("the order to be refunded", async () => (await documentOf(id)).status === "refunded");
    // As a plan that died leaves it: failed before any section, then refunded by the failure's refund.
    await app.db.deleteFrom("sections").where("document_id", "=", id).execute();
    await app.db.deleteFrom("sources").where("document_id", "=", id).execute();
    await app.db
      .updateTable("documents")
      .set({
        progress_stage: "failed",
        failure_reason: "Generation stopped",
        docx_key: null,
        pdf_key: null,
        content: null,
        review_findings: null,
        total_sections: null,
        sections_finished: 0,
      })
      .where("id", "=", id)
      .execute();

    const refused = await admin.post(`/admin/documents/${id}`, { intent: "retry" });
    expect(refused.status, textOf(refused).slice(0, 300)).toBe(400);
    expect(textOf(refused)).toContain(
      "This order was refunded €25.00. Retrying writes it again at no charge (the refund stands)",
    );
    const retried = await admin.post(`/admin/documents/${id}`, { intent: "retry", acknowledgeRefund: "on" });
    expect(retried.status).toBe(200);
    expect(textOf(retried)).toContain("Retried from the plan: 1 job(s) sent.");
    const document = await delivery(id);
    expect(document.failure_reason).toBeNull();
    const audit = await auditOf(id, "document.retried");
    expect(audit.map((a) => a.details)).toEqual([expect.objectContaining({ checkpoint: "plan", refundedCents: 2500 })]);
  });

  it("rewrites one section of a delivered order, which is then reviewed, assembled and delivered again", async () => {
    const { id, document } = await deliveredOrder("An order with one section to rewrite");
    const [section] = await sectionsOf(id);
    const reply = await admin.post(`/admin/documents/${id}`, { intent: "regenerate", sectionId: section.id });
    expect(reply.status).toBe(200);
    expect(textOf(reply)).toContain("Section 1 is being written again");

    const delivered = await eventually("the order delivered again", async () => {
      const row = await documentOf(id);
      return DELIVERED.includes(row.status) && row.docx_key && row.docx_key !== document.docx_key ? row : undefined;
    });
    expect(delivered.pdf_key).not.toBe(document.pdf_key);
    const [rewritten] = await sectionsOf(id);
    expect(rewritten.status).toBe("passed");
    expect(rewritten.attempts).toBe(section.attempts + 1);
    expect(rewritten.attempts_before_rewrite).toBe(section.attempts);
    const attempts = await app.db
      .selectFrom("section_attempts")
      .select("attempt")
      .where("section_id", "=", section.id)
      .orderBy("attempt")
      .execute();
    expect(attempts.map((a) => a.attempt)).toEqual(Array.from({ length: section.attempts + 1 }, (_, n) => n + 1));
    const audit = await auditOf(id, "section.regenerated");
    expect(audit.map((a) => a.details)).toEqual([{ sectionId: section.id, index: 0 }]);
    // The new files are served.
    expect((await admin.get(`/documents/${id}/download/docx`)).status).toBe(200);
  });

  it("sends the delivery email again", async () => {
    const { id, email } = await deliveredOrder("An order whose email went astray");
    await mailAbout(app, email, "Your document is ready");
    const reply = await admin.post(`/admin/documents/${id}`, { intent: "resend-email" });
    expect(reply.status).toBe(200);
    expect(textOf(reply)).toContain(`The delivery email is on its way to ${email}.`);
    const ready = await eventually("the second delivery email", async () => {
      const mails = (await mailsTo(app, email)).filter((m) => m.subject.startsWith("Your document is ready"));
      return mails.length === 2 ? mails : undefined;
    });
    expect(ready[0].text).toContain(`/documents/${id}`);
    expect(await auditOf(id, "document.delivery_email_resent")).toHaveLength(1);
  });

  it("refunds part of a payment, then the rest, through the refund job: Stripe, the books and the customer agree", async () => {
    const { id, email, payment, client } = await deliveredOrder("An order refunded in two steps");
    expect((await refund(id, payment.id, "10,00")).status).toBe(200);
    await eventually("the partial refund", async () => {
      const row = await app.db
        .selectFrom("payments")
        .selectAll()
        .where("id", "=", payment.id)
        .executeTakeFirstOrThrow();
      return row.refunded_cents === 1000 && row.status === "partially_refunded";
    });
    const mail = await mailAbout(app, email, "Refund of €10.00");
    expect(mail.text).toContain("Reason: Our support team refunded this amount.");
    expect(DELIVERED).toContain((await documentOf(id)).status);

    expect((await refund(id, payment.id, "15")).status).toBe(200);
    await eventually("the order to be refunded in full", async () => (await documentOf(id)).status === "refunded");
    const atStripe = stripe.refunds.filter((r) => r.payment_intent === payment.stripe_payment_intent_id);
    expect(atStripe.map((r) => r.amount)).toEqual([1000, 1500]);
    expect(await auditOf(id, "refund.issued")).toHaveLength(2);
    // The customer reads why, not our form's id.
    expect(textOf(await client.get(`/documents/${id}`))).toMatch(
      /€10\.00 · \d{4}-\d{2}-\d{2} · succeeded \(support\)|\(support\)/,
    );
  });
});
