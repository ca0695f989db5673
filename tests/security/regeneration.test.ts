// Issue 21, item 3: the attacks on regenerating a section, over HTTP against the running app (offline writer) and the
// fake Stripe: other people's documents, malformed forms, double clicks, the quota, and the money for more.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { eventually } from "../setup/fixtures";
import { insertDeliveredDocument, insertDocumentInProgress } from "../setup/documents";
import type { FakeStripe } from "../fakes/stripe";
import { type App, Client, signedInCustomer, startApp } from "./app";
import { WEBHOOK_SECRET, payOnStripe, sessionIdOf, startAppWithStripe } from "./money-app";

const PRICE_CENTS = 700;
let app: App;
let stripe: FakeStripe;
/** Payments off: no Stripe key, no development payment. */
let unpaid: App;

beforeAll(async () => {
  ({ app, stripe } = await startAppWithStripe({ REGENERATION_PRICE_CENTS: String(PRICE_CENTS) }));
  unpaid = await startApp({ ALLOW_DEV_PAYMENT: "false" });
});
afterAll(async () => {
  await app?.stop();
  await stripe?.close();
  await unpaid?.stop();
});

async function deliveredFor(on: App) {
  const customer = await signedInCustomer(on);
  const { id } = await insertDeliveredDocument(on.db, customer.userId);
  return { ...customer, documentId: id, page: `/documents/${id}/sections/1/regenerate` };
}

const regenerationsOf = (on: App, documentId: string) =>
  on.db.selectFrom("regenerations").selectAll().where("document_id", "=", documentId).orderBy("created_at").execute();

/** The order's free regenerations, used up (written and discarded). */
async function useUpFreeRegenerations(on: App, documentId: string, userId: string) {
  await on.db
    .insertInto("regenerations")
    .values(
      [0, 1, 2].map((index) => ({
        document_id: documentId,
        user_id: userId,
        section_index: index,
        instruction: "Più critico",
        base_revision: 0,
        status: "discarded" as const,
      })),
    )
    .execute();
}

