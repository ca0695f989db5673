import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import type { Db } from "../../app/utils/db.server";
import { type App, type Client, signedInCustomer, startApp } from "./app";

// Issue 20, item 2: a delivered document's page shows its outline and ONE part of its text (≈ 12,000 characters), so
// its size does not grow with the document; `?part=N` picks the part and is refused plainly when it names none; the
// parts are read from a cache that never serves a text older than the database's.

let app: App;
let owner: Client;
let mallory: Client;
let doc30: string;
let doc200: string;

const html = { accept: "text/html" };
/** The text's 700-character paragraphs: a chapter of a 30-page document has 6, of a 200-page one 25. */
const paragraph = (heading: string, n: number) =>
  `${heading}, paragraph ${n}: rail freight moves goods with a fraction of the energy of lorries. `
    .repeat(12)
    .slice(0, 700);
const chapters = (count: number) => Array.from({ length: count }, (_, i) => `Chapter ${i + 1}`);

/** A delivered text shaped as the writer stores it: "# topic", then "## heading" sections, the references last. */
function deliveredText(topic: string, sections: Array<[heading: string, paragraphs: number]>): string {
  return [
    `# ${topic}`,
    ...sections.map(([heading, count]) =>
      [`## ${heading}`, ...Array.from({ length: count }, (_, n) => paragraph(heading, n + 1))].join("\n\n"),
    ),
    "## References\n\nAdams, A. (2020). Rail freight in Europe. Transport Press.",
  ].join("\n\n");
}

async function insertDelivered(db: Db, userId: string, pages: number, sections: Array<[string, number]>) {
  const topic = `Rail freight and the energy transition (${pages} pages)`;
  const document = await createDocument(db, userId, { topic, pages, language: "en" });
  await db
    .updateTable("documents")
    .set({
      status: "completed",
      progress_percent: 100,
      progress_stage: "done",
      total_sections: sections.length,
      sections_finished: sections.length,
      content: deliveredText(topic, sections),
      docx_key: `documents/${document.id}.docx`,
      pdf_key: `documents/${document.id}.pdf`,
      completed_at: new Date(),
    })
    .where("id", "=", document.id)
    .execute();
  await db
    .insertInto("sections")
    .values(
      sections.map(([heading, count], index) => ({
        document_id: document.id,
        index,
        heading,
        brief: heading,
        key_points: JSON.stringify([]),
        source_keys: JSON.stringify([]),
        target_words: count * 110,
        status: "passed" as const,
        word_count: count * 110,
      })),
    )
    .execute();
  return document.id;
}

