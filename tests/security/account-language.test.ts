import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, Client, mailsTo, signedInCustomer, startApp } from "./app";

// Issue 19, item 1 (part A): the account page's language setting, the language an account takes at sign-in, and
// sign-in's and the consent page's words in the reader's language, over HTTP against the running app.

let app: App;
beforeAll(async () => {
  app = await startApp({ SIGNIN_LIMIT_PER_15_MINUTES: "1000", RATE_LIMIT_PER_MINUTE: "100000" });
}, 60_000);
afterAll(() => app?.stop());

let counter = 0;
function unique(label: string) {
  counter++;
  return { email: `${label}-${counter}-${Date.now()}@example.com`, ip: `203.0.113.${counter}` };
}

const langOf = (html: string) => /<html lang="([^"]*)"/.exec(html)?.[1];

/** The code and link of the newest sign-in email, whatever language it is written in. */
async function askCode(client: Client, email: string, headers: Record<string, string> = {}) {
  const before = (await mailsTo(app, email, 0, 0)).length;
  const asked = await client.post("/login", { email }, headers);
  expect(asked.status, asked.text).toBe(302);
  const [mail] = await mailsTo(app, email, before + 1);
  const link = /(https?:\/\/\S+\/magic-link\S*)/.exec(mail!.text)![1]!;
  const code = /\b([A-HJ-NP-Z2-9]{6})\b/.exec(mail!.text.replace(/https?:\/\/\S+/g, ""))![1]!;
  return { code, link };
}

async function localeOf(email: string): Promise<string | null> {
  const row = await app.db.selectFrom("users").select("locale").where("email", "=", email).executeTakeFirstOrThrow();
  return row.locale;
}

describe("an account takes the language it signed in in", () => {
  it("a new account signing in with a code on an Italian page is stored as Italian, so later emails speak it", async () => {
    const { email, ip } = unique("code-it");
    const client = new Client(app, ip);
    const italian = { "accept-language": "it-IT,it;q=0.9" };
    const { code } = await askCode(client, email, italian);
    const signedIn = await client.post("/login", { code }, italian);
    expect(signedIn.status).toBe(302);
    expect(signedIn.location).toMatch(/^\/welcome/);
    expect(await localeOf(email)).toBe("it");
  });

  it("a new account signing in by the email's link, reading in Ukrainian (lng cookie), is stored as Ukrainian", async () => {
    const { email, ip } = unique("link-uk");
    const client = new Client(app, ip);
    client.cookies.set("lng", "uk");
    const { link } = await askCode(client, email, { "accept-language": "de" });
    const signedIn = await client.get(new URL(link).pathname + new URL(link).search, { "accept-language": "de" });
    expect(signedIn.status).toBe(302);
    expect(signedIn.location).toMatch(/^\/welcome/);
    expect(await localeOf(email)).toBe("uk");
  });

  it("an account that already chose a language keeps it when it signs in from a French browser", async () => {
    const { email, ip } = unique("keeps-pl");
    const first = new Client(app, ip);
    const { code } = await askCode(first, email, { "accept-language": "pl" });
    expect((await first.post("/login", { code }, { "accept-language": "pl" })).status).toBe(302);
    expect(await localeOf(email)).toBe("pl");
    const second = new Client(app, ip);
    const again = await askCode(second, email, { "accept-language": "fr" });
    expect((await second.post("/login", { code: again.code }, { "accept-language": "fr" })).status).toBe(302);
    expect(await localeOf(email)).toBe("pl");
    const page = await second.get("/welcome", { "accept-language": "fr" });
    expect(langOf(page.text)).toBe("pl");
  });

  it("a wrong code changes no account's language", async () => {
    const { email, ip } = unique("wrong");
    const client = new Client(app, ip);
    const { code } = await askCode(client, email);
    const wrong = code === "AAAAAA" ? "BBBBBB" : "AAAAAA";
    expect((await client.post("/login", { code: wrong }, { "accept-language": "es" })).status).toBe(400);
    const row = await app.db.selectFrom("users").select("locale").where("email", "=", email).executeTakeFirst();
    expect(row?.locale ?? null).toBeNull();
  });
});

