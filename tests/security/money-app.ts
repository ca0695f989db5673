// The running app with card payments through the fake Stripe, and what a customer does with an order over HTTP, for
// the money attacks (money.test.ts, dead-letters.test.ts, account-deletion.test.ts).
import type PgBoss from "pg-boss";
import { expect } from "vitest";
import { priceOf } from "../../app/utils/pricing";
import { createBoss, ensureQueues } from "../../app/jobs/queue.server";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe";
import { eventually } from "../setup/fixtures";
import { type App, type Client, mailsTo, startApp } from "./app";

export const WEBHOOK_SECRET = "whsec_security_money_suite";

/** The fake Stripe, then the app pointed at it, then the fake told where the app's webhook is. */
export async function startAppWithStripe(env: Record<string, string> = {}): Promise<{ app: App; stripe: FakeStripe }> {
  const stripe = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
  try {
    const app = await startApp({
      STRIPE_SECRET_KEY: "sk_test_security_money",
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
      ...env,
    });
    stripe.setWebhookUrl(`${app.url.replace("localhost", "127.0.0.1")}/api/stripe/webhook`);
    return { app, stripe };
  } catch (error) {
    await stripe.close();
    throw error;
  }
}

/** A queue client on the app's database, to hand the app's worker a job as our own code would (no worker of its own). */
export async function queueOf(app: App): Promise<PgBoss> {
  const boss = createBoss(app.databaseUrl, { worker: false });
  await boss.start();
  await ensureQueues(boss);
  return boss;
}

export type OrderDraft = {
  pages?: number;
  express?: boolean;
  topic?: string;
  discipline?: string;
  institution?: string;
  instructions?: string;
};

/** The order wizard's first step (topic) over HTTP: a new draft order, waiting at the details step; its id. */
export async function orderAfterTopic(
  client: Client,
  order: Pick<OrderDraft, "topic" | "discipline" | "institution"> = {},
): Promise<string> {
  const topic = await client.post("/orders/new", {
    kind: "essay",
    topic: order.topic ?? "The economics of medieval monasteries",
    ...(order.discipline ? { discipline: order.discipline } : {}),
    ...(order.institution ? { institution: order.institution } : {}),
  });
  expect(topic.status, topic.text).toBe(302);
  return /^\/orders\/([0-9a-f-]{36})\/details$/.exec(topic.location ?? "")![1]!;
}

/** The order wizard, step by step over HTTP, up to the review page; returns the order's id. */
export async function draftOrder(client: Client, order: OrderDraft = {}): Promise<string> {
  const id = await orderAfterTopic(client, order);
  await changeDetails(client, id, order.pages ?? 5, order.express ?? false);
  const requirements = await client.post(
    `/orders/${id}/requirements`,
    order.instructions ? { instructions: order.instructions } : {},
  );
  expect(requirements.location).toBe(`/orders/${id}/review`);
  return id;
}

/** The details step (pages, express), as a customer changing the order does. */
export async function changeDetails(client: Client, id: string, pages: number, express = false) {
  const details = await client.post(`/orders/${id}/details`, {
    pages: String(pages),
    language: "en",
    citationStyle: "apa7",
    ...(express ? { express: "on" } : {}),
  });
  expect(details.location).toBe(`/orders/${id}/requirements`);
}

export const payByCard = (client: Client, id: string) => client.post(`/orders/${id}/review`, { intent: "card" });
export const editOrder = (client: Client, id: string) => client.post(`/orders/${id}/review`, { intent: "edit" });

/** The customer presses "Pay" on the hosted checkout page; the fake delivers the webhook before it answers. */
export async function payOnStripe(stripe: FakeStripe, sessionId: string): Promise<number> {
  const response = await fetch(`${stripe.url}/checkout/${sessionId}/pay`, { method: "POST", redirect: "manual" });
  await response.arrayBuffer();
  return response.status;
}

export function sessionIdOf(checkoutUrl: string | null): string {
  return /\/checkout\/([^/?]+)$/.exec(checkoutUrl ?? "")![1];
}

/** The Checkout Sessions the fake made for an order. */
export function sessionsOf(stripe: FakeStripe, documentId: string): any[] {
  return [...stripe.sessions.values()].filter((s) => s.metadata?.documentId === documentId);
}

const WRITTEN = ["queued", "generating", "completed", "completed_with_warnings"];

/**
 * The money invariant of an order, once its refunds have run: the order is written only if exactly one payment pays
 * for it, at the price of what is written; every other payment is refunded in full — in our books and at Stripe.
 */
export async function expectPaidEqualsWritten(app: App, stripe: FakeStripe, documentId: string) {
  const settled = await eventually(`the payments of ${documentId} to settle`, async () => {
    const document = await app.db
      .selectFrom("documents")
      .selectAll()
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    const payments = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("document_id", "=", documentId)
      .where("status", "in", ["succeeded", "partially_refunded", "refunded"])
      .execute();
    const kept = payments.filter((p) => p.refunded_cents === 0);
    const wanted = WRITTEN.includes(document.status) ? 1 : 0;
    return kept.length === wanted ? { document, payments, kept } : undefined;
  });
  const { document, payments, kept } = settled;
  if (kept.length === 1) {
    expect(kept[0].amount_cents).toBe(document.price_cents);
    expect(document.price_cents).toBe(priceOf(document).totalCents);
  }
  for (const payment of payments.filter((p) => p.refunded_cents > 0)) {
    expect(payment).toMatchObject({ status: "refunded", refunded_cents: payment.amount_cents });
    const atStripe = stripe.refunds
      .filter((r) => r.payment_intent === payment.stripe_payment_intent_id)
      .reduce((sum, r) => sum + r.amount, 0);
    expect(atStripe).toBe(payment.amount_cents);
  }
  return settled;
}

/** The newest email to `to` whose subject starts with `subject`, once it has been written. */
export async function mailAbout(app: App, to: string, subject: string) {
  return eventually(`an email "${subject}…" to ${to}`, async () =>
    (await mailsTo(app, to, 0)).find((m) => m.subject.startsWith(subject)),
  );
}
