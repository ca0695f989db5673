// Issue 21, items 2 and 6: the versions of a delivered text — the customer's list, one version against the current
// text, restore — and an admin's restore for a customer, attacked over HTTP against the running app. The texts are
// changed the way the editor changes them (saveSectionText, in this process, against the app's database).
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveSectionText } from "../../app/models/document-versions.server";
import { useBoss } from "../../app/jobs/queue.server";
import { insertDeliveredDocument, insertDocumentInProgress } from "../setup/documents";
import { type App, type Client, type Reply, signedInCustomer, startApp } from "./app";
import { queueOf } from "./money-app";

let app: App;
let boss: PgBoss;
let admin: Client;
let adminId: string;

beforeAll(async () => {
  app = await startApp();
  boss = useBoss(await queueOf(app));
  const signedIn = await signedInCustomer(app);
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", signedIn.userId).execute();
  admin = signedIn.client;
  adminId = signedIn.userId;
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await app?.stop();
});

const html = { accept: "text/html" };
const REWRITTEN = "Un quadro storico riscritto dal cliente, con parole nuove.";

/** A page's text as a reader sees it: React's comment markers out, its escaped characters back. */
const textOf = (reply: Reply) =>
  reply.text.replaceAll("<!-- -->", "").replaceAll("&#x27;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&");

/** A customer's delivered document (3 sections, Italian), and optionally a save of its section 1 (version 2). */
async function deliveredDocument(options: { changed?: boolean } = {}) {
  const owner = await signedInCustomer(app);
  const document = await insertDeliveredDocument(app.db, owner.userId);
  if (options.changed) {
    const saved = await saveSectionText(app.db, {
      documentId: document.id,
      ownerId: owner.userId,
      index: 1,
      baseRevision: 0,
      content: REWRITTEN,
    });
    expect(saved).toMatchObject({ ok: true, version: 2 });
  }
  return { ...owner, id: document.id, topic: document.topic };
}

const versionsOf = (documentId: string) =>
  app.db
    .selectFrom("document_versions")
    .select(["number", "author", "author_user_id", "restored_from", "changed_sections"])
    .where("document_id", "=", documentId)
    .orderBy("number")
    .execute();

const sectionsOf = (documentId: string) =>
  app.db
    .selectFrom("sections")
    .select(["index", "content", "revision"])
    .where("document_id", "=", documentId)
    .orderBy("index")
    .execute();

const restore = (client: Client, path: string, form: Record<string, string> = { intent: "restore" }) =>
  client.post(path, form, html);

