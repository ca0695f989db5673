import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, Client, signedInCustomer, startApp } from "./app";

// Issue 19, item 1: the language is the account's setting, else the `lng` cookie, else Accept-Language; the header's
// switcher sets the cookie (and, signed in, the setting). A preference, so the attacks are about what it accepts.

let app: App;

beforeAll(async () => {
  app = await startApp();
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

const langOf = (html: string) => /<html lang="([^"]*)"/.exec(html)?.[1];

describe("choosing the interface language", () => {
  it("Accept-Language picks the best shipped language; an unknown one falls back to English", async () => {
    const client = new Client(app);
    expect(langOf((await client.get("/login", { "accept-language": "it-IT,it;q=0.9,en;q=0.5" })).text)).toBe("it");
    expect(langOf((await client.get("/login", { "accept-language": "ja,zh;q=0.8" })).text)).toBe("en");
    expect(langOf((await client.get("/login")).text)).toBe("en");
  });

  it("the lng cookie wins over Accept-Language, and the switcher sets it and returns to the page", async () => {
    const client = new Client(app);
    const switched = await client.post("/language", { lng: "uk", redirectTo: "/login?x=1" });
    expect(switched.status).toBe(302);
    expect(switched.location).toBe("/login?x=1");
    expect(client.cookies.get("lng")).toBe("uk");
    const page = await client.get("/login", { "accept-language": "de" });
    expect(langOf(page.text)).toBe("uk");
    expect(page.text).toContain("Українська");
  });

  it("signed in, the account's setting wins over the cookie; the switcher changes the setting", async () => {
    const { client, userId } = await signedInCustomer(app);
    await app.db.updateTable("users").set({ locale: "pl" }).where("id", "=", userId).execute();
    client.cookies.set("lng", "fr");
    expect(langOf((await client.get("/documents", { "accept-language": "de" })).text)).toBe("pl");
    expect((await client.post("/language", { lng: "it", redirectTo: "/documents" })).status).toBe(302);
    const row = await app.db.selectFrom("users").select("locale").where("id", "=", userId).executeTakeFirstOrThrow();
    expect(row.locale).toBe("it");
    client.cookies.set("lng", "fr");
    expect(langOf((await client.get("/documents")).text)).toBe("it");
  });

  it("a forged lng cookie (an unknown language, markup, a huge value) is ignored, never echoed", async () => {
    for (const forged of ["xx", '"><script>alert(1)</script>', "a".repeat(3000), "uk%00"]) {
      const client = new Client(app);
      client.cookies.set("lng", encodeURIComponent(forged));
      const page = await client.get("/login", { "accept-language": "es" });
      expect(page.status).toBe(200);
      expect(langOf(page.text)).toBe("es");
      expect(page.text).not.toContain("<script>alert(1)</script>");
    }
    // A cookie that is not valid percent-encoding is no language, not a server error.
    const broken = new Client(app);
    broken.cookies.set("lng", "%E0%A4%A");
    const page = await broken.get("/login", { "accept-language": "es" });
    expect(page.status).toBe(200);
    expect(langOf(page.text)).toBe("es");
  });

  it("the switcher refuses a language it does not ship with 400 and a message, and sets nothing", async () => {
    const client = new Client(app);
    const reply = await client.post("/language", { lng: "xx", redirectTo: "/" }, { accept: "text/html" });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("Choose one of the listed languages.");
    expect(client.cookies.has("lng")).toBe(false);
  });

  it("the switcher's redirectTo cannot send the reader to another site", async () => {
    for (const target of ["https://evil.example/", "//evil.example/x", "/\\evil.example"]) {
      const reply = await new Client(app).post("/language", { lng: "de", redirectTo: target });
      expect(reply.status).toBe(302);
      expect(reply.location).toBe("/");
    }
  });

  it("a cross-site form cannot change a signed-in customer's language (Origin check)", async () => {
    const { client, userId } = await signedInCustomer(app);
    const reply = await client.post("/language", { lng: "ru" }, { origin: "https://evil.example" });
    expect(reply.status).toBe(403);
    const row = await app.db.selectFrom("users").select("locale").where("id", "=", userId).executeTakeFirstOrThrow();
    expect(row.locale).toBeNull();
  });

  it("the browser's texts: /locales/:lng/:ns serves a page namespace, 404 for an unknown one or the server's own", async () => {
    const client = new Client(app);
    const common = await client.get("/locales/uk/common");
    expect(common.status).toBe(200);
    expect(JSON.parse(common.text).nav.signIn).toBeTypeOf("string");
    expect((await client.get("/locales/xx/common")).status).toBe(404);
    expect((await client.get("/locales/uk/email")).status).toBe(404);
    expect((await client.get("/locales/uk/__proto__")).status).toBe(404);
  });
});
