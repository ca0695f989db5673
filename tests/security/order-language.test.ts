// Issue 19, item 3: an order is written in the language it was ordered in. Over HTTP against the running app (web and
// worker, no model keys: the offline demo writer), a customer orders through the wizard in Ukrainian and in Italian and
// reads the delivered document: its headings and text are in that language, not the English of the demo.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../setup/fixtures";
import { type App, type Client, signedInCustomer, startApp } from "./app";

let app: App;
beforeAll(async () => {
  app = await startApp();
}, 120_000);
afterAll(() => app?.stop());

/** The wizard, step by step, in `language`; paid with the development payment. Returns the order's id. */
async function orderIn(client: Client, language: string, topic: string): Promise<string> {
  const created = await client.post("/orders/new", { kind: "essay", topic });
  expect(created.status, created.text).toBe(302);
  const id = /^\/orders\/([0-9a-f-]{36})\/details$/.exec(created.location ?? "")![1];
  const details = await client.post(`/orders/${id}/details`, { pages: "5", language, citationStyle: "apa7" });
  expect(details.location, details.text).toBe(`/orders/${id}/requirements`);
  expect((await client.post(`/orders/${id}/requirements`, {})).location).toBe(`/orders/${id}/review`);
  expect((await client.post(`/orders/${id}/review`, { intent: "dev" })).location).toBe(`/documents/${id}`);
  return id;
}

/** The section headings the document page's outline lists once the order is delivered (the text shows one part). */
async function deliveredHeadings(client: Client, id: string): Promise<{ headings: string[]; page: string }> {
  await eventually(
    "the order to be delivered",
    async () => {
      const row = await app.db.selectFrom("documents").select("status").where("id", "=", id).executeTakeFirstOrThrow();
      return row.status === "completed" ? true : undefined;
    },
    120_000,
  );
  const page = await client.get(`/documents/${id}`);
  expect(page.status).toBe(200);
  const outline = /<nav[^>]*data-testid="document-outline"[\s\S]*?<\/nav>/.exec(page.text)?.[0] ?? "";
  return { headings: [...outline.matchAll(/<a [^>]*>([^<]+)<\/a>/g)].map((m) => m[1]!), page: page.text };
}

const ORDERS = [
  {
    language: "uk",
    topic: "Римські дороги в Галлії",
    first: "Вступ",
    last: "Висновки",
    demo: "Це демонстраційний текст, створений без мовної моделі",
  },
  {
    language: "it",
    topic: "Le strade romane in Gallia",
    first: "Introduzione",
    last: "Conclusioni",
    demo: "Questo è un testo segnaposto della versione dimostrativa",
  },
];

describe("the language of a delivered order", () => {
  it.each(ORDERS)(
    "a customer who orders in $language is delivered a document under $language headings, its demo text in $language — never the English 'Introduction' and 'Conclusion'",
    async ({ language, topic, first, last, demo }) => {
      const { client } = await signedInCustomer(app);
      const id = await orderIn(client, language, topic);
      const { headings, page } = await deliveredHeadings(client, id);
      expect(headings[0]).toBe(first);
      // The conclusion is the last section (the references' heading, which the export names, may follow it).
      expect(headings).toContain(last);
      expect(headings.length).toBeGreaterThanOrEqual(3);
      expect(
        headings.filter((h) => /\b(Introduction|Conclusion|Background|Historical|Current debates)\b/.test(h)),
      ).toEqual([]);
      expect(page).toContain(demo);
      expect(page).not.toContain("placeholder text from the offline demo");
    },
  );
});