describe("the customer's versions pages", () => {
  it("with no change yet, the delivered text is the one version; after a save the list shows who changed which section", async () => {
    const doc = await deliveredDocument();
    const before = await doc.client.get(`/documents/${doc.id}/versions`, html);
    expect(before.status).toBe(200);
    expect(textOf(before)).toContain("No changes yet: the text as delivered is the only version.");
    expect(before.text.match(/data-testid="version"/g)).toHaveLength(1);
    expect(textOf(before)).toContain("Version 1");
    expect(textOf(before)).toContain("Delivered");

    await saveSectionText(app.db, {
      documentId: doc.id,
      ownerId: doc.userId,
      index: 1,
      baseRevision: 0,
      content: "X.",
    });
    const after = textOf(await doc.client.get(`/documents/${doc.id}/versions`, html));
    expect(after.indexOf("Version 2")).toBeLessThan(after.indexOf("Version 1"));
    expect(after).toContain("You");
    expect(after).toContain("Sections changed: Quadro storico");
    // The time, relative and exact (UTC, as everywhere in the app).
    expect(after).toMatch(/now \(\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC\)/);
    // The document's page links here.
    expect((await doc.client.get(`/documents/${doc.id}`, html)).text).toContain(`/documents/${doc.id}/versions"`);
  });

  it("a version's page shows its text against the current text: words added in <ins>, removed in <del>, unchanged sections folded", async () => {
    const doc = await deliveredDocument({ changed: true });
    const page = await doc.client.get(`/documents/${doc.id}/versions/1`, html);
    expect(page.status).toBe(200);
    const changed = textOf(page).match(/<section[^>]*data-testid="section-changed"[\s\S]*?<\/section>/g) ?? [];
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain("Quadro storico");
    expect(changed[0]).toMatch(/<ins[^>]*><span class="sr-only">added: <\/span>[^<]*riscritto/);
    expect(changed[0]).toMatch(/<del[^>]*><span class="sr-only">removed: <\/span>[^<]*biblioteche/);
    expect(page.text.match(/<details[^>]*data-testid="section-unchanged"/g)).toHaveLength(2);
    expect(page.text).toContain('name="intent" value="restore"');
    // The current version says it is the current text.
    const current = textOf(await doc.client.get(`/documents/${doc.id}/versions/2`, html));
    expect(current).toContain("This version is the same as the current text.");
  });

  it("restoring an old version makes a new one (the others stay) and brings its text back", async () => {
    const doc = await deliveredDocument({ changed: true });
    const reply = await restore(doc.client, `/documents/${doc.id}/versions/1`);
    expect(reply.status).toBe(302);
    expect(reply.location).toBe(`/documents/${doc.id}/versions?restored=3&from=1`);
    expect(textOf(await doc.client.get(reply.location!, html))).toContain(
      "Version 1 restored: it is now version 3, the current text.",
    );
    expect(await versionsOf(doc.id)).toEqual([
      { number: 1, author: "delivery", author_user_id: null, restored_from: null, changed_sections: [] },
      { number: 2, author: "customer", author_user_id: doc.userId, restored_from: null, changed_sections: [1] },
      { number: 3, author: "restore", author_user_id: doc.userId, restored_from: 1, changed_sections: [1] },
    ]);
    const [, section] = await sectionsOf(doc.id);
    expect(section).toMatchObject({ revision: 2 });
    expect(section!.content).toContain("Le biblioteche pubbliche europee");
    // The change is counted, so the worker rebuilds the assembled text and files.
    const { text_revision } = await app.db
      .selectFrom("documents")
      .select("text_revision")
      .where("id", "=", doc.id)
      .executeTakeFirstOrThrow();
    expect(text_revision).toBe(2);
  });

  it("restoring the text that is already current changes nothing and says so", async () => {
    const doc = await deliveredDocument({ changed: true });
    const reply = await restore(doc.client, `/documents/${doc.id}/versions/2`);
    expect(reply.location).toBe(`/documents/${doc.id}/versions?unchanged=2`);
    expect(textOf(await doc.client.get(reply.location!, html))).toContain(
      "Version 2 is already the current text: nothing changed.",
    );
    expect((await versionsOf(doc.id)).map((v) => v.number)).toEqual([1, 2]);
    // Before any change, restoring the delivered text is the same.
    const untouched = await deliveredDocument();
    const first = await restore(untouched.client, `/documents/${untouched.id}/versions/1`);
    expect(first.location).toBe(`/documents/${untouched.id}/versions?unchanged=1`);
    expect((await sectionsOf(untouched.id)).map((s) => s.revision)).toEqual([0, 0, 0]);
  });

  it("two restores sent at once make consistent versions: consecutive numbers, none twice, never a 500", async () => {
    const doc = await deliveredDocument({ changed: true });
    const same = await Promise.all([1, 2, 3].map(() => restore(doc.client, `/documents/${doc.id}/versions/1`)));
    expect(same.map((r) => r.status)).toEqual([302, 302, 302]);
    // One of them restored version 1; the others found it already current.
    expect(same.filter((r) => r.location?.includes("restored=3&from=1"))).toHaveLength(1);
    expect(same.filter((r) => r.location?.includes("unchanged=1"))).toHaveLength(2);
    const different = await Promise.all([
      restore(doc.client, `/documents/${doc.id}/versions/2`),
      restore(doc.client, `/documents/${doc.id}/versions/1`),
    ]);
    expect(different.map((r) => r.status)).toEqual([302, 302]);
    const numbers = (await versionsOf(doc.id)).map((v) => v.number);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    expect(numbers.length).toBeGreaterThanOrEqual(4);
  });
});

