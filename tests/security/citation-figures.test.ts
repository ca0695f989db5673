import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { deliveredCitationFigures } from "../../app/models/citation-verdicts.server";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { startFakeScholarly, type FakeScholarly } from "../fakes/scholarly";
import { eventually } from "../setup/fixtures";
import { type App, Client, signedInCustomer, startApp } from "./app";

// Issue 24, item 3, over HTTP: an order written by a language model shows its citation precision and recall — the
// judge's verdicts on the delivered text — on its page, in its quality note and to admins; an order written by the
// offline demo writer shows "N/A", never a number.

let judged: App;
let offline: App;
let openai: FakeOpenAI;
let scholarly: FakeScholarly;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  scholarly = await startFakeScholarly();
  // Claims in even-numbered sentences are only partly supported; the threshold lets such sections pass.
  openai.judgeCitationsWith({
    claim: (claim) => (claim.n % 2 === 0 ? { verdict: "partly", reason: "the source says less" } : undefined),
  });
  [judged, offline] = await Promise.all([
    startApp({
      OPENAI_API_KEY: "sk-fake-citation-figures",
      OPENAI_BASE_URL: openai.url,
      AI_FALLBACK_CHAIN: "",
      ...scholarly.env,
      RESEARCH_PROVIDERS: "openalex,crossref",
      CITATION_SUPPORT_MIN: "0.5",
    }),
    startApp(),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([judged?.stop(), offline?.stop()]);
  await openai?.close();
  await scholarly?.close();
});

/** An order paid with the development payment and written to the end by the app's own worker. */
async function deliveredOrder(app: App, client: Client, userId: string, topic: string) {
  const document = await createDocument(app.db, userId, { topic, pages: 5, language: "en" });
  await app.db.updateTable("documents").set({ status: "awaiting_payment" }).where("id", "=", document.id).execute();
  expect((await client.post(`/orders/${document.id}/review`, { intent: "dev" })).location).toBe(
    `/documents/${document.id}`,
  );
  return eventually(
    `the order "${topic}" to be delivered`,
    async () => {
      const row = await app.db
        .selectFrom("documents")
        .selectAll()
        .where("id", "=", document.id)
        .executeTakeFirstOrThrow();
      return ["completed", "completed_with_warnings"].includes(row.status) ? row : undefined;
    },
    120_000,
  );
}

/** What a reader sees in an element marked `data-testid` (its text, tags gone). */
function shown(html: string, testId: string): string {
  const at = html.indexOf(`data-testid="${testId}"`);
  expect(at, `${testId} on the page`).toBeGreaterThan(-1);
  const inner = html.slice(html.indexOf(">", at) + 1, html.indexOf("</dd>", at));
  return inner
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, "")
    .trim();
}

const percent = (value: number) => `${Math.round(value * 1000) / 10}%`;

describe("citation figures", () => {
  it("an order written by a model shows the precision and recall of its delivered text on its page and in its quality note", async () => {
    const { client, userId } = await signedInCustomer(judged);
    const document = await deliveredOrder(judged, client, userId, "Urban water management and climate adaptation");
    const figures = await deliveredCitationFigures(judged.db, document.id);
    // Half the claims only partly supported: well under 1, well over 0.
    expect(figures.precision).toBeGreaterThan(0.5);
    expect(figures.precision).toBeLessThan(1);
    expect(figures.recall).not.toBeNull();
    expect({ precision: document.citation_precision, recall: document.citation_recall }).toEqual(figures);

    const page = await client.get(`/documents/${document.id}`);
    expect(page.status).toBe(200);
    expect(shown(page.text, "citation-precision")).toBe(percent(figures.precision!));
    expect(shown(page.text, "citation-recall")).toBe(percent(figures.recall!));
    expect(page.text).toContain("Citation precision");

    const note = await client.get(`/documents/${document.id}/quality-note`);
    expect(note.status).toBe(200);
    expect(note.text).toContain(
      `Citation precision (citations supported by their source): ${percent(figures.precision!)}`,
    );
    expect(note.text).toContain(
      `Citation recall (sentences needing a citation that have a supporting one): ${percent(figures.recall!)}`,
    );

    // Admins see them in the order's quality panel.
    const { client: admin, userId: adminId } = await signedInCustomer(judged);
    await judged.db.updateTable("users").set({ role: "admin" }).where("id", "=", adminId).execute();
    const adminPage = await admin.get(`/admin/documents/${document.id}`);
    expect(adminPage.status).toBe(200);
    const panel = adminPage.text.slice(adminPage.text.indexOf('data-testid="citation-figures"'));
    expect(panel.slice(0, panel.indexOf("</p>")).replace(/<!-- -->/g, "")).toContain(
      `Citation precision: ${percent(figures.precision!)} · Citation recall: ${percent(figures.recall!)}`,
    );

    // Every verdict is stored: one per cited source of each sentence, evidence quoted from the source's text.
    const verdicts = await judged.db
      .selectFrom("citation_verdicts")
      .selectAll()
      .where("document_id", "=", document.id)
      .execute();
    expect(verdicts.some((v) => v.verdict === "partly" && v.reason === "the source says less")).toBe(true);
    expect(verdicts.filter((v) => v.verdict === "supported").every((v) => v.evidence)).toBe(true);
  });

  it("an order written by the offline demo writer shows N/A, never a number, on its page and in its quality note", async () => {
    const { client, userId } = await signedInCustomer(offline);
    const document = await deliveredOrder(offline, client, userId, "Offline demo orders and their citations");
    expect(document.offline_demo).toBe(true);
    expect({ precision: document.citation_precision, recall: document.citation_recall }).toEqual({
      precision: null,
      recall: null,
    });
    const page = await client.get(`/documents/${document.id}`);
    expect(shown(page.text, "citation-precision")).toBe("N/A");
    expect(shown(page.text, "citation-recall")).toBe("N/A");
    const note = await client.get(`/documents/${document.id}/quality-note`);
    expect(note.text).toContain("Citation precision (citations supported by their source): N/A");
    expect(note.text).toContain("Citation recall (sentences needing a citation that have a supporting one): N/A");
    expect(await offline.db.selectFrom("citation_verdicts").select("id").execute()).toEqual([]);
  });

  it("nobody else sees an order's figures", async () => {
    const { client: owner, userId } = await signedInCustomer(offline);
    const document = await createDocument(offline.db, userId, {
      topic: "Someone else's figures",
      pages: 5,
      language: "en",
    });
    const { client: mallory } = await signedInCustomer(offline);
    expect((await mallory.get(`/documents/${document.id}`)).status).toBe(404);
    expect((await mallory.get(`/documents/${document.id}/quality-note`)).status).toBe(404);
    expect((await owner.get(`/documents/${document.id}`)).status).toBe(200);
  });
});
