// Issue 18, item 3: the admin dashboard at /admin, over HTTP against the running app. Its tables (the numbers beside
// each server-rendered SVG chart) show exactly the seeded orders, payments, refunds, token usage, queues and breakers,
// for the period asked (7, 30 or 90 days); another period is refused with a message; no data says so.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBoss, ensureQueues } from "../../app/jobs/queue.server";
import type { DocumentStatus } from "../../db/schema";
import { insertUser } from "../setup/fixtures";
import { type App, type Client, signedInCustomer, startApp } from "./app";

let app: App;
let admin: Client;

beforeAll(async () => {
  app = await startApp();
  const signedIn = await signedInCustomer(app);
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", signedIn.userId).execute();
  admin = signedIn.client;
});
afterAll(() => app?.stop());

const HOUR = 3_600_000;

/** Noon (UTC) `daysAgo` days before today, as a day key and a moment. */
function noon(daysAgo: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysAgo, 12));
}
const dayOf = (moment: Date) => moment.toISOString().slice(0, 10);

/** The rows of the table whose caption starts with `caption`: each row's header and cells, as text. */
function table(html: string, caption: string): string[][] {
  const start = html.indexOf(`>${caption}`);
  expect(start, `a table captioned "${caption}…"`).toBeGreaterThan(-1);
  const body = html.slice(start, html.indexOf("</table>", start));
  const text = (cell: string) =>
    cell
      .replace(/<!-- -->/g, "")
      .replace(/<[^>]+>/g, "")
      .replace(/&amp;/g, "&")
      .replace(/&#x27;/g, "'")
      .replace(/&quot;/g, '"')
      .trim();
  const tbody = body.slice(body.indexOf("<tbody"));
  return [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => text(cell[1]!)),
  );
}

const rowOf = (rows: string[][], header: string) => rows.find((row) => row[0] === header);

async function dashboard(query = ""): Promise<string> {
  const page = await admin.get(`/admin${query}`);
  expect(page.status, page.text.slice(0, 500)).toBe(200);
  return page.text;
}

type SeededOrder = { status: DocumentStatus; paidAt?: Date; deliveredAfterSeconds?: number; cents: number };