describe("strangers and wrong addresses", () => {
  it("a stranger gets the same 404 as a document that does not exist, on the list, a version and a restore; nothing changes", async () => {
    const doc = await deliveredDocument({ changed: true });
    expect((await doc.client.get(`/documents/${doc.id}/versions`, html)).status).toBe(200);
    expect((await doc.client.get(`/documents/${doc.id}/versions/1`, html)).status).toBe(200);
    const mallory = (await signedInCustomer(app, "mallory@example.com")).client;
    const missing = await mallory.get(`/documents/00000000-0000-4000-8000-000000000000/versions`, html);
    expect(missing.status).toBe(404);
    for (const reply of [
      await mallory.get(`/documents/${doc.id}/versions`, html),
      await mallory.get(`/documents/${doc.id}/versions/1`, html),
      await restore(mallory, `/documents/${doc.id}/versions/1`),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.text).not.toContain(doc.topic);
      expect(textOf(reply)).toContain("Not found");
    }
    // Signed out: the sign-in page, as for every customer page.
    const signedOut = await new (mallory.constructor as typeof Client)(app).get(`/documents/${doc.id}/versions/1`);
    expect(signedOut.status).toBe(302);
    expect(signedOut.location).toMatch(/^\/login\?redirectTo=/);
    expect((await versionsOf(doc.id)).map((v) => v.number)).toEqual([1, 2]);
  });

  it("a malformed or unknown version number, or a malformed document id, is not found; restoring one too", async () => {
    const doc = await deliveredDocument({ changed: true });
    expect((await doc.client.get(`/documents/${doc.id}/versions/2`, html)).status).toBe(200);
    for (const number of ["0", "3", "42", "-1", "1.5", "1e2", "abc", "01", "99999999999999999999"]) {
      expect((await doc.client.get(`/documents/${doc.id}/versions/${number}`, html)).status, number).toBe(404);
      expect((await restore(doc.client, `/documents/${doc.id}/versions/${number}`)).status, number).toBe(404);
    }
    expect((await doc.client.get(`/documents/not-a-document/versions`, html)).status).toBe(404);
    expect((await doc.client.get(`/documents/not-a-document/versions/1`, html)).status).toBe(404);
    expect((await restore(doc.client, `/documents/not-a-document/versions/1`)).status).toBe(404);
    expect((await versionsOf(doc.id)).map((v) => v.number)).toEqual([1, 2]);
  });

  it("a restore with another intent is refused with a message; nothing changes", async () => {
    const doc = await deliveredDocument({ changed: true });
    const reply = await restore(doc.client, `/documents/${doc.id}/versions/1`, { intent: "delete" });
    expect(reply.status).toBe(400);
    expect(textOf(reply)).toContain("This page cannot do that.");
    expect((await versionsOf(doc.id)).map((v) => v.number)).toEqual([1, 2]);
  });

  it("a document that is not delivered (being written, or refunded after a change) is not restored, with a message", async () => {
    const owner = await signedInCustomer(app);
    const writing = await insertDocumentInProgress(app.db, owner.userId);
    const list = await owner.client.get(`/documents/${writing.id}/versions`, html);
    expect(list.status).toBe(200);
    expect(textOf(list)).toContain("Versions appear once the document is delivered.");
    const refused = await restore(owner.client, `/documents/${writing.id}/versions/1`);
    expect(refused.status).toBe(409);
    expect(textOf(refused)).toContain("This document cannot be changed now");

    const doc = await deliveredDocument({ changed: true });
    await app.db.updateTable("documents").set({ status: "refunded" }).where("id", "=", doc.id).execute();
    const page = await doc.client.get(`/documents/${doc.id}/versions/1`, html);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('name="intent" value="restore"');
    const reply = await restore(doc.client, `/documents/${doc.id}/versions/1`);
    expect(reply.status).toBe(409);
    expect(textOf(reply)).toContain("This document cannot be changed now");
    expect((await versionsOf(doc.id)).map((v) => v.number)).toEqual([1, 2]);
    expect((await sectionsOf(doc.id))[1]!.content).toBe(REWRITTEN);
  });
});

