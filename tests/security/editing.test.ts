import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, Client, signedInCustomer, startApp } from "./app";
import { insertDeliveredDocument, insertDocumentInProgress } from "../setup/documents";
import { eventually } from "../setup/fixtures";

// Issue 21, item 1: the edit page of a delivered document and the save of one section's text, attacked over HTTP.
// Only the owner sees or saves; every refusal says why and leaves the text, its revision and its versions as they were.

let app: App;
let owner: Client;
let ownerId: string;
let mallory: Client;

beforeAll(async () => {
  app = await startApp();
  ({ client: owner, userId: ownerId } = await signedInCustomer(app));
  ({ client: mallory } = await signedInCustomer(app));
}, 60_000);
afterAll(() => app?.stop());

const json = { accept: "application/json" };
const MISSING_ID = "00000000-0000-4000-8000-000000000000";

/** Everything a save could change: the sections' texts and revisions, the versions, the document's text revision. */
async function traces(documentId: string) {
  return [
    await app.db
      .selectFrom("sections")
      .select(["index", "content", "revision"])
      .where("document_id", "=", documentId)
      .orderBy("index")
      .execute(),
    await app.db.selectFrom("document_versions").select(["number"]).where("document_id", "=", documentId).execute(),
    await app.db.selectFrom("documents").select("text_revision").where("id", "=", documentId).execute(),
  ];
}

function save(client: Client, path: string, form: Record<string, string>) {
  return client.post(path, form, json);
}

const errorOf = (text: string) => String((JSON.parse(text) as { error?: unknown }).error ?? "");

