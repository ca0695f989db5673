import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCALES, MISSING_KEY_MARK } from "../../app/i18n/locales";
import { type App, type Client, signedInCustomer, startApp } from "../security/app";
import { insertDeliveredDocument, insertDocumentInProgress } from "../setup/documents";
import { insertVersions } from "../setup/versions";

// Every page, in every shipped language: no missing key, <html lang> follows the language, and (for a page already
// translated) no English sentence left in a non-English page.

let app: App;
let customer: Client;
/** Signed in, consent given, no documents yet: sees the empty states. */
let emptyCustomer: Client;
let admin: Client;
/** Signed in, no privacy choices made yet: sees the consent page. */
let newcomer: Client;
/** A visitor who asked for a sign-in code: sees the code form. */
let waiting: Client;
let orderId: string;
let deliveredId: string;
/** Delivered, then changed by every kind of author (issue 21's versions pages). */
let editedId: string;
let inProgressId: string;
let reviewedOrderId: string;
let adminUserId: string;
let customerId: string;

beforeAll(async () => {
  app = await startApp();
  const signedIn = await signedInCustomer(app);
  customer = signedIn.client;
  emptyCustomer = (await signedInCustomer(app)).client;
  deliveredId = (await insertDeliveredDocument(app.db, signedIn.userId)).id;
  inProgressId = (await insertDocumentInProgress(app.db, signedIn.userId)).id;
  editedId = (await insertDeliveredDocument(app.db, signedIn.userId)).id;
  customerId = signedIn.userId;
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
  await insertVersions(app.db, editedId, { customerId: signedIn.userId, adminId: adminUserId });
  const signedInNewcomer = await signedInCustomer(app);
  newcomer = signedInNewcomer.client;
  await app.db.deleteFrom("consents").where("user_id", "=", signedInNewcomer.userId).execute();
  waiting = new (customer.constructor as typeof Client)(app);
  // Asked from a Ukrainian page: the sign-in email /dev/mail lists is Ukrainian, not English content in every locale.
  const asked = await waiting.post("/login", { email: "k7@example.com" }, { "accept-language": "uk" });
  expect(asked.status).toBe(302);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

type Page = {
  path: () => string;
  who: "stranger" | "waiting" | "newcomer" | "empty" | "customer" | "admin";
  status?: number;
  translated: boolean;
};

const PAGES: Page[] = [
  { path: () => "/", who: "stranger", translated: true },
  { path: () => "/?deleted=1", who: "stranger", translated: true },
  { path: () => "/", who: "customer", translated: true },
  { path: () => "/login", who: "stranger", translated: true },
  { path: () => "/login?error=other_browser", who: "stranger", translated: true },
  { path: () => "/login", who: "waiting", translated: true },
  { path: () => "/welcome", who: "newcomer", translated: true },
  { path: () => "/no-such-page", who: "stranger", status: 404, translated: true },
  { path: () => "/documents", who: "customer", translated: true },
  { path: () => "/documents", who: "empty", translated: true },
  { path: () => `/documents/${deliveredId}`, who: "customer", translated: true },
  { path: () => `/documents/${inProgressId}`, who: "customer", translated: true },
  { path: () => `/documents/${deliveredId}/versions`, who: "customer", translated: true },
  { path: () => `/documents/${deliveredId}/versions/1`, who: "customer", translated: true },
  { path: () => `/documents/${editedId}/versions/1`, who: "customer", translated: true },
  { path: () => `/documents/${editedId}/versions?restored=5&from=1`, who: "customer", translated: true },
  { path: () => `/documents/${inProgressId}/versions`, who: "customer", translated: true },
  { path: () => `/documents/${deliveredId}/sections/1/regenerate`, who: "customer", translated: true },
  { path: () => `/documents/${deliveredId}/edit`, who: "customer", translated: true },
  { path: () => `/documents/${inProgressId}/edit`, who: "customer", status: 409, translated: true },
  { path: () => "/orders/new", who: "customer", translated: true },
  { path: () => `/orders/${orderId}/details`, who: "customer", translated: true },
  { path: () => `/orders/${orderId}/requirements`, who: "customer", translated: true },
  { path: () => `/orders/${orderId}/references`, who: "customer", translated: true },
  { path: () => `/orders/${orderId}/topic`, who: "customer", translated: true },
  { path: () => `/orders/${reviewedOrderId}/review`, who: "customer", translated: true },
  { path: () => "/account", who: "customer", translated: true },
  { path: () => "/account/delete", who: "customer", translated: true },
  { path: () => "/account/api-keys", who: "customer", translated: true },
  { path: () => "/account/llm-key", who: "customer", translated: true },
  { path: () => "/account/webhooks", who: "customer", translated: true },
  { path: () => "/admin", who: "admin", translated: true },
  { path: () => "/admin/documents", who: "admin", translated: true },
  { path: () => `/admin/documents/${orderId}`, who: "admin", translated: true },
  { path: () => `/admin/documents/${editedId}/versions?unchanged=5`, who: "admin", translated: true },
  { path: () => `/admin/documents/${editedId}/versions/2`, who: "admin", translated: true },
  { path: () => `/admin/documents/${inProgressId}/versions`, who: "admin", translated: true },
  { path: () => "/admin/jobs", who: "admin", translated: true },
  { path: () => "/admin/providers", who: "admin", translated: true },
  { path: () => "/admin/users", who: "admin", translated: true },
  { path: () => `/admin/users/${adminUserId}`, who: "admin", translated: true },
  { path: () => `/admin/users/${customerId}`, who: "admin", translated: true },
  { path: () => "/admin/audit", who: "admin", translated: true },
  { path: () => "/dev/mail", who: "stranger", translated: true },
  // The reference's chrome is translated; the generated reference itself (from the OpenAPI document) stays English.
  { path: () => "/api/docs", who: "stranger", translated: false },
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
      const clients = { admin, customer, newcomer, waiting, empty: emptyCustomer };
      const client = page.who === "stranger" ? new (customer.constructor as typeof Client)(app) : clients[page.who];
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
