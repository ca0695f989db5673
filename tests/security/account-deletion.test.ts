// Issue 16, item 9: deleting an account with money and writing in flight, over HTTP against the running app (its
// writer is the fake OpenAI, its card payments the fake Stripe).
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import type { FakeStripe } from "../fakes/stripe";
import { eventually } from "../setup/fixtures";
import { type App, Client, signedInCustomer } from "./app";
import {
  draftOrder,
  expectPaidEqualsWritten,
  mailAbout,
  payByCard,
  payOnStripe,
  sessionIdOf,
  startAppWithStripe,
} from "./money-app";

let app: App;
let stripe: FakeStripe;
let openai: FakeOpenAI;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  ({ app, stripe } = await startAppWithStripe({
    OPENAI_API_KEY: "sk-fake-account-deletion",
    OPENAI_BASE_URL: openai.url,
    AI_FALLBACK_CHAIN: "",
  }));
});
afterAll(async () => {
  await app?.stop();
  await stripe?.close();
  await openai?.close();
});

const SECRET = "Zanzibar-7731"; // in every personal text of the account, to look for after the deletion

const documentOf = (id: string) =>
  app.db.selectFrom("documents").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const jobStates = async (queue: string, documentId: string) =>
  (
    await sql<{
      state: string;
    }>`select state from pgboss.job where name = ${queue} and data->>'documentId' = ${documentId}`.execute(app.db)
  ).rows.map((r) => r.state);

