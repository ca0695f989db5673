import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCALES, MISSING_KEY_MARK } from "../../app/i18n/locales";
import { type App, type Client, signedInCustomer, startApp } from "../security/app";

// Every page, in every shipped language: no missing key, <html lang> follows the language, and (for a page already
// translated) no English sentence left in a non-English page.

let app: App;
let customer: Client;
let admin: Client;
let orderId: string;
let reviewedOrderId: string;
let adminUserId: string;

beforeAll(async () => {
  app = await startApp();
  customer = (await signedInCustomer(app)).client;
  const created = await customer.post("/orders/new", {
    kind: "essay",
    topic: "Photovoltaik Mikroinstallationen 2026",
    discipline: "",
    institution: "",
  });
  expect(created.status).toBe(302);
  orderId = /\/orders\/([0-9a-f-]{36})\//.exec(created.location ?? "")![1]!;
  // An order filled in up to its review step: express, instructions given, so every line of the summary shows.
  const reviewed = await customer.post("/orders/new", {
    kind: "bachelor_thesis",
    topic: "Photovoltaik Mikroinstallationen 2026",
    discipline: "Energietechnik",
    institution: "",
  });
  reviewedOrderId = /\/orders\/([0-9a-f-]{36})\//.exec(reviewed.location ?? "")![1]!;
  const details = { pages: "12", language: "de", citationStyle: "harvard", express: "on" };
  expect((await customer.post(`/orders/${reviewedOrderId}/details`, details)).status).toBe(302);
  const instructions = { intent: "continue", instructions: "Kapitel 3 ausführlich; Quellen ab 2020." };
  expect((await customer.post(`/orders/${reviewedOrderId}/requirements`, instructions)).status).toBe(302);
  const signedInAdmin = await signedInCustomer(app);
  admin = signedInAdmin.client;
  adminUserId = signedInAdmin.userId;
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", adminUserId).execute();
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

type Page = { path: () => string; who: "stranger" | "customer" | "admin"; status?: number; translated: boolean };

const PAGES: Page[] = [
  { path: () => "/", who: "stranger", translated: false },
  { path: () => "/login", who: "stranger", translated: false },
  { path: () => "/no-such-page", who: "stranger", status: 404, translated: true },
  { path: () => "/documents", who: "customer", translated: false },
  { path: () => "/orders/new", who: "customer", translated: true },
  { path: () => `/orders/${orderId}/details`, who: "customer", translated: true },
  { path: () => `/orders/${orderId}/requirements`, who: "customer", translated: true },
  { path: () => `/orders/${orderId}/topic`, who: "customer", translated: true },
  { path: () => `/orders/${reviewedOrderId}/review`, who: "customer", translated: true },
  { path: () => "/account", who: "customer", translated: false },
  { path: () => "/account/delete", who: "customer", translated: false },
  { path: () => "/admin", who: "admin", translated: false },
  { path: () => "/admin/documents", who: "admin", translated: false },
  { path: () => `/admin/documents/${orderId}`, who: "admin", translated: false },
  { path: () => "/admin/jobs", who: "admin", translated: false },
  { path: () => "/admin/providers", who: "admin", translated: false },
  { path: () => "/admin/users", who: "admin", translated: false },
  { path: () => `/admin/users/${adminUserId}`, who: "admin", translated: false },
  { path: () => "/admin/audit", who: "admin", translated: false },
];

/** What a reader sees of the body: no tags, scripts or styles. */
function visibleText(html: string): string {
  const body = /<body[\s\S]*<\/body>/.exec(html)?.[0] ?? html;
  return body
    .replace(/<(script|style|noscript)[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&[a-z#0-9]+;/g, " ")
    .replace(/\s+/g, " ");
}

/** Words no other shipped language writes: one of them in a Ukrainian page is English left behind. */
const ENGLISH_ONLY_WORDS = /\b(the|your|you|and|with|this|that|from)\b/i;

describe.each(LOCALES.map((locale) => [locale]))("the site in %s", (locale) => {
  for (const page of PAGES) {
    it(`${page.path.toString().replace(/^\(\) => /, "")} (${page.who}) renders in ${locale}, no missing key`, async () => {
      const client =
        page.who === "admin"
          ? admin
          : page.who === "customer"
            ? customer
            : new (customer.constructor as typeof Client)(app);
      const reply = await client.get(page.path(), { accept: "text/html", "accept-language": locale });
      expect(reply.status).toBe(page.status ?? 200);
      expect(reply.text).toContain(`<html lang="${locale}"`);
      expect(reply.text).not.toContain(MISSING_KEY_MARK);
      if (page.translated && locale !== "en") {
        const english = ENGLISH_ONLY_WORDS.exec(visibleText(reply.text));
        expect(english?.[0] ?? null, `English word in ${locale} ${page.path()}`).toBeNull();
      }
    });
  }
});