describe("sign-in speaks the reader's language", () => {
  it("a wrong code is refused in Italian, with the tries left counted the Italian way", async () => {
    const { email, ip } = unique("refused-it");
    const client = new Client(app, ip);
    const { code } = await askCode(client, email, { "accept-language": "it" });
    const wrong = code === "AAAAAA" ? "BBBBBB" : "AAAAAA";
    const reply = await client.post("/login", { code: wrong }, { "accept-language": "it", accept: "text/html" });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("Il codice non è corretto. Controlla l’email e riprova.");
    expect(reply.text).toMatch(/Ti restano \d tentativi\./);
    expect(reply.text).not.toContain("That code is not right");
  });

  it("a used or expired link lands on a Polish sign-in page that says why in Polish", async () => {
    const reply = await new Client(app).get("/login?error=expired", { "accept-language": "pl" });
    expect(reply.status).toBe(200);
    expect(langOf(reply.text)).toBe("pl");
    expect(reply.text).toContain("Kod lub link do logowania wygasł. Poproś poniżej o nowy.");
    expect(reply.text).toContain("<title>Logowanie · TesiGo</title>");
  });

  it("a code typed with no code asked is refused in Russian", async () => {
    const reply = await new Client(app).post("/login", {}, { "accept-language": "ru", accept: "text/html" });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("Сначала запросите код: введите свой адрес электронной почты ниже.");
  });

  it("the consent page asks in German, and refuses a missing essential consent in German", async () => {
    const { client, userId } = await signedInCustomer(app);
    await app.db.deleteFrom("consents").where("user_id", "=", userId).execute();
    const page = await client.get("/welcome", { "accept-language": "de" });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Willkommen bei TesiGo");
    expect(page.text).toContain("Datenschutzeinstellungen");
    const refused = await client.post("/welcome", { name: "" }, { "accept-language": "de", accept: "text/html" });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Setzen Sie das Häkchen, um fortzufahren.");
    const consents = await app.db.selectFrom("consents").select("id").where("user_id", "=", userId).execute();
    expect(consents).toEqual([]);
  });
});

describe("the account page's interface language", () => {
  it("choosing Ukrainian saves it on the account and in this browser's cookie, and the page comes back in Ukrainian", async () => {
    const { client, userId } = await signedInCustomer(app);
    const page = await client.get("/account");
    expect(page.text).toContain("Interface language");
    expect(page.text).toContain("Українська");
    const saved = await client.post("/account?index", { lng: "uk" });
    expect(saved.status).toBe(302);
    expect(saved.location).toBe("/account");
    expect(client.cookies.get("lng")).toBe("uk");
    const row = await app.db.selectFrom("users").select("locale").where("id", "=", userId).executeTakeFirstOrThrow();
    expect(row.locale).toBe("uk");
    const after = await client.get("/account", { "accept-language": "en" });
    expect(langOf(after.text)).toBe("uk");
    expect(after.text).toContain("Мова інтерфейсу");
    expect(after.text).toMatch(/<option value="uk" lang="uk" selected="">Українська<\/option>/);
  });

  it("a language TesiGo does not ship is refused with 400 and a message in the reader's language; nothing is saved", async () => {
    const { client, userId } = await signedInCustomer(app);
    await app.db.updateTable("users").set({ locale: "fr" }).where("id", "=", userId).execute();
    for (const forged of ["xx", "", "en-US", "<script>"]) {
      const reply = await client.post("/account?index", { lng: forged }, { accept: "text/html" });
      expect(reply.status).toBe(400);
      expect(reply.text).toContain("Choisissez l’une des langues proposées.");
      expect(reply.text).not.toContain("<script>");
      expect(client.cookies.has("lng")).toBe(false);
    }
    const row = await app.db.selectFrom("users").select("locale").where("id", "=", userId).executeTakeFirstOrThrow();
    expect(row.locale).toBe("fr");
  });

  it("a stranger cannot set an account's language, and a cross-site form cannot either", async () => {
    const stranger = await new Client(app).post("/account?index", { lng: "ru" });
    expect(stranger.status).toBe(302);
    expect(stranger.location).toMatch(/^\/login/);
    const { client, userId } = await signedInCustomer(app);
    const forged = await client.post("/account?index", { lng: "ru" }, { origin: "https://evil.example" });
    expect(forged.status).toBe(403);
    const row = await app.db.selectFrom("users").select("locale").where("id", "=", userId).executeTakeFirstOrThrow();
    expect(row.locale).toBeNull();
  });

  it("the payment history writes dates, amounts, methods and states the Ukrainian way", async () => {
    const { client, userId } = await signedInCustomer(app);
    const created = await client.post("/orders/new", { kind: "essay", topic: "Сонячна енергетика в Україні 2026" });
    expect(created.status).toBe(302);
    const documentId = /\/orders\/([0-9a-f-]{36})\//.exec(created.location ?? "")![1]!;
    const paidAt = new Date("2026-12-06T10:00:00Z");
    await app.db
      .insertInto("payments")
      .values({
        document_id: documentId,
        user_id: userId,
        provider: "dev",
        amount_cents: 2500,
        refunded_cents: 500,
        currency: "eur",
        status: "partially_refunded",
        created_at: paidAt,
      })
      .execute();
    const page = await client.get("/account", { "accept-language": "uk" });
    expect(langOf(page.text)).toBe("uk");
    const euros = new Intl.NumberFormat("uk", { style: "currency", currency: "EUR" });
    expect(page.text).toContain(new Intl.DateTimeFormat("uk", { dateStyle: "medium", timeZone: "UTC" }).format(paidAt));
    expect(page.text).toContain(euros.format(25));
    expect(page.text).toContain(euros.format(5));
    expect(page.text).toContain("Тестовий платіж");
    expect(page.text).toContain("Частково повернено");
    expect(page.text).not.toContain("Partly refunded");
  });
});