it("deleting an account with an open checkout, a late payment and an order being written expires, cancels and refunds them, writes nothing more, and clears every personal field", async () => {
  const { client, email, userId } = await signedInCustomer(app);
  await app.db
    .updateTable("sessions")
    .set({ ip: "203.0.113.77", user_agent: `Browser ${SECRET}` })
    .where("user_id", "=", userId)
    .execute();
  const personal = {
    topic: `The history of ${SECRET} harbour`,
    discipline: `History ${SECRET}`,
    institution: `University of ${SECRET}`,
    instructions: `Quote "${SECRET} lighthouse keeper" once.`,
  };

  // A delivered order.
  const delivered = await draftOrder(client, { pages: 5, ...personal });
  expect(await payOnStripe(stripe, sessionIdOf((await payByCard(client, delivered)).location))).toBe(303);
  await eventually("the first order to be delivered", async () =>
    ["completed", "completed_with_warnings"].includes((await documentOf(delivered)).status),
  );

  // An order with an open checkout page; one paid at Stripe whose webhook is late; one paid and being written.
  const open = await draftOrder(client, { pages: 5, ...personal });
  const openSession = sessionIdOf((await payByCard(client, open)).location);
  const late = await draftOrder(client, { pages: 6, ...personal });
  const lateSession = sessionIdOf((await payByCard(client, late)).location);
  stripe.completeSession(lateSession);
  const writing = await draftOrder(client, { pages: 7, ...personal });
  const outline = openai.pauseNext();
  expect(await payOnStripe(stripe, sessionIdOf((await payByCard(client, writing)).location))).toBe(303);
  expect(JSON.stringify(await outline.arrived)).toContain(SECRET); // its outline is being written

  // The export before the deletion carries every personal field.
  const exported = await client.get("/account/export");
  expect(exported.status).toBe(200);
  const data = JSON.parse(exported.text);
  const exportedDelivered = data.documents.find((d: any) => d.id === delivered);
  expect(exportedDelivered).toMatchObject({
    topic: personal.topic,
    discipline: personal.discipline,
    institution: personal.institution,
    instructions: personal.instructions,
  });
  expect(exportedDelivered.review_findings).not.toBeNull();
  expect(JSON.stringify(exportedDelivered.quality_warnings)).toContain(SECRET); // the requirement the judge found unmet
  expect(exportedDelivered.sections.length).toBeGreaterThan(0);
  expect(exportedDelivered.sections.every((s: any) => s.heading && s.brief)).toBe(true);
  expect(data.sessions).toEqual([expect.objectContaining({ ip: "203.0.113.77", user_agent: `Browser ${SECRET}` })]);
  const exportedEvents = data.payments.flatMap((p: any) => p.stripe_events);
  expect(exportedEvents.length).toBeGreaterThan(0);
  expect(JSON.stringify(exportedEvents)).toContain(email);

  // A sign-in code asked for the address since: its row holds the address and the asking IP.
  expect((await new Client(app, "203.0.113.78").post("/login", { email })).status).toBe(302);
  expect(await app.db.selectFrom("sign_in_codes").select("id").where("email", "=", email).execute()).toHaveLength(1);

  const deleted = await client.post("/account/delete", { email });
  expect(deleted.status).toBe(302);
  expect(deleted.location).toBe("/?deleted=1");
  const requestsAtDeletion = openai.requests.length;
  outline.release(); // the outline arrives after the deletion: nothing of it may be kept

  // The open checkout is closed at Stripe and here.
  expect(stripe.sessions.get(openSession)!.status).toBe("expired");
  expect(
    (
      await app.db
        .selectFrom("payments")
        .select("status")
        .where("stripe_checkout_session_id", "=", openSession)
        .executeTakeFirstOrThrow()
    ).status,
  ).toBe("expired");

  // The order being written is cancelled, refunded in full, and nothing more is written or kept of it.
  await eventually("the cancelled order's plan job to end", async () =>
    (await jobStates(QUEUES.planDocument, writing)).every((s) => s === "completed" || s === "failed"),
  );
  const cancelled = await expectPaidEqualsWritten(app, stripe, writing);
  expect(cancelled.payments).toEqual([expect.objectContaining({ amount_cents: 3500, status: "refunded" })]);
  expect(cancelled.document.status).toBe("refunded");
  expect(await app.db.selectFrom("sections").select("id").where("document_id", "=", writing).execute()).toEqual([]);
  expect(await jobStates(QUEUES.writeSection, writing)).toEqual([]);
  expect(openai.requests.slice(requestsAtDeletion).map((r) => JSON.stringify(r.body).slice(0, 300))).toEqual([]);

  // The late payment's webhook comes: answered 200, refunded in full, never written.
  expect(await stripe.deliver(stripe.event("checkout.session.completed", stripe.sessions.get(lateSession)))).toBe(200);
  const latePaid = await expectPaidEqualsWritten(app, stripe, late);
  expect(latePaid.payments).toEqual([expect.objectContaining({ amount_cents: 3000, status: "refunded" })]);
  expect(await jobStates(QUEUES.planDocument, late)).toEqual([]);

  // The customer is told once, at the address the account had; nothing goes to the anonymised address.
  const farewell = await mailAbout(app, email, "Your TesiGo account was deleted");
  expect(farewell.text).toContain("your payment of €35.00 is being refunded in full");
  expect(farewell.text).toContain("A card payment you had started was closed");
  const anonymised = await sql<{
    n: number;
  }>`select count(*)::int as n from pgboss.job where name = ${QUEUES.sendEmail} and data->>'to' = ${`deleted-${userId}@deleted.invalid`}`.execute(
    app.db,
  );
  expect(anonymised.rows[0].n).toBe(0);

  // Not a word of the account's personal texts is left, the delivered order included.
  for (const id of [delivered, open, late, writing]) {
    expect(await documentOf(id)).toMatchObject({
      topic: "[deleted]",
      discipline: null,
      institution: null,
      instructions: null,
      requirements_text: null,
      content: null,
      quality_warnings: [],
      review_findings: null,
      requirements_report: null,
    });
  }
  const sections = await app.db.selectFrom("sections").selectAll().where("document_id", "=", delivered).execute();
  expect(sections.length).toBeGreaterThan(0);
  expect(
    sections.every((s) => s.heading === "[deleted]" && s.brief === "" && s.content === null && s.summary === null),
  ).toBe(true);
  const sessions = await app.db
    .selectFrom("sessions")
    .select(["ip", "user_agent", "revoked_at"])
    .where("user_id", "=", userId)
    .execute();
  expect(sessions.every((s) => s.ip === null && s.user_agent === null && s.revoked_at !== null)).toBe(true);
  const everywhere = await sql<{ hits: number }>`
    select (select count(*) from stripe_events where payload::text like ${`%${email}%`})
      + (select count(*) from documents where user_id = ${userId} and row_to_json(documents)::text like ${`%${SECRET}%`})
      + (select count(*) from sections s join documents d on d.id = s.document_id where d.user_id = ${userId} and row_to_json(s)::text like ${`%${SECRET}%`})
      + (select count(*) from sessions where user_id = ${userId} and row_to_json(sessions)::text like ${`%${SECRET}%`})
      + (select count(*) from sign_in_codes where email = ${email}) as hits`.execute(app.db);
  expect(Number(everywhere.rows[0].hits)).toBe(0);

  // The account is gone for its old cookie.
  expect((await client.get("/account/export")).status).toBe(302);
});

it("a section being written when its account is deleted is not kept, and its order is refunded in full", async () => {
  const { client, email, userId } = await signedInCustomer(app);
  const writing = await draftOrder(client, { pages: 5, topic: `A section of ${SECRET} in flight` });
  // The outline passes; the first section's answer is held until the account is gone.
  const outline = openai.pauseNext();
  expect(await payOnStripe(stripe, sessionIdOf((await payByCard(client, writing)).location))).toBe(303);
  await outline.arrived;
  const section = openai.pauseNext();
  outline.release();
  expect(JSON.stringify(await section.arrived)).toContain(SECRET);

  expect((await client.post("/account/delete", { email })).status).toBe(302);
  section.release();

  await eventually("every job of the cancelled order to end", async () =>
    (await jobStates(QUEUES.writeSection, writing)).every((s) => s === "completed" || s === "failed"),
  );
  expect(await app.db.selectFrom("sections").select("id").where("document_id", "=", writing).execute()).toEqual([]);
  const settled = await expectPaidEqualsWritten(app, stripe, writing);
  expect(settled.document).toMatchObject({ status: "refunded", topic: "[deleted]", content: null });
  expect(
    (await app.db.selectFrom("users").select("deleted_at").where("id", "=", userId).executeTakeFirstOrThrow())
      .deleted_at,
  ).not.toBeNull();
});