beforeAll(async () => {
  app = await startApp();
  const signedIn = await signedInCustomer(app);
  owner = signedIn.client;
  mallory = (await signedInCustomer(app)).client;
  // As the writer plans them (worker/pipeline/outline.ts): 30 pages are 16 sections, 200 pages 24 (the most), the
  // introduction and the conclusion half a chapter each.
  doc30 = await insertDelivered(app.db, signedIn.userId, 30, [
    ["Introduction", 3],
    ...chapters(14).map((h): [string, number] => [h, 6]),
    ["Conclusion", 3],
  ]);
  doc200 = await insertDelivered(app.db, signedIn.userId, 200, [
    ["Introduction", 12],
    ...chapters(22).map((h): [string, number] => [h, 25]),
    ["Conclusion", 12],
  ]);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

/** The HTML of the element with this data-testid, up to its closing tag (these hold no element of their own kind). */
function element(page: string, testId: string, tag: string): string {
  const match = new RegExp(`<${tag}[^>]*data-testid="${testId}"[\\s\\S]*?</${tag}>`).exec(page);
  return match?.[0] ?? "";
}
const headingsOf = (fragment: string) => [...fragment.matchAll(/<h3[^>]*>([^<]*)<\/h3>/g)].map((m) => m[1]);
/** The page's data as the browser fetches it on a client-side navigation (single fetch: `<path>.data?<query>`). */
const dataOf = async (client: Client, path: string) => {
  const [pathname, query] = path.split("?");
  const reply = await client.get(`${pathname}.data${query ? `?${query}` : ""}`);
  return { status: reply.status, text: reply.text };
};

describe("a delivered document's page, in parts", () => {
  it("part 1 of a 200-page document weighs what a 30-page one does, plus its longer outline — not the whole text", async () => {
    const [page30, page200] = await Promise.all([
      owner.get(`/documents/${doc30}`, html),
      owner.get(`/documents/${doc200}`, html),
    ]);
    expect(page30.status).toBe(200);
    expect(page200.status).toBe(200);
    expect(page30.text.length).toBeLessThan(60_000);
    expect(page200.text.length).toBeLessThan(60_000);
    const outline200 = element(page200.text, "document-outline", "nav");
    expect(outline200).toContain("Chapter 22");
    // The outline is written twice: in the HTML and in the data the page hydrates from.
    expect(page200.text.length - page30.text.length).toBeLessThanOrEqual(2 * outline200.length);
    // The text the page shows and hydrates from is part 1 only: the last chapter's words are not sent.
    expect(page200.text).not.toContain("Chapter 22, paragraph 1:");
    const data = await dataOf(owner, `/documents/${doc200}`);
    expect(data.status).toBe(200);
    expect(data.text.length).toBeLessThan(30_000);
    expect(data.text).not.toContain("Chapter 22, paragraph 1:");
  });

  it("every part of the 200-page document stays under the same bound", async () => {
    const first = await owner.get(`/documents/${doc200}`, html);
    const total = Number(/Part 1 of (\d+)/.exec(first.text)?.[1]);
    expect(total).toBeGreaterThan(20);
    for (let part = 2; part <= total; part++) {
      const page = await owner.get(`/documents/${doc200}?part=${part}`, html);
      expect(page.status, `part ${part}`).toBe(200);
      expect(page.text.length, `part ${part}`).toBeLessThan(60_000);
    }
  });

  it("the outline lists every heading, each linked to its part, the current part marked", async () => {
    const page = await owner.get(`/documents/${doc30}?part=2`, html);
    const outline = element(page.text, "document-outline", "nav");
    const links = [...outline.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([^<]*)<\/a>/g)].map((m) => [m[2], m[1]]);
    expect(links.map(([heading]) => heading)).toEqual(["Introduction", ...chapters(14), "Conclusion", "References"]);
    // 2,100 + 4,200 + 4,200 characters fill part 1; Chapter 3 would pass 12,000.
    expect(links.slice(0, 5)).toEqual([
      ["Introduction", `/documents/${doc30}?part=1#section-1`],
      ["Chapter 1", `/documents/${doc30}?part=1#section-2`],
      ["Chapter 2", `/documents/${doc30}?part=1#section-3`],
      ["Chapter 3", `/documents/${doc30}?part=2#section-4`],
      ["Chapter 4", `/documents/${doc30}?part=2#section-5`],
    ]);
    expect([...outline.matchAll(/<a [^>]*aria-current="location"[^>]*>([^<]*)<\/a>/g)].map((m) => m[1])).toEqual([
      "Chapter 3",
      "Chapter 4",
    ]);
  });

  it("?part=2 shows the second part's sections and not the first's, with plain links to parts 1 and 3", async () => {
    const page = await owner.get(`/documents/${doc30}?part=2`, html);
    expect(page.status).toBe(200);
    const text = element(page.text, "document-text", "div");
    expect(headingsOf(text)).toEqual(["Chapter 3", "Chapter 4"]);
    expect(text).toContain('id="section-4"');
    expect(text).not.toContain("Introduction");
    expect(page.text).toMatch(
      /<a [^>]*href="\/documents\/[0-9a-f-]{36}\?part=1#document-text"[^>]*>← Previous: Part 1 of \d+<\/a>/,
    );
    expect(page.text).toMatch(
      /<a [^>]*href="\/documents\/[0-9a-f-]{36}\?part=3#document-text"[^>]*>Next: Part 3 of \d+ →<\/a>/,
    );
    const first = await owner.get(`/documents/${doc30}`, html);
    expect(headingsOf(element(first.text, "document-text", "div"))).toEqual(["Introduction", "Chapter 1", "Chapter 2"]);
    expect(first.text).not.toContain("Previous:");
    const total = Number(/Part 1 of (\d+)/.exec(first.text)?.[1]);
    const last = await owner.get(`/documents/${doc30}?part=${total}`, html);
    expect(headingsOf(element(last.text, "document-text", "div"))).toContain("References");
    expect(last.text).not.toContain("Next:");
  });

  it("a finished document sends its outline, not the list of sections that duplicated it", async () => {
    const page = await owner.get(`/documents/${doc200}`, html);
    expect(page.text).toContain('data-testid="document-outline"');
    expect(page.text).not.toContain('data-testid="section-progress"');
    // Each entry of the section list names its target length; neither the page nor its data carries one.
    expect(page.text).not.toContain("targetWords");
    const data = await dataOf(owner, `/documents/${doc200}`);
    expect(data.status).toBe(200);
    expect(data.text).toContain("Chapter 22"); // the outline
    expect(data.text).not.toContain("targetWords");
  });
});

describe("?part= that names no part", () => {
  it("?part=0, -1, 1.5, abc and an empty value are refused with 400 and a sentence, in the reader's language", async () => {
    for (const part of ["0", "-1", "1.5", "abc", ""]) {
      const reply = await owner.get(`/documents/${doc30}?part=${encodeURIComponent(part)}`, html);
      expect(reply.status, part).toBe(400);
      expect(reply.text, part).toContain("A part of the text is named by a whole number from 1 on, such as ?part=2.");
    }
    const ukrainian = await owner.get(`/documents/${doc30}?part=abc`, { ...html, "accept-language": "uk" });
    expect(ukrainian.status).toBe(400);
    expect(ukrainian.text).toContain("Частину тексту вказують цілим числом від 1, наприклад ?part=2.");
  });

  it("?part=999 is a 404 that says where the text ends, in the reader's language", async () => {
    const first = await owner.get(`/documents/${doc30}`, html);
    const total = Number(/Part 1 of (\d+)/.exec(first.text)?.[1]);
    const reply = await owner.get(`/documents/${doc30}?part=999`, html);
    expect(reply.status).toBe(404);
    expect(reply.text).toContain(`There is no part 999: this document&#x27;s text ends with part ${total}.`);
    const italian = await owner.get(`/documents/${doc30}?part=${total + 1}`, { ...html, "accept-language": "it" });
    expect(italian.status).toBe(404);
    expect(italian.text).toContain(`La parte ${total + 1} non esiste`);
    const data = await dataOf(owner, `/documents/${doc30}?part=999`);
    expect(data.status).toBe(404);
  });

  it("mallory gets the same 404 for victim's /documents/:id?part=2 (or ?part=abc) as for the page itself", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    for (const query of ["", "?part=2", "?part=abc", "?part=999"]) {
      const theirs = await mallory.get(`/documents/${doc30}${query}`, html);
      const nobodys = await mallory.get(`/documents/${missing}${query}`, html);
      expect(theirs.status, query).toBe(404);
      expect(nobodys.status, query).toBe(404);
      expect(theirs.text, query).not.toContain("Rail freight");
      expect(theirs.text, query).not.toContain("Chapter 3");
      for (const reply of [theirs, nobodys]) expect(reply.text, query).toContain("Page not found");
    }
  });
});

describe("the page's copy of the text", () => {
  it("after the text changes in the database, the next request shows the new text, never the cached one", async () => {
    const before = await owner.get(`/documents/${doc30}?part=2`, html);
    expect(headingsOf(element(before.text, "document-text", "div"))).toEqual(["Chapter 3", "Chapter 4"]);
    const edited = deliveredText("Rail freight and the energy transition (30 pages)", [
      ["Introduction", 3],
      ["Chapter 1", 6],
      ["Chapter 2", 6],
      ["Rewritten chapter", 6],
      ["Conclusion", 3],
    ]);
    await app.db.updateTable("documents").set({ content: edited }).where("id", "=", doc30).execute();
    const after = await owner.get(`/documents/${doc30}?part=2`, html);
    expect(after.status).toBe(200);
    expect(headingsOf(element(after.text, "document-text", "div"))).toEqual([
      "Rewritten chapter",
      "Conclusion",
      "References",
    ]);
    expect(after.text).not.toContain("Chapter 4");
    // The parts follow the new text: it has two, no third.
    expect((await owner.get(`/documents/${doc30}?part=3`, html)).status).toBe(404);
  });
});