describe("the edit page and the section save: only the owner, only a delivered document", () => {
  it("the owner's edit page shows every section in a labelled text box, its citations as chips and its scores", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    await app.db
      .updateTable("sections")
      .set({ content: "Le biblioteche pubbliche [@rossi2021] e le altre [@rossi2021; @bianchi2019]." })
      .where("document_id", "=", id)
      .where("index", "=", 0)
      .execute();
    const page = await owner.get(`/documents/${id}/edit`, { accept: "text/html" });
    expect(page.status).toBe(200);
    expect(page.text.match(/<textarea\b/g)).toHaveLength(3);
    expect(page.text).toMatch(/<label[^>]*for="section-text-0"[^>]*>[^<]*Introduzione/);
    expect(page.text).toContain(`action="/documents/${id}/sections/0"`);
    const chips = [...page.text.matchAll(/data-testid="citation-chip"[^>]*>@(?:<!-- -->)?([\w-]+)/g)].map((m) => m[1]);
    expect(chips).toEqual(["rossi2021", "bianchi2019"]);
    expect(page.text).toContain("not a source of this document");
    expect(page.text).toContain(`href="/documents/${id}/versions"`);
    expect(page.text).toContain(`href="/documents/${id}/sections/2/regenerate"`);
    expect(page.text).toMatch(/data-testid="section-score-uniqueness"[^>]*><span[^>]*>91\.3%/);
  });

  it("the delivered document's page links to its editor; a document being written does not", async () => {
    const delivered = await insertDeliveredDocument(app.db, ownerId);
    const writing = await insertDocumentInProgress(app.db, ownerId);
    const deliveredPage = await owner.get(`/documents/${delivered.id}`, { accept: "text/html" });
    expect(deliveredPage.text).toContain(`href="/documents/${delivered.id}/edit"`);
    const writingPage = await owner.get(`/documents/${writing.id}`, { accept: "text/html" });
    expect(writingPage.status).toBe(200);
    expect(writingPage.text).not.toContain(`/documents/${writing.id}/edit`);
  });

  it("mallory gets the same 404 as for a document that does not exist, on the edit page and on every save", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    const before = await traces(id);
    const missing = await mallory.get(`/documents/${MISSING_ID}/edit`, { accept: "text/html" });
    const theirs = await mallory.get(`/documents/${id}/edit`, { accept: "text/html" });
    expect([missing.status, theirs.status]).toEqual([404, 404]);
    // The same page but for the address it echoes (the language switcher comes back to it).
    const plain = (text: string) => text.replace(/nonce="[^"]*"/g, "").replaceAll(id, MISSING_ID);
    expect(plain(theirs.text)).toBe(plain(missing.text));
    for (const index of [0, 1, 2]) {
      const reply = await save(mallory, `/documents/${id}/sections/${index}`, {
        content: "Testo di mallory.",
        revision: "0",
      });
      const control = await save(mallory, `/documents/${MISSING_ID}/sections/${index}`, {
        content: "x",
        revision: "0",
      });
      expect([reply.status, control.status]).toEqual([404, 404]);
      expect(errorOf(reply.text)).toBe(errorOf(control.text));
      expect(errorOf(reply.text)).not.toBe("");
    }
    expect(await traces(id)).toEqual(before);
  });

  it("a signed-out visitor is sent to sign in, from the page and from a save, and nothing is written", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    const before = await traces(id);
    const stranger = new Client(app);
    const page = await stranger.get(`/documents/${id}/edit`, { accept: "text/html" });
    expect(page.status).toBe(302);
    expect(page.location).toMatch(/^\/login\?redirectTo=/);
    const reply = await save(stranger, `/documents/${id}/sections/0`, { content: "Testo anonimo.", revision: "0" });
    expect(reply.status).toBe(302);
    expect(reply.location).toMatch(/^\/login/);
    expect(await traces(id)).toEqual(before);
  });

  it("a malformed id or section index is not found (never a database error), with a message", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    const before = await traces(id);
    expect((await owner.get("/documents/not-a-uuid/edit", { accept: "text/html" })).status).toBe(404);
    for (const path of [
      "/documents/not-a-uuid/sections/0",
      `/documents/${id}/sections/abc`,
      `/documents/${id}/sections/-1`,
      `/documents/${id}/sections/1.5`,
      `/documents/${id}/sections/99999`,
      `/documents/${id}/sections/3`,
    ]) {
      const reply = await save(owner, path, { content: "Testo nuovo.", revision: "0" });
      expect(reply.status, path).toBe(404);
      expect(errorOf(reply.text), path).not.toBe("");
    }
    expect(await traces(id)).toEqual(before);
  });

  it("a body without the text or the revision, a revision that is not a whole number, or not a form gets 400 with a message", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    const before = await traces(id);
    const path = `/documents/${id}/sections/0`;
    const forms: Record<string, string>[] = [
      { revision: "0" },
      { content: "Testo nuovo." },
      { content: "Testo nuovo.", revision: "" },
      { content: "Testo nuovo.", revision: "-1" },
      { content: "Testo nuovo.", revision: "1e3" },
      { content: "Testo nuovo.", revision: "0x10" },
      { content: "Testo\u0000 nuovo.", revision: "0" },
    ];
    for (const form of forms) {
      const reply = await save(owner, path, form);
      expect(reply.status, JSON.stringify(form)).toBe(400);
      expect(errorOf(reply.text), JSON.stringify(form)).not.toBe("");
    }
    const notForm = await owner.fetch(path, {
      method: "POST",
      headers: { ...json, "content-type": "application/json" },
      body: JSON.stringify({ content: "Testo nuovo.", revision: 0 }),
    });
    expect(notForm.status).toBe(400);
    expect(errorOf(notForm.text)).not.toBe("");
    expect(await traces(id)).toEqual(before);
  });

  it("a text longer than a section may be gets 400 naming the limit; a body over the cap gets 413 before it is read", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    const before = await traces(id);
    const path = `/documents/${id}/sections/0`;
    const tooLong = await save(owner, path, { content: "a".repeat(100_001), revision: "0" });
    expect(tooLong.status).toBe(400);
    expect(errorOf(tooLong.text)).toMatch(/at most 100[,.\u202f\u00a0]?000 characters/);
    const huge = await save(owner, path, { content: "a".repeat(600 * 1024), revision: "0" });
    expect(huge.status).toBe(413);
    expect(errorOf(huge.text)).not.toBe("");
    expect(await traces(id)).toEqual(before);
  });

  it("two saves from the same revision: the first is kept, the second gets 409 with the first's text and revision", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    const path = `/documents/${id}/sections/1`;
    const first = await save(owner, path, { content: "Il testo della prima scheda [@rossi2021].", revision: "0" });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ revision: 1, version: 2 });
    const second = await save(owner, path, { content: "Il testo della seconda scheda.", revision: "0" });
    expect(second.status).toBe(409);
    const answer = JSON.parse(second.text) as { error: string; conflict: { revision: number; content: string } };
    expect(answer.conflict).toEqual({ revision: 1, content: "Il testo della prima scheda [@rossi2021]." });
    expect(answer.error).toMatch(/another tab or device saved this section first/i);
    const row = await app.db
      .selectFrom("sections")
      .select(["content", "revision"])
      .where("document_id", "=", id)
      .where("index", "=", 1)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ content: "Il testo della prima scheda [@rossi2021].", revision: 1 });
    // Overwriting is deliberate: a save from the revision that won is kept.
    const overwrite = await save(owner, path, { content: "Il testo della seconda scheda.", revision: "1" });
    expect(overwrite.status).toBe(200);
    expect(JSON.parse(overwrite.text)).toMatchObject({ revision: 2 });
  });

  it("a save is counted as a change of the text (for the rebuild); the page shows its scores as being checked until then", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    const scoresOnPage = async () => {
      const page = await owner.get(`/documents/${id}/edit`, { accept: "text/html" });
      return [...page.text.matchAll(/data-testid="section-score-grammar"[^>]*>(?:<span[^>]*>)?([^<]*)/g)].map(
        (m) => m[1],
      );
    };
    // A section whose text is newer than its scores (as the save leaves it until the worker has judged it again).
    await app.db
      .updateTable("sections")
      .set({ revision: 1 })
      .where("document_id", "=", id)
      .where("index", "=", 1)
      .execute();
    expect(await scoresOnPage()).toEqual(["0.5", "being checked…", "0.5"]);

    const reply = await save(owner, `/documents/${id}/sections/2`, {
      content: "Conclusioni riscritte.",
      revision: "0",
    });
    expect(reply.status).toBe(200);
    const document = await app.db
      .selectFrom("documents")
      .select("text_revision")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(document.text_revision).toBe(1);
    // The worker's document.reassemble judges the saved section again: then its scores show instead.
    await eventually("the saved section's scores checked", async () => {
      const row = await app.db
        .selectFrom("sections")
        .select(["revision", "checked_revision"])
        .where("document_id", "=", id)
        .where("index", "=", 2)
        .executeTakeFirstOrThrow();
      return row.checked_revision === row.revision;
    });
    expect((await scoresOnPage())[2]).not.toBe("being checked…");
    // The sections the rebuild checked (the marked one and the saved one) are far under the 1,250 words planned:
    // the page says so for them; the untouched first section (checked at delivery, 1,234 words) says nothing.
    const page = await owner.get(`/documents/${id}/edit`, { accept: "text/html" });
    const notes = [...page.text.matchAll(/data-testid="section-too-short"[^>]*>([^<]*)/g)].map((m) => m[1]);
    expect(notes).toEqual([
      "This section now has 15 words; about 1250 were planned, so it may read as too short.",
      "This section now has 2 words; about 1250 were planned, so it may read as too short.",
    ]);
  });

  it("a citation key that is not one of the document's sources is refused with 422 naming it; nothing is written", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    const before = await traces(id);
    const reply = await save(owner, `/documents/${id}/sections/0`, {
      content: "Testo con [@rossi2021; @inventato2024] e [@fantasma].",
      revision: "0",
    });
    expect(reply.status).toBe(422);
    const answer = JSON.parse(reply.text) as { error: string; keys: string[] };
    expect(answer.keys).toEqual(["inventato2024", "fantasma"]);
    expect(answer.error).toContain("inventato2024, fantasma");
    expect(await traces(id)).toEqual(before);
  });

  it("a broken citation marker ([@key without its bracket, or a part naming no key) is refused with 422 naming it", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    const before = await traces(id);
    for (const [content, named] of [
      ["Testo con [@rossi2021 senza chiusura.", "[@rossi2021 senza chiusura."],
      ["Testo con [@rossi2021; rossi] rotto.", "[@rossi2021; rossi]"],
    ] as const) {
      const reply = await save(owner, `/documents/${id}/sections/0`, { content, revision: "0" });
      expect(reply.status, content).toBe(422);
      expect(errorOf(reply.text), content).toContain(named);
    }
    expect(await traces(id)).toEqual(before);
  });

  it("a document being written or refunded is not editable: the page and a save say so (409), never a 500", async () => {
    const writing = await insertDocumentInProgress(app.db, ownerId);
    const refunded = await insertDeliveredDocument(app.db, ownerId);
    await app.db.updateTable("documents").set({ status: "refunded" }).where("id", "=", refunded.id).execute();
    for (const id of [writing.id, refunded.id]) {
      const before = await traces(id);
      const page = await owner.get(`/documents/${id}/edit`, { accept: "text/html" });
      expect(page.status).toBe(409);
      expect(page.text).toContain("This document cannot be edited");
      const reply = await save(owner, `/documents/${id}/sections/0`, { content: "Testo nuovo.", revision: "0" });
      expect(reply.status).toBe(409);
      expect(errorOf(reply.text)).toContain("This document cannot be edited");
      expect(await traces(id)).toEqual(before);
    }
  });

  it("without scripts the section's form saves and comes back to the editor", async () => {
    const { id } = await insertDeliveredDocument(app.db, ownerId);
    const reply = await owner.post(
      `/documents/${id}/sections/0`,
      { content: "Salvato senza script.", revision: "0" },
      { accept: "text/html" },
    );
    expect(reply.status).toBe(303);
    expect(reply.location).toBe(`/documents/${id}/edit#section-0`);
    const page = await owner.get(`/documents/${id}/edit`, { accept: "text/html" });
    expect(page.text).toContain("Salvato senza script.");
  });
});
