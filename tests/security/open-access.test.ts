// Issue 24, items 4 and 5, against the running app: the open-access PDFs the indexes name are outside data, so a paid
// order whose sources link hostile ones (the cloud metadata address, a redirect to localhost, an oversized file, one
// that never finishes, one that is not a PDF) must go on, with only the real PDFs' pages kept and no private address
// ever requested; and a Ukrainian order is researched in Ukrainian and in English.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { OPEN_ACCESS_PAGES, openAccessPageText } from "../fakes/open-access";
import { startFakeScholarly, type FakeScholarly } from "../fakes/scholarly";
import { eventually } from "../setup/fixtures";
import { type App, signedInCustomer, startApp } from "./app";

let app: App;
let openai: FakeOpenAI;
let scholarly: FakeScholarly;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  scholarly = await startFakeScholarly();
  app = await startApp({
    OPENAI_API_KEY: "sk-test-open-access",
    OPENAI_BASE_URL: openai.url,
    AI_FALLBACK_CHAIN: "",
    ...scholarly.env,
    // The stand-in publishers live on the fake's loopback origin, listed as a local mirror would be.
    FULLTEXT_PRIVATE_ORIGINS: new URL(scholarly.urls.openalex).origin,
    FULLTEXT_TIMEOUT_SECONDS: "2",
    UPLOAD_READ_TIMEOUT_SECONDS: "10",
    FULLTEXT_MAX_BYTES: String(1024 * 1024),
  });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await openai?.close();
  await scholarly?.close();
});

/** A Ukrainian order, paid with the development payment over HTTP; resolves once the plan has stored its sections. */
async function paidAndPlanned(topic: string) {
  const { client, userId } = await signedInCustomer(app);
  const document = await createDocument(app.db, userId, { topic, pages: 10, language: "uk" });
  await app.db.updateTable("documents").set({ status: "awaiting_payment" }).where("id", "=", document.id).execute();
  expect((await client.post(`/orders/${document.id}/review`, { intent: "dev" })).location).toBe(
    `/documents/${document.id}`,
  );
  await eventually(
    "the order to be planned",
    async () =>
      (await app.db.selectFrom("sections").select("id").where("document_id", "=", document.id).executeTakeFirst()) !==
      undefined,
    120_000,
  );
  return document.id;
}

describe("open-access full text and research in the order's language, over the running app", () => {
  it("a paid order whose sources link hostile PDFs goes on: private addresses (also behind a redirect) are never requested, only real PDFs' pages are kept", async () => {
    const topic = "Hostile репозитарії та відкрита наука в Україні";
    const documentId = await paidAndPlanned(topic);

    const order = await app.db
      .selectFrom("documents")
      .select(["status", "research_report"])
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    expect(["generating", "completed", "completed_with_warnings"]).toContain(order.status);

    const rows = await app.db
      .selectFrom("source_full_texts")
      .innerJoin("sources", "sources.id", "source_full_texts.source_id")
      .select(["source_full_texts.url", "source_full_texts.status", "source_full_texts.pages"])
      .where("sources.document_id", "=", documentId)
      .execute();
    const statuses = new Set(rows.map((r) => r.status));
    expect(statuses.has("fetched")).toBe(true);
    expect(statuses.has("refused")).toBe(true);
    for (const row of rows) {
      if (row.status !== "fetched") expect(row.pages).toEqual([]);
      else {
        const id = /\/oa\/pages\/([\w.-]+)\.pdf$/.exec(row.url)![1]!;
        expect(row.pages).toEqual(Array.from({ length: OPEN_ACCESS_PAGES }, (_, i) => openAccessPageText(id, i + 1)));
      }
    }
    const statusOf = (pattern: RegExp) => rows.filter((r) => pattern.test(r.url)).map((r) => r.status);
    expect(statusOf(/^http:\/\/169\.254\.169\.254\//).length).toBeGreaterThan(0);
    expect(new Set(statusOf(/^http:\/\/169\.254\.169\.254\//))).toEqual(new Set(["refused"]));
    expect(statusOf(/\/oa\/redirect-private\//).length).toBeGreaterThan(0);
    expect(new Set(statusOf(/\/oa\/redirect-private\//))).toEqual(new Set(["refused"]));
    // Nothing behind a refused hop was asked for: the redirect's target (localhost) never, the metadata address not
    // served by anyone here.
    expect(scholarly.openAccessRequests.filter((path) => path.startsWith("/oa/secret/"))).toEqual([]);

    // The same order was searched in Ukrainian (filtered to Ukrainian works) and in English.
    const searches = scholarly.requestsTo("openalex").filter((r) => r.path === "/works");
    expect(searches.some((r) => r.query.search === topic && r.query.filter === "language:uk")).toBe(true);
    expect(searches.some((r) => r.query.search === `english ${topic}` && r.query.filter === undefined)).toBe(true);
    const languages = await app.db
      .selectFrom("sources")
      .select("language")
      .where("document_id", "=", documentId)
      .execute();
    expect(languages.some((s) => s.language === "uk")).toBe(true);
  });
});