async function seedOrder(userId: string, order: SeededOrder): Promise<{ documentId: string; paymentId?: string }> {
  const createdAt = order.paidAt ? new Date(order.paidAt.getTime() - 5 * 60_000) : new Date();
  const document = await app.db
    .insertInto("documents")
    .values({
      user_id: userId,
      topic: `Seeded ${order.status}`,
      pages: 5,
      language: "en",
      price_cents: order.cents,
      status: order.status,
      created_at: createdAt,
      paid_at: order.paidAt ?? null,
      completed_at:
        order.paidAt && order.deliveredAfterSeconds !== undefined
          ? new Date(order.paidAt.getTime() + order.deliveredAfterSeconds * 1000)
          : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (!order.paidAt) return { documentId: document.id };
  const payment = await app.db
    .insertInto("payments")
    .values({
      document_id: document.id,
      user_id: userId,
      provider: "dev",
      amount_cents: order.cents,
      currency: "eur",
      status: order.status === "refunded" ? "refunded" : "succeeded",
      refunded_cents: order.status === "refunded" ? order.cents : 0,
      created_at: order.paidAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { documentId: document.id, paymentId: payment.id };
}

async function seed() {
  const { id: userId } = await insertUser(app.db);
  await seedOrder(userId, { status: "completed", paidAt: noon(1), deliveredAfterSeconds: 600, cents: 3000 });
  const withWarnings = await seedOrder(userId, {
    status: "completed_with_warnings",
    paidAt: noon(2),
    deliveredAfterSeconds: 1800,
    cents: 4500,
  });
  const refunded = await seedOrder(userId, {
    status: "refunded",
    paidAt: new Date(noon(2).getTime() + HOUR),
    cents: 2000,
  });
  await seedOrder(userId, { status: "generating", paidAt: new Date(), cents: 2500 });
  await seedOrder(userId, { status: "completed", paidAt: noon(10), deliveredAfterSeconds: 3600, cents: 9900 });
  await seedOrder(userId, { status: "draft", cents: 1500 });
  await app.db
    .insertInto("refunds")
    .values([
      // Carried out: counted. Asked for and not yet done: not money returned.
      {
        payment_id: refunded.paymentId!,
        amount_cents: 2000,
        reason: "below the quality threshold",
        idempotency_key: "seed-refund-1",
        status: "succeeded",
        created_at: new Date(noon(2).getTime() + 2 * HOUR),
      },
      {
        payment_id: withWarnings.paymentId!,
        amount_cents: 500,
        reason: "partial, still pending",
        idempotency_key: "seed-refund-2",
        status: "pending",
        created_at: noon(2),
      },
    ])
    .execute();
  const usage = (day: Date, provider: string, model: string, tokensIn: number, tokensOut: number, cost: number) => ({
    provider,
    model,
    purpose: "section",
    tokens_in: tokensIn,
    tokens_out: tokensOut,
    cost_microdollars: cost,
    created_at: day,
  });
  await app.db
    .insertInto("token_usage")
    .values([
      usage(noon(1), "openai", "gpt-4o-mini", 1000, 500, 750),
      usage(new Date(noon(1).getTime() + HOUR), "openai", "gpt-4o-mini", 1000, 500, 750),
      usage(noon(1), "anthropic", "claude-sonnet-4-5", 300, 200, 4000),
      usage(noon(10), "openai", "gpt-4o-mini", 7000, 7000, 99000),
    ])
    .execute();
  await app.db
    .insertInto("provider_breakers")
    .values([
      { provider: "openai", state: "open", failure_times: "[]", opened_at: noon(0), updated_at: new Date() },
      { provider: "openalex", state: "half_open", failure_times: "[]", opened_at: noon(1), updated_at: new Date() },
      { provider: "anthropic", state: "closed", failure_times: "[]", opened_at: null, updated_at: new Date() },
    ])
    .execute();
  // Two emails for later: waiting in their queue, not ready yet (the app's worker leaves them be).
  const boss = createBoss(app.databaseUrl, { worker: false });
  await boss.start();
  try {
    await ensureQueues(boss);
    for (const to of ["a@example.com", "b@example.com"])
      await boss.send(
        "email.send",
        { to, subject: "Later", text: "later", html: "<p>later</p>" },
        { startAfter: 3600 },
      );
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

describe("the admin dashboard", () => {
  it("with nothing sold yet, says so in every panel instead of drawing empty charts", async () => {
    const html = await dashboard();
    expect(html).toContain("No payments, paid orders or refunds in the last 30 days.");
    expect(html).toContain("No writer calls in the last 30 days.");
    expect(html).toContain("No breaker is open: every provider is being called.");
    expect(rowOf(table(html, "Orders paid in the last 30 days"), "Success rate (delivered / paid)")).toEqual([
      "Success rate (delivered / paid)",
      "—",
    ]);
  });

  it("shows, for the last 7 days, exactly the seeded revenue, orders, refunds, tokens, cost, states, queues and breakers", async () => {
    await seed();
    const html = await dashboard("?period=7");
    expect(html).toContain('aria-current="page"');
    expect(/<a[^>]*aria-current="page"[^>]*>7 days<\/a>/.test(html)).toBe(true);
    // Server-rendered SVG charts with a name, each beside its table.
    expect(html.match(/<svg[^>]*role="img"/g)?.length).toBeGreaterThanOrEqual(5);

    const delivery = table(html, "Orders paid in the last 7 days");
    expect(delivery).toEqual([
      ["Success rate (delivered / paid)", "50.0 %"], // 2 delivered of 4 paid
      ["Paid", "4"],
      ["Delivered", "2"],
      ["Still queued or being written", "1"],
      ["Median time from payment to delivery", "20 min"], // 600 s and 1800 s
      ["95th percentile time from payment to delivery", "29 min"], // 600 + 0.95 × 1200 s
    ]);

    const money = table(html, "Revenue, orders and refunds per day, in the last 7 days");
    expect(money).toHaveLength(7);
    expect(rowOf(money, dayOf(noon(2)))).toEqual([dayOf(noon(2)), "2", "€65.00", "1", "€20.00"]);
    expect(rowOf(money, dayOf(noon(1)))).toEqual([dayOf(noon(1)), "1", "€30.00", "0", "€0.00"]);
    expect(rowOf(money, dayOf(new Date()))).toEqual([dayOf(new Date()), "1", "€25.00", "0", "€0.00"]);
    expect(rowOf(money, dayOf(noon(3)))).toEqual([dayOf(noon(3)), "0", "€0.00", "0", "€0.00"]);
    expect(rowOf(money, dayOf(noon(10)))).toBeUndefined();

    const usage = table(html, "Tokens and cost per day, provider and model, in the last 7 days");
    expect(usage).toEqual([
      [dayOf(noon(1)), "openai", "gpt-4o-mini", "2,000", "1,000", "$0.0015"],
      [dayOf(noon(1)), "anthropic", "claude-sonnet-4-5", "300", "200", "$0.004"],
    ]);

    const states = table(html, "Orders created in the last 7 days, by state");
    expect(rowOf(states, "Completed")).toEqual(["Completed", "1"]);
    expect(rowOf(states, "Completed with warnings")).toEqual(["Completed with warnings", "1"]);
    expect(rowOf(states, "Refunded")).toEqual(["Refunded", "1"]);
    expect(rowOf(states, "Writing")).toEqual(["Writing", "1"]);
    expect(rowOf(states, "Draft")).toEqual(["Draft", "1"]);
    expect(rowOf(states, "Failed")).toEqual(["Failed", "0"]);

    const queues = table(html, "Jobs waiting per queue, now");
    expect(rowOf(queues, "email.send")).toEqual(["email.send", "2", "0", "—"]);
    expect(rowOf(queues, "section.write.dead")).toEqual(["section.write.dead", "0", "0", "—"]);

    const breakers = table(html, "Breakers not closed, now");
    expect(breakers.map((row) => row.slice(0, 2))).toEqual([
      ["openai", "Open"],
      ["openalex", "Half-open"],
    ]);
  });

  it("the 30-day period takes in the order, payment and calls of ten days ago", async () => {
    const html = await dashboard("?period=30");
    expect(table(html, "Orders paid in the last 30 days").slice(0, 5)).toEqual([
      ["Success rate (delivered / paid)", "60.0 %"],
      ["Paid", "5"],
      ["Delivered", "3"],
      ["Still queued or being written", "1"],
      ["Median time from payment to delivery", "30 min"],
    ]);
    const money = table(html, "Revenue, orders and refunds per day, in the last 30 days");
    expect(money).toHaveLength(30);
    expect(rowOf(money, dayOf(noon(10)))).toEqual([dayOf(noon(10)), "1", "€99.00", "0", "€0.00"]);
    expect(table(html, "Tokens and cost per day, provider and model, in the last 30 days")).toContainEqual([
      dayOf(noon(10)),
      "openai",
      "gpt-4o-mini",
      "7,000",
      "7,000",
      "$0.099",
    ]);
    expect(
      table(await dashboard("?period=90"), "Revenue, orders and refunds per day, in the last 90 days"),
    ).toHaveLength(90);
  });

  it("a period other than 7, 30 or 90 days is refused with 400 and a message saying which periods exist", async () => {
    for (const period of ["14", "abc", "-7", "7.0", ""]) {
      const reply = await admin.get(`/admin?period=${encodeURIComponent(period)}`);
      expect(reply.status, period).toBe(400);
      expect(reply.text).toContain("The period must be 7, 30 or 90 days.");
    }
  });
});
