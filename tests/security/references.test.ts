import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { citedKeys } from "../../app/utils/citations";
import { CITE_INPUT, parseAs } from "../../app/utils/citation-js.server";
import { fakeWorkForDoi, startFakeScholarly, type FakeScholarly } from "../fakes/scholarly";
import { eventually } from "../setup/fixtures";
import { type App, Client, signedInCustomer, startApp } from "./app";

// Issue 24, items 6 and 7, attacked over HTTP: a customer's own references go in through the order wizard (read by
// citation-js, never fetched from anywhere, each broken entry named while the rest is kept) and come out of the
// delivered document as BibTeX, RIS and CSL-JSON that read back as the stored sources; nobody else gets either.

let app: App;
let scholarly: FakeScholarly;
let trap: Server;
let trapHits = 0;
let owner: Client;
let ownerId: string;
let mallory: Client;
/** The owner's order, delivered by the offline pipeline with their references among its sources. */
let deliveredId: string;

const MISSING_ID = "00000000-0000-4000-8000-000000000000";
const DOI_ENTRY = "10.5555/urban-water-adaptation";
/** The fake indexes' first hit for this title is this very title (tests/fakes/scholarly.ts). */
const TITLE_ONLY = "Groundwater and governance: a systematic review";

const REFERENCES_BIB = `@article{doientry,
  title = {Water in cities},
  author = {Nobody, Known},
  doi = {https://doi.org/${DOI_ENTRY}}
}
@book{titleonly,
  title = {${TITLE_ONLY}},
  author = {Rossi, Luca},
  year = {2019}
}
@article{broken,
  title = {An entry whose brace is never closed,
  year = 2020

@misc{owntext, title = {Field notes on the municipal water board}, author = {Bianchi, Giulia}, year = {2022}}
`;

/** The wizard's upload, as the page's form posts it; the answer is the page with what was kept and left out. */
function upload(client: Client, documentId: string, name: string, content: string | Uint8Array<ArrayBuffer>) {
  const form = new FormData();
  form.set("file", new File([content], name));
  return client.fetch(`/orders/${documentId}/references`, { method: "POST", body: form });
}

