// Issue 18, item 7: /admin/users over HTTP against the running app. An admin finds an account by email and sees its
// orders, payments and consents; disabling it (typed confirmation and reason) ends its sessions on their next request
// and sign-in says the account is disabled; re-enabling lets it sign in; marking it premium moves its waiting work ahead
// in the queue. Every act is audited; an admin cannot disable themselves; bad input answers 4xx and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import { type App, Client, mailsTo, signedInCustomer, startApp } from "./app";
import { draftOrder, queueOf } from "./money-app";

let app: App;
let admin: Client;
let adminId: string;

beforeAll(async () => {
  // The web process only, so the orders' jobs wait in the queue for the priority test to see who is served first.
  app = await startApp({
    ROLE: "web",
    ALLOW_DEV_PAYMENT: "true",
    SIGNIN_LIMIT_PER_15_MINUTES: "1000",
    RATE_LIMIT_PER_MINUTE: "100000",
  });
  const signedIn = await signedInCustomer(app, "users-admin@example.com");
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", signedIn.userId).execute();
  admin = signedIn.client;
  adminId = signedIn.userId;
});
afterAll(() => app?.stop());

/** A customer's order placed and paid (the development payment), as they would over HTTP; returns its id. */
async function paidOrder(customer: Client, topic: string): Promise<string> {
  const id = await draftOrder(customer, { topic });
  const paid = await customer.post(`/orders/${id}/review`, { intent: "dev" });
  expect(paid.location, paid.text).toBe(`/documents/${id}`);
  return id;
}

/** What a person sees: the page without its scripts (Remix's serialized data) and React's empty text separators. */
const visible = (html: string) => html.replace(/<script\b[\s\S]*?<\/script>/g, "").replaceAll("<!-- -->", "");

async function auditOf(userId: string) {
  return app.db
    .selectFrom("audit_log")
    .select(["action", "actor_user_id", "reason", "details", "user_agent"])
    .where("target_type", "=", "user")
    .where("target_id", "=", userId)
    .orderBy("id")
    .execute();
}

async function signInWithCode(email: string) {
  const browser = new Client(app);
  const before = (await mailsTo(app, email, 0, 0)).length;
  const asked = await browser.post("/login", { email });
  expect(asked.status, asked.text).toBe(302);
  const [mail] = await mailsTo(app, email, before + 1);
  const code = /sign-in code is ([A-Z0-9]{6})/.exec(mail!.text)![1]!;
  return { browser, reply: await browser.post("/login", { code }) };
}

describe("finding an account", () => {
  it("a search by part of the email lists the account; its page shows its orders, payments and consents", async () => {
    const customer = await signedInCustomer(app, "maria.rossi@uni.example");
    await signedInCustomer(app, "someone.else@example.com");
    await paidOrder(customer.client, "Fiscal policy in the eurozone");

    const search = await admin.get("/admin/users?q=ROSSI%40uni");
    expect(search.status).toBe(200);
    expect(visible(search.text)).toContain(`/admin/users/${customer.userId}`);
    expect(visible(search.text)).not.toContain("someone.else@example.com");
    const none = await admin.get("/admin/users?q=nobody-here");
    expect(visible(none.text)).toContain("No account matches");

    const page = await admin.get(`/admin/users/${customer.userId}`);
    expect(page.status).toBe(200);
    const text = visible(page.text);
    expect(page.text).toContain(`action="/admin/users/${customer.userId}"`);
    expect(text).toContain("maria.rossi@uni.example");
    expect(text).toContain("Fiscal policy in the eurozone");
    expect(text).toMatch(/<td[^>]*>dev<\/td>/); // the payment, and how it was made
    expect(text).toContain("essential");
    expect(text).toContain("Agreed");
  });
});