/** What a reader sees of a page: no tags, scripts or styles. */
function visibleText(html: string): string {
  const body = /<body[\s\S]*<\/body>/.exec(html)?.[0] ?? html;
  return body
    .replace(/<(script|style|noscript)[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const ask = (client: Client, page: string, instruction = "Make it more critical") =>
  client.post(page, { intent: "regenerate", instruction });

const readyRegeneration = (documentId: string) =>
  eventually("the regeneration to be ready", async () =>
    (await regenerationsOf(app, documentId)).find((r) => r.status === "ready"),
  );

describe("only the owner", () => {
  it("a stranger, a signed-out visitor and a malformed id get what a missing document gets, on the page and every action", async () => {
    const owner = await deliveredFor(app);
    const stranger = await signedInCustomer(app);
    const missing = `/documents/00000000-0000-4000-8000-000000000000/sections/1/regenerate`;
    const notFound = await stranger.client.get(missing);
    expect(notFound.status).toBe(404);
    // What a reader sees of a 404: the same for any of these (the markup differs only in per-request nonces).
    const seen = (text: string) => visibleText(text);
    expect(seen(notFound.text)).toContain("Page not found");
    const forms: Record<string, string>[] = [
      { intent: "regenerate", instruction: "Make it more critical" },
      { intent: "keep", regenerationId: "00000000-0000-4000-8000-000000000000" },
      { intent: "discard", regenerationId: "00000000-0000-4000-8000-000000000000" },
      { intent: "buy" },
      { intent: "nonsense" },
    ];
    for (const path of [
      owner.page,
      `/documents/not-a-uuid/sections/1/regenerate`,
      `/documents/${owner.documentId}/sections/x1/regenerate`,
    ]) {
      const page = await stranger.client.get(path);
      expect([path, page.status, seen(page.text)]).toEqual([path, 404, seen(notFound.text)]);
      for (const form of forms) {
        const nobodys = await stranger.client.post(missing, form);
        expect(nobodys.status).toBe(404);
        const reply = await stranger.client.post(path, form);
        expect([path, form.intent, reply.status, seen(reply.text)]).toEqual([
          path,
          form.intent,
          404,
          seen(nobodys.text),
        ]);
      }
    }
    // A section the document does not have is not found either.
    expect((await owner.client.get(`/documents/${owner.documentId}/sections/9/regenerate`)).status).toBe(404);
    const signedOut = new Client(app);
    for (const reply of [await signedOut.get(owner.page), await signedOut.post(owner.page, forms[0]!)]) {
      expect(reply.status).toBe(302);
      expect(reply.location).toMatch(/^\/login/);
    }
    expect(await regenerationsOf(app, owner.documentId)).toEqual([]);
    expect((await owner.client.get(owner.page)).status).toBe(200);
  });
});

describe("what is asked", () => {
  it("a missing, short, long or control-character instruction and an unknown action are refused with a message", async () => {
    const owner = await deliveredFor(app);
    const cases: [Record<string, string>, string][] = [
      [{ intent: "regenerate" }, "Write an instruction for the writer."],
      [{ intent: "regenerate", instruction: "  ab  " }, "The instruction needs at least 3 characters."],
      [{ intent: "regenerate", instruction: "x".repeat(1001) }, "The instruction can have at most 1000 characters."],
      [{ intent: "regenerate", instruction: "More\u0000critical" }, "control character"],
      [{ intent: "keep", regenerationId: "x" }, "This regeneration does not exist."],
      [{ intent: "delete-everything" }, "Choose one of the page"],
    ];
    for (const [form, message] of cases) {
      const reply = await owner.client.post(owner.page, form);
      expect([form, reply.status]).toEqual([form, 400]);
      expect(reply.text).toContain(message);
    }
    expect(await regenerationsOf(app, owner.documentId)).toEqual([]);
  });

  it("a document still being written cannot be regenerated: a clear message, never a 500", async () => {
    const customer = await signedInCustomer(app);
    const { id } = await insertDocumentInProgress(app.db, customer.userId);
    const page = `/documents/${id}/sections/0/regenerate`;
    const shown = await customer.client.get(page, { accept: "text/html" });
    expect(shown.status).toBe(200);
    expect(shown.text).toContain("Only a delivered document can be changed");
    const reply = await ask(customer.client, page);
    expect(reply.status).toBe(409);
    expect(reply.text).toContain("Only a delivered document can be changed");
    expect(await regenerationsOf(app, id)).toEqual([]);
    // Paid but not planned yet: no sections at all, and the same plain answer.
    const queued = await createDocument(app.db, customer.userId, {
      topic: "Biblioteche e scuole",
      pages: 5,
      language: "it",
    });
    await app.db.updateTable("documents").set({ status: "queued" }).where("id", "=", queued.id).execute();
    for (const reply of [
      await customer.client.get(`/documents/${queued.id}/sections/0/regenerate`),
      await ask(customer.client, `/documents/${queued.id}/sections/0/regenerate`),
    ]) {
      expect(reply.status).toBe(409);
      expect(reply.text).toContain("Only a delivered document can be changed");
    }
  });
});

describe("one at a time, once", () => {
  it("two requests at once (a double click) make one regeneration; the other is told why", async () => {
    const owner = await deliveredFor(app);
    const replies = await Promise.all([ask(owner.client, owner.page), ask(owner.client, owner.page)]);
    expect(replies.map((r) => r.status).sort()).toEqual([302, 409]);
    expect(replies.find((r) => r.status === 409)!.text).toContain("This section is already being regenerated");
    expect(await regenerationsOf(app, owner.documentId)).toHaveLength(1);
  });

  it("keep pressed twice keeps once: one version by regeneration, one text change, the order unchanged", async () => {
    const owner = await deliveredFor(app);
    const before = await app.db
      .selectFrom("documents")
      .select(["status", "price_cents", "text_revision"])
      .where("id", "=", owner.documentId)
      .executeTakeFirstOrThrow();
    expect((await ask(owner.client, owner.page)).status).toBe(302);
    const regeneration = await readyRegeneration(owner.documentId);
    const page = await owner.client.get(owner.page, { accept: "text/html" });
    expect(page.text).toContain("Keep the new text");
    const keep = { intent: "keep", regenerationId: regeneration.id };
    const replies = await Promise.all([owner.client.post(owner.page, keep), owner.client.post(owner.page, keep)]);
    expect(replies.map((r) => r.status).sort()).toEqual([302, 409]);
    expect(replies.find((r) => r.status === 409)!.text).toContain("already kept");
    const versions = await app.db
      .selectFrom("document_versions")
      .select(["author", "changed_sections"])
      .where("document_id", "=", owner.documentId)
      .orderBy("number")
      .execute();
    expect(versions).toEqual([
      { author: "delivery", changed_sections: [] },
      { author: "regeneration", changed_sections: [1] },
    ]);
    const after = await app.db
      .selectFrom("documents")
      .select(["status", "price_cents", "text_revision"])
      .where("id", "=", owner.documentId)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ ...before, text_revision: before.text_revision + 1 });
    const section = await app.db
      .selectFrom("sections")
      .select("content")
      .where("document_id", "=", owner.documentId)
      .where("index", "=", 1)
      .executeTakeFirstOrThrow();
    expect(section.content).toBe(regeneration.content);
  });
});

describe("the quota and the money for more", () => {
  it("used up: a message, then a Checkout at the server's price whatever the form says, credited once by its webhook", async () => {
    const owner = await deliveredFor(app);
    await useUpFreeRegenerations(app, owner.documentId, owner.userId);
    const refused = await ask(owner.client, owner.page);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("No regenerations are left for this order.");
    const page = await owner.client.get(owner.page, { accept: "text/html" });
    expect(page.text).toContain("0 of 3 free regenerations left");
    expect(page.text).toContain("Buy one more regeneration");

    const buy = await owner.client.post(owner.page, { intent: "buy", amount: "1", amount_cents: "1", price: "1" });
    expect(buy.status).toBe(302);
    const sessionId = sessionIdOf(buy.location);
    const session = stripe.sessions.get(sessionId);
    expect(session.amount_total).toBe(PRICE_CENTS);
    expect(session.metadata.purpose).toBe("regeneration");
    // A second click reuses the open session: one payment at most.
    expect((await owner.client.post(owner.page, { intent: "buy" })).location).toBe(buy.location);

    expect(await payOnStripe(stripe, sessionId)).toBeLessThan(400);
    const purchases = () =>
      app.db
        .selectFrom("payments")
        .select(["id", "status", "amount_cents", "purpose"])
        .where("document_id", "=", owner.documentId)
        .where("purpose", "=", "regeneration")
        .execute();
    await eventually("the purchase to be credited", async () =>
      (await purchases()).some((p) => p.status === "succeeded") ? true : undefined,
    );
    // The same event again, and another event for the same session: still one regeneration bought.
    const completed = stripe.event("checkout.session.completed", stripe.sessions.get(sessionId));
    expect(await stripe.deliver(completed)).toBe(200);
    expect(await stripe.deliver(completed)).toBe(200);
    expect(await purchases()).toEqual([
      { id: expect.any(String), status: "succeeded", amount_cents: PRICE_CENTS, purpose: "regeneration" },
    ]);
    expect((await owner.client.get(owner.page, { accept: "text/html" })).text).toContain(
      "Bought regenerations left: 1",
    );
    expect((await ask(owner.client, owner.page)).status).toBe(302);
    const [paid] = (await regenerationsOf(app, owner.documentId)).filter((r) => r.status !== "discarded");
    expect(paid!.payment_id).toBe((await purchases())[0]!.id);
    // The order is what it was.
    const document = await app.db
      .selectFrom("documents")
      .select("status")
      .where("id", "=", owner.documentId)
      .executeTakeFirstOrThrow();
    expect(document.status).toBe("completed");
  });

  it("a forged webhook (wrong signature) for a regeneration's checkout credits nothing", async () => {
    const owner = await deliveredFor(app);
    await useUpFreeRegenerations(app, owner.documentId, owner.userId);
    const buy = await owner.client.post(owner.page, { intent: "buy" });
    const sessionId = sessionIdOf(buy.location);
    const paidSession = { ...stripe.sessions.get(sessionId), status: "complete", payment_status: "paid" };
    const forged = stripe.signed(stripe.event("checkout.session.completed", paidSession), "whsec_not_the_secret");
    expect(forged.payload).not.toContain(WEBHOOK_SECRET);
    const reply = await fetch(`${app.url}/api/stripe/webhook`, {
      method: "POST",
      body: forged.payload,
      headers: { ...forged.headers, "content-type": "application/json" },
    });
    expect(reply.status).toBe(400);
    const purchase = await app.db
      .selectFrom("payments")
      .select("status")
      .where("document_id", "=", owner.documentId)
      .where("purpose", "=", "regeneration")
      .executeTakeFirstOrThrow();
    expect(purchase.status).toBe("pending");
    expect((await ask(owner.client, owner.page)).status).toBe(409);
  });

  it("with payments off, a used-up quota shows a message instead of a button, and buying is refused", async () => {
    const owner = await deliveredFor(unpaid);
    await useUpFreeRegenerations(unpaid, owner.documentId, owner.userId);
    const page = await owner.client.get(owner.page, { accept: "text/html" });
    expect(page.text).toContain("payments are not available on this site");
    expect(page.text).not.toContain("Buy one more regeneration");
    const buy = await owner.client.post(owner.page, { intent: "buy" });
    expect(buy.status).toBe(409);
    expect(buy.text).toContain("payments are not available on this site");
    expect(await unpaid.db.selectFrom("payments").select("id").where("purpose", "=", "regeneration").execute()).toEqual(
      [],
    );
  });
});