describe("an admin restores a version for a customer", () => {
  const auditOf = (documentId: string) =>
    app.db
      .selectFrom("audit_log")
      .select(["actor_user_id", "action", "target_type", "target_id", "reason", "details"])
      .where("target_id", "=", documentId)
      .execute();

  it("with a reason: a new version by the admin, and an audit entry saying who, what and why", async () => {
    const doc = await deliveredDocument({ changed: true });
    const order = await admin.get(`/admin/documents/${doc.id}`, html);
    expect(order.text).toContain(`/admin/documents/${doc.id}/versions"`);
    const list = textOf(await admin.get(`/admin/documents/${doc.id}/versions`, html));
    expect(list).toContain("The customer");
    expect(list).toContain("Sections changed: Quadro storico");
    const page = await admin.get(`/admin/documents/${doc.id}/versions/1`, html);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<del[^>]*>/);

    const reason = "The customer asked support to undo their edit";
    const reply = await restore(admin, `/admin/documents/${doc.id}/versions/1`, { intent: "restore", reason });
    expect(reply.status).toBe(302);
    expect(reply.location).toBe(`/admin/documents/${doc.id}/versions?restored=3&from=1`);
    expect(textOf(await admin.get(reply.location!, html))).toContain(
      "Version 1 restored for the customer: it is now version 3.",
    );
    expect((await versionsOf(doc.id))[2]).toEqual({
      number: 3,
      author: "admin",
      author_user_id: adminId,
      restored_from: 1,
      changed_sections: [1],
    });
    expect((await sectionsOf(doc.id))[1]!.content).toContain("Le biblioteche pubbliche europee");
    expect(await auditOf(doc.id)).toEqual([
      {
        actor_user_id: adminId,
        action: "document.version_restored",
        target_type: "document",
        target_id: doc.id,
        reason,
        details: { restored: 1, version: 3, changedSections: [1] },
      },
    ]);
    // The customer's list names the administrator.
    const customerList = textOf(await doc.client.get(`/documents/${doc.id}/versions`, html));
    expect(customerList).toContain("An administrator, restoring version 1");
  });

  it("without a reason, or for an order not delivered, nothing is restored and the admin is told why", async () => {
    const doc = await deliveredDocument({ changed: true });
    const noReason = await restore(admin, `/admin/documents/${doc.id}/versions/1`, { intent: "restore", reason: "" });
    expect(noReason.status).toBe(400);
    expect(textOf(noReason)).toContain("Say why in a few words: it goes into the audit log.");
    await app.db.updateTable("documents").set({ status: "refunded" }).where("id", "=", doc.id).execute();
    const refunded = await restore(admin, `/admin/documents/${doc.id}/versions/1`, {
      intent: "restore",
      reason: "The customer asked support to undo their edit",
    });
    expect(refunded.status).toBe(409);
    expect(textOf(refunded)).toContain("This order's text cannot be changed now");
    expect((await versionsOf(doc.id)).map((v) => v.number)).toEqual([1, 2]);
    expect(await auditOf(doc.id)).toEqual([]);
    // Unknown documents and versions are not found.
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await admin.get(`/admin/documents/${unknown}/versions`, html)).status).toBe(404);
    expect((await admin.get(`/admin/documents/${doc.id}/versions/9`, html)).status).toBe(404);
    expect((await admin.get(`/admin/documents/${doc.id}/versions/x`, html)).status).toBe(404);
  });

  it("a customer cannot reach the admin's versions pages, nor restore through them, even for their own document", async () => {
    const doc = await deliveredDocument({ changed: true });
    expect((await admin.get(`/admin/documents/${doc.id}/versions`, html)).status).toBe(200);
    expect((await doc.client.get(`/admin/documents/${doc.id}/versions`, html)).status).toBe(404);
    expect((await doc.client.get(`/admin/documents/${doc.id}/versions/1`, html)).status).toBe(404);
    const attempt = { intent: "restore", reason: "I am the admin now, trust me" };
    const reply = await restore(doc.client, `/admin/documents/${doc.id}/versions/1`, attempt);
    // As a POST to any unknown URL is answered: no admin action runs.
    const unknown = await restore(doc.client, "/no-such-page-here", attempt);
    expect([reply.status, /<h1[^>]*>([^<]*)<\/h1>/.exec(reply.text)?.[1]]).toEqual([
      unknown.status,
      /<h1[^>]*>([^<]*)<\/h1>/.exec(unknown.text)?.[1],
    ]);
    expect((await versionsOf(doc.id)).map((v) => v.author)).toEqual(["delivery", "customer"]);
    expect(await auditOf(doc.id)).toEqual([]);
  });
});