/** A page's words as a reader sees them (tags and React's text separators gone, entities decoded). */
function wordsOf(html: string): string {
  return html
    .replace(/<!-- -->/g, "")
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

/** An order still in the wizard (a draft), as its first steps leave it. */
async function draftOrder(userId: string, topic = "Urban water management and climate adaptation") {
  const document = await createDocument(app.db, userId, { topic, pages: 5, language: "en" });
  await app.db.updateTable("documents").set({ status: "draft" }).where("id", "=", document.id).execute();
  return document;
}

async function storedReferences(documentId: string) {
  return app.db
    .selectFrom("sources")
    .select(["key", "title", "doi", "priority", "import_position", "resolution", "csl"])
    .where("document_id", "=", documentId)
    .where("priority", "=", true)
    .orderBy("import_position")
    .execute();
}

beforeAll(async () => {
  scholarly = await startFakeScholarly();
  trap = createServer((_req, res) => {
    trapHits++;
    res.end("@article{trapped, title={Fetched by the server}}");
  });
  await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
  app = await startApp({
    ...scholarly.env,
    RESEARCH_PROVIDERS: "openalex,crossref",
  });
  ({ client: owner, userId: ownerId } = await signedInCustomer(app));
  ({ client: mallory } = await signedInCustomer(app));

  // The owner's order: references uploaded in the wizard, paid, written by the offline pipeline.
  const document = await draftOrder(ownerId);
  const reply = await upload(owner, document.id, "library.bib", REFERENCES_BIB);
  expect(reply.status, reply.text).toBe(200);
  // The review step ends the wizard; the development payment pays.
  await app.db.updateTable("documents").set({ status: "awaiting_payment" }).where("id", "=", document.id).execute();
  expect((await owner.post(`/orders/${document.id}/review`, { intent: "dev" })).location).toBe(
    `/documents/${document.id}`,
  );
  deliveredId = document.id;
  await eventually(
    "the order with the customer's references to be delivered",
    async () =>
      (await app.db.selectFrom("documents").select("status").where("id", "=", document.id).executeTakeFirstOrThrow())
        .status === "completed",
    120_000,
  );
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await scholarly?.close();
  await new Promise((resolve) => trap?.close(resolve));
});

type Csl = Record<string, any>;
/** What a reference manager compares: title, authors, year, DOI, container. */
function fieldsOf(item: Csl) {
  return {
    title: item.title,
    authors: (item.author ?? []).map((a: Csl) =>
      [a["dropping-particle"], a["non-dropping-particle"], a.family, "|", a.given].filter(Boolean).join(" "),
    ),
    year: item.issued?.["date-parts"]?.[0]?.[0] ?? null,
    doi: item.DOI?.toLowerCase() ?? null,
    container: item["container-title"] ?? null,
  };
}

async function citedStoredSources(documentId: string): Promise<Csl[]> {
  const sections = await app.db
    .selectFrom("sections")
    .select("content")
    .where("document_id", "=", documentId)
    .orderBy("index")
    .execute();
  const keys = [...new Set(sections.flatMap((s) => citedKeys(s.content ?? "")))];
  const rows = await app.db
    .selectFrom("sources")
    .select(["key", "csl"])
    .where("document_id", "=", documentId)
    .execute();
  return keys.map((key) => rows.find((r) => r.key === key)!.csl as Csl);
}

async function downloadedFields(client: Client, documentId: string) {
  const bib = await client.get(`/documents/${documentId}/bibliography/bib`);
  const ris = await client.get(`/documents/${documentId}/bibliography/ris`);
  const json = await client.get(`/documents/${documentId}/bibliography/json`);
  for (const reply of [bib, ris, json]) expect(reply.status, reply.text).toBe(200);
  expect(bib.headers.get("content-type")).toMatch(/^application\/x-bibtex/);
  expect(ris.headers.get("content-type")).toMatch(/^application\/x-research-info-systems/);
  expect(json.headers.get("content-type")).toMatch(/^application\/vnd\.citationstyles\.csl\+json/);
  expect(bib.headers.get("content-disposition")).toMatch(/\.bib"/);
  const byTitle = (items: Csl[]) => items.map(fieldsOf).sort((a, b) => a.title.localeCompare(b.title));
  return {
    bib: byTitle(parseAs(bib.text, CITE_INPUT.bibtex)),
    ris: byTitle(parseAs(ris.text, CITE_INPUT.ris)),
    json: byTitle(parseAs(JSON.parse(json.text), CITE_INPUT.cslList)),
  };
}

describe("the customer's own references, in through the order wizard", () => {
  it("a file with a DOI entry, a title-only entry and a broken one: the broken one is named by its position and key with the reason, every other is kept", async () => {
    const document = await draftOrder(ownerId);
    const reply = await upload(owner, document.id, "library.bib", REFERENCES_BIB);
    expect(reply.status).toBe(200);
    const words = wordsOf(reply.text);
    expect(words).toContain("3 entries kept");
    expect(words).toContain("1 entry was left out: Entry 3 (broken): it could not be read (");
    expect(words).not.toMatch(/Entry [124]\b/);
    const stored = await storedReferences(document.id);
    expect(stored.map((s) => [s.import_position, s.title, s.doi, s.resolution])).toEqual([
      [1, "Water in cities", DOI_ENTRY, "pending"],
      [2, TITLE_ONLY, null, "pending"],
      [4, "Field notes on the municipal water board", null, "pending"],
    ]);
    const page = await owner.get(`/orders/${document.id}/references`, { accept: "text/html" });
    expect(page.status).toBe(200);
    expect(page.text).toContain(TITLE_ONLY);
  });

  it("the plan looks each entry up by DOI or title in the indexes, and the delivered document cites every one in its bibliography", async () => {
    const stored = await storedReferences(deliveredId);
    const expected = fakeWorkForDoi(DOI_ENTRY)!;
    expect(stored.map((s) => [s.import_position, s.resolution])).toEqual([
      [1, "found-by-doi"],
      [2, "found-by-title"],
      [4, "not-found"],
    ]);
    // The index's record replaces the file's fields; an entry no index knows stays as the customer gave it.
    expect(fieldsOf(stored[0]!.csl as Csl)).toMatchObject({
      title: expected.title,
      doi: DOI_ENTRY,
      year: expected.year,
    });
    expect((stored[2]!.csl as Csl).title).toBe("Field notes on the municipal water board");
    expect(stored.map((s) => s.key)).not.toContain("own1");
    const cited = new Set((await citedStoredSources(deliveredId)).map((csl) => csl.id));
    for (const source of stored) expect(cited, source.key).toContain(source.key);
    const sections = await app.db
      .selectFrom("sections")
      .select("source_keys")
      .where("document_id", "=", deliveredId)
      .execute();
    // Each section lists the customer's sources it was given before any found one.
    const own = new Set(stored.map((s) => s.key));
    for (const { source_keys } of sections) {
      const keys = source_keys as unknown as string[];
      const firstFound = keys.findIndex((k) => !own.has(k));
      if (firstFound !== -1) expect(keys.slice(firstFound).some((k) => own.has(k))).toBe(false);
    }
  });

  it("a reference file that is (or names) a URL is never fetched by the server, in any of the three formats", async () => {
    const document = await draftOrder(ownerId);
    const { port } = trap.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/library.bib`;
    const replies = [
      await upload(owner, document.id, "library.bib", url),
      await upload(owner, document.id, "library.ris", `TY  - JOUR\nTI  - Linked\nUR  - ${url}\nL1  - ${url}\nER  - \n`),
      await upload(owner, document.id, "library.json", JSON.stringify([url, { id: "x", URL: url, title: url }])),
      await upload(owner, document.id, "library.json", JSON.stringify(url)),
    ];
    expect(replies.map((r) => r.status)).toEqual([400, 200, 200, 400]);
    expect(trapHits).toBe(0);
  });

  it("a file over the size limit, with too many entries, of another kind or with no usable entry is refused whole with a message, and the stored references stay", async () => {
    const document = await draftOrder(ownerId);
    expect((await upload(owner, document.id, "library.bib", REFERENCES_BIB)).status).toBe(200);
    const before = await storedReferences(document.id);
    const many = Array.from({ length: 101 }, (_, i) => `@misc{e${i}, title = {Entry ${i}}}`).join("\n");
    const refusals = [
      [await upload(owner, document.id, "library.bib", `% ${"x".repeat(1024 * 1024)}`), 413, /larger than 1024 kB/],
      [await upload(owner, document.id, "library.bib", many), 400, /101 entries; at most 100/],
      [await upload(owner, document.id, "library.docx", "@misc{a, title={A}}"), 400, /Only BibTeX/],
      [await upload(owner, document.id, "library.bib", "@misc{a, year={2020}}"), 400, /None of the file's entries/],
      [await upload(owner, document.id, "library.json", "{not json"), 400, /not valid JSON/],
      [await upload(owner, document.id, "library.ris", new Uint8Array([0xff, 0xfe, 0x00])), 400, /not UTF-8/],
    ] as const;
    for (const [reply, status, text] of refusals) {
      expect(reply.status).toBe(status);
      expect(wordsOf(reply.text)).toMatch(text);
    }
    expect(await storedReferences(document.id)).toEqual(before);
  });

  it("nobody but the owner of a draft uploads or removes its references: a stranger, a malformed id and a paid order get 404 or are sent away", async () => {
    const document = await draftOrder(ownerId);
    expect((await upload(owner, document.id, "library.bib", REFERENCES_BIB)).status).toBe(200);
    const before = await storedReferences(document.id);
    const anonymous = new Client(app);
    expect((await upload(mallory, document.id, "library.bib", REFERENCES_BIB)).status).toBe(404);
    expect((await mallory.post(`/orders/${document.id}/references`, { intent: "remove" })).status).toBe(404);
    expect((await mallory.get(`/orders/${document.id}/references`)).status).toBe(404);
    expect((await mallory.get(`/orders/not-a-uuid/references`)).status).toBe(404);
    expect((await mallory.get(`/orders/${MISSING_ID}/references`)).status).toBe(404);
    const signedOut = await anonymous.post(`/orders/${document.id}/references`, { intent: "remove" });
    expect(signedOut.status).toBe(302);
    expect(signedOut.location).toMatch(/^\/login/);
    const unknownIntent = await owner.post(`/orders/${document.id}/references`, { intent: "delete-everything" });
    expect(unknownIntent.status).toBe(400);
    expect(await storedReferences(document.id)).toEqual(before);
    // Once the order is paid its sources are the plan's: the wizard step sends the owner to the document.
    const afterPayment = await owner.post(`/orders/${deliveredId}/references`, { intent: "remove" });
    expect(afterPayment.status).toBe(302);
    expect((await storedReferences(deliveredId)).length).toBe(3);
    expect((await owner.post(`/orders/${document.id}/references`, { intent: "remove" })).status).toBe(200);
    expect(await storedReferences(document.id)).toEqual([]);
  });
});

/** The delivered document's sections, in order, as the editor reads them. */
function deliveredSections() {
  return app.db
    .selectFrom("sections")
    .select(["index", "content", "revision"])
    .where("document_id", "=", deliveredId)
    .orderBy("index")
    .execute();
}

/** The owner saves the section with every citation taken out, through the editor's endpoint. */
async function editWithoutCitations(section: { index: number; content: string | null; revision: number }) {
  const reply = await owner.post(
    `/documents/${deliveredId}/sections/${section.index}`,
    { content: (section.content ?? "").replace(/\s*\[@[^\]]*\]/g, ""), revision: String(section.revision) },
    { accept: "application/json" },
  );
  expect(reply.status, reply.text).toBe(200);
}

describe("the bibliography of a delivered document, out as BibTeX, RIS and CSL-JSON", () => {
  it("each of the three files reads back (citation-js) as the stored CSL-JSON of exactly the sources the text cites: title, authors, year, DOI, container", async () => {
    const stored = (await citedStoredSources(deliveredId)).map(fieldsOf).sort((a, b) => a.title.localeCompare(b.title));
    expect(stored.length).toBeGreaterThanOrEqual(3);
    const files = await downloadedFields(owner, deliveredId);
    expect(files.bib).toEqual(stored);
    expect(files.ris).toEqual(stored);
    expect(files.json).toEqual(stored);
    const page = await owner.get(`/documents/${deliveredId}`, { accept: "text/html" });
    for (const format of ["bib", "ris", "json"])
      expect(page.text).toContain(`href="/documents/${deliveredId}/bibliography/${format}"`);
  });

  it("after an edit takes a citation out, the files list the sources the text still cites, as the rebuilt bibliography does", async () => {
    const sections = await deliveredSections();
    const all = [...new Set(sections.flatMap((s) => citedKeys(s.content ?? "")))];
    // The section citing a source no other section cites loses all its citations.
    const section = sections.find((s) =>
      citedKeys(s.content ?? "").some((k) => sections.every((o) => o === s || !citedKeys(o.content ?? "").includes(k))),
    )!;
    const gone = citedKeys(section.content ?? "").filter((k) =>
      sections.every((o) => o === section || !citedKeys(o.content ?? "").includes(k)),
    );
    await editWithoutCitations(section);
    const json = await owner.get(`/documents/${deliveredId}/bibliography/json`);
    const ids = (JSON.parse(json.text) as Csl[]).map((item) => item.id);
    expect(ids.sort()).toEqual(all.filter((k) => !gone.includes(k)).sort());
    expect(gone.length).toBeGreaterThan(0);
    const files = await downloadedFields(owner, deliveredId);
    expect(files.bib.length).toBe(ids.length);
    expect(files.ris.length).toBe(ids.length);
  });

  it("nobody but the owner downloads them: a stranger, a signed-out visitor, a malformed id, an unknown format and an undelivered order get 404 or the sign-in page", async () => {
    const draft = await draftOrder(ownerId);
    const anonymous = new Client(app);
    const replies = [
      await mallory.get(`/documents/${deliveredId}/bibliography/bib`),
      await mallory.get(`/documents/${deliveredId}/bibliography/ris`),
      await mallory.get(`/documents/${deliveredId}/bibliography/json`),
      await owner.get(`/documents/not-a-uuid/bibliography/bib`),
      await owner.get(`/documents/${MISSING_ID}/bibliography/bib`),
      await owner.get(`/documents/${deliveredId}/bibliography/constructor`),
      await owner.get(`/documents/${deliveredId}/bibliography/docx`),
      await owner.get(`/documents/${draft.id}/bibliography/bib`),
    ];
    expect(replies.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404, 404, 404]);
    for (const reply of replies) expect(reply.text).not.toMatch(/@\w+\{|TY {2}-/);
    const signedOut = await anonymous.get(`/documents/${deliveredId}/bibliography/bib`);
    expect(signedOut.status).toBe(302);
    expect(signedOut.location).toMatch(/^\/login/);
  });

  // Last: it takes every citation out of the delivered text.
  it("a text that cites nothing offers no empty bibliography files: the page says it cites no sources", async () => {
    const before = await owner.get(`/documents/${deliveredId}`, { accept: "text/html" });
    expect(wordsOf(before.text)).not.toContain("The text cites no sources");
    const sections = await deliveredSections();
    for (const section of sections.filter((s) => citedKeys(s.content ?? "").length > 0)) {
      await editWithoutCitations(section);
    }
    const page = await owner.get(`/documents/${deliveredId}`, { accept: "text/html" });
    expect(page.status).toBe(200);
    expect(wordsOf(page.text)).toContain("The text cites no sources, so there is no bibliography to download.");
    expect(page.text).not.toContain(`/documents/${deliveredId}/bibliography/`);
  });
});