describe("disabling and enabling an account", () => {
  it("a disabled customer's open session stops working on its next request, sign-in says the account is disabled, and both acts are audited with their reasons", async () => {
    const customer = await signedInCustomer(app, "to-disable@example.com");
    expect((await customer.client.get("/account")).status).toBe(200);

    const disabled = await admin.post(
      `/admin/users/${customer.userId}`,
      { intent: "disable", confirmation: "DISABLE", reason: "card fraud reported by the bank" },
      { "user-agent": "admin-browser/1.0" },
    );
    expect(disabled.status, disabled.text).toBe(200);
    expect(visible(disabled.text)).toContain("every session has ended");

    const next = await customer.client.get("/account");
    expect(next.status).toBe(302);
    expect(next.location).toMatch(/^\/login/);
    const refused = await signInWithCode(customer.email);
    expect(refused.reply.status).toBe(400);
    expect(visible(refused.reply.text)).toContain("This account has been disabled");
    expect((await refused.browser.get("/account")).status).toBe(302);

    const enabled = await admin.post(`/admin/users/${customer.userId}`, {
      intent: "enable",
      reason: "the bank withdrew the report",
    });
    expect(enabled.status, enabled.text).toBe(200);
    const signedIn = await signInWithCode(customer.email);
    expect(signedIn.reply.status).toBe(302);
    expect((await signedIn.browser.get("/account")).status).toBe(200);
    // The session the account had when it was disabled stays ended: its owner signs in afresh.
    expect((await customer.client.get("/account")).status).toBe(302);

    expect(await auditOf(customer.userId)).toEqual([
      {
        action: "user.disabled",
        actor_user_id: adminId,
        reason: "card fraud reported by the bank",
        details: { sessionsEnded: 1 },
        user_agent: "admin-browser/1.0",
      },
      expect.objectContaining({
        action: "user.enabled",
        actor_user_id: adminId,
        reason: "the bank withdrew the report",
      }),
    ]);
  });

  it("an admin cannot disable their own account: a clear message, and they stay signed in", async () => {
    const reply = await admin.post(`/admin/users/${adminId}`, {
      intent: "disable",
      confirmation: "DISABLE",
      reason: "trying to lock myself out",
    });
    expect(reply.status).toBe(400);
    expect(visible(reply.text)).toContain("You cannot disable your own account");
    expect((await admin.get("/admin")).status).toBe(200);
    const me = await app.db.selectFrom("users").select("disabled_at").where("id", "=", adminId).executeTakeFirst();
    expect(me?.disabled_at).toBeNull();
    expect(await auditOf(adminId)).toEqual([]);
  });

  it("an unknown or malformed account id, a missing reason, a wrong confirmation or an unknown action answers 4xx with a message and changes nothing", async () => {
    const customer = await signedInCustomer(app, "bad-input@example.com");
    const unknownId = "3f2b1c9e-8d7a-4b6c-9e5f-1a2b3c4d5e6f";
    const valid = { intent: "disable", confirmation: "DISABLE", reason: "a good reason here" };
    for (const id of [unknownId, "not-an-id", "1' or '1'='1"]) {
      const reply = await admin.post(`/admin/users/${encodeURIComponent(id)}`, valid);
      expect(reply.status, id).toBe(404);
      expect(visible(reply.text)).toContain("No account has this id");
      expect((await admin.get(`/admin/users/${encodeURIComponent(id)}`)).status).toBe(404);
    }

    const cases: [Record<string, string>, string][] = [
      [{ intent: "disable", confirmation: "DISABLE" }, "Say why: it goes into the audit log."],
      [{ ...valid, reason: "no" }, "Say why in a few words"],
      [{ ...valid, confirmation: "disable" }, "Type DISABLE (in capitals) to confirm."],
      [{ intent: "disable", reason: "a good reason here" }, "Type DISABLE to confirm."],
      [{ intent: "premium" }, "Say why: it goes into the audit log."],
      [{ intent: "delete-everything", reason: "a good reason here" }, "Choose an action."],
    ];
    for (const [form, message] of cases) {
      const reply = await admin.post(`/admin/users/${customer.userId}`, form);
      expect(reply.status, JSON.stringify(form)).toBe(400);
      expect(visible(reply.text)).toContain(message);
    }
    const after = await app.db
      .selectFrom("users")
      .select(["disabled_at", "premium"])
      .where("id", "=", customer.userId)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ disabled_at: null, premium: false });
    expect(await auditOf(customer.userId)).toEqual([]);
    expect((await customer.client.get("/account")).status).toBe(200);
  });
});

describe("premium customers go first in the queue", () => {
  it("marking a customer premium moves their waiting order ahead of one paid earlier: the worker fetches theirs first; audited", async () => {
    const earlier = await signedInCustomer(app, "paid-first@example.com");
    const later = await signedInCustomer(app, "made-premium@example.com");
    await paidOrder(earlier.client, "Monastic economies in the twelfth century");
    const laterOrder = await paidOrder(later.client, "River trade in the Hanseatic League");

    const marked = await admin.post(`/admin/users/${later.userId}`, {
      intent: "premium",
      reason: "university partnership account",
    });
    expect(marked.status, marked.text).toBe(200);
    expect(visible(marked.text)).toContain("Marked premium");

    const boss = await queueOf(app);
    try {
      // Every order of this file waits at the standard priority, each paid before this customer's.
      const [first] = await boss.fetch<{ documentId: string }>(QUEUES.planDocument);
      expect(first?.data.documentId).toBe(laterOrder);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    expect(await auditOf(later.userId)).toEqual([
      expect.objectContaining({
        action: "user.premium_granted",
        actor_user_id: adminId,
        reason: "university partnership account",
        details: { jobsReprioritized: 1 },
      }),
    ]);
    const page = await admin.get(`/admin/users/${later.userId}`);
    expect(visible(page.text)).toContain("Premium (orders go first in the queue)");
  });
});

describe("only an admin acts on accounts", () => {
  it("a customer's complete, valid disable and premium forms for another account are answered as an unknown URL and change nothing", async () => {
    const victim = await signedInCustomer(app, "victim-account@example.com");
    const mallory = await signedInCustomer(app, "mallory-account@example.com");
    const forms: Record<string, string>[] = [
      { intent: "disable", confirmation: "DISABLE", reason: "locking out a rival" },
      { intent: "premium", reason: "jumping the queue" },
    ];
    for (const form of forms) {
      const reply = await mallory.client.post(`/admin/users/${victim.userId}`, form);
      expect(reply.status).toBe((await mallory.client.post("/no-such-page-here", form)).status);
    }
    const premiumSelf = await mallory.client.post(`/admin/users/${mallory.userId}`, {
      intent: "premium",
      reason: "jumping the queue",
    });
    expect(premiumSelf.status).toBe((await mallory.client.post("/no-such-page-here", {})).status);
    expect(
      await app.db
        .selectFrom("users")
        .select(["email", "disabled_at", "premium"])
        .where("id", "in", [victim.userId, mallory.userId])
        .orderBy("email")
        .execute(),
    ).toEqual([
      { email: "mallory-account@example.com", disabled_at: null, premium: false },
      { email: "victim-account@example.com", disabled_at: null, premium: false },
    ]);
    expect([...(await auditOf(victim.userId)), ...(await auditOf(mallory.userId))]).toEqual([]);
    expect((await victim.client.get("/account")).status).toBe(200);
  });
});
