import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { en, resources } from "../../app/i18n/resources.server";
import { eventually } from "../setup/fixtures";
import { type App, Client, mailsTo, signedInCustomer, startApp } from "./app";
import { mailAbout } from "./money-app";

// Issue 19, item 1: emails in the recipient's language (the account's setting, else English; the sign-in email in the
// language of the page that asked), and the delivered DOCX/PDF's fixed texts in the document's language. The attacks:
// a browser's language cannot override the account's, a forged lng cookie reaches no email, and no English fixed
// text is left in an Italian order's files.

let app: App;

beforeAll(async () => {
  app = await startApp();
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

async function askCode(client: Client, email: string, headers: Record<string, string>) {
  const before = (await mailsTo(app, email, 0, 0)).length;
  const reply = await client.post("/login", { email }, headers);
  expect(reply.status, reply.text).toBeLessThan(400);
  return (await mailsTo(app, email, before + 1))[0]!;
}

/** The order wizard over HTTP, in the document language given, paid with the development payment. */
async function paidOrder(client: Client, language: string, headers: Record<string, string> = {}): Promise<string> {
  const topic = await client.post("/orders/new", { kind: "essay", topic: "Tidal energy in small harbours" }, headers);
  expect(topic.status, topic.text).toBe(302);
  const id = /^\/orders\/([0-9a-f-]{36})\/details$/.exec(topic.location ?? "")![1]!;
  const details = await client.post(`/orders/${id}/details`, { pages: "5", language, citationStyle: "apa7" }, headers);
  expect(details.location, details.text).toBe(`/orders/${id}/requirements`);
  expect((await client.post(`/orders/${id}/requirements`, {}, headers)).location).toBe(`/orders/${id}/review`);
  expect((await client.post(`/orders/${id}/review`, { intent: "dev" }, headers)).location).toBe(`/documents/${id}`);
  return id;
}

const ENGLISH_WORDS = /\b(the|your|you|and|with|this|that|from|we|order)\b/i;

describe("emails speak the recipient's language", () => {
  it("the sign-in email follows the asking page's language (Accept-Language, then the lng cookie), code and link intact", async () => {
    const italian = await askCode(new Client(app), "lucia@example.com", { "accept-language": "it-IT,it;q=0.9" });
    expect(italian.subject).toMatch(/^Il tuo codice di accesso a TesiGo: [A-Z0-9]{6}$/);
    expect(italian.text).toMatch(/Il tuo codice di accesso è [A-Z0-9]{6}\./);
    expect(italian.text).toMatch(/\/magic-link\?t=/);
    expect(italian.html).toMatch(/<strong[^>]*>[A-Z0-9]{6}<\/strong>/);
    expect(italian.html).toContain("accedi con questo link</a>");
    expect(italian.text).not.toMatch(ENGLISH_WORDS);

    const browser = new Client(app);
    browser.cookies.set("lng", "uk");
    const ukrainian = await askCode(browser, "olena@example.com", { "accept-language": "de" });
    expect(ukrainian.subject).toMatch(/^Ваш код входу до TesiGo: [A-Z0-9]{6}$/);
    expect(ukrainian.text).toContain("Код і посилання перестануть діяти через 15 хвилин.");

    const english = await askCode(new Client(app), "sam@example.com", {});
    expect(english.subject).toMatch(/^Your TesiGo sign-in code: [A-Z0-9]{6}$/);
  });

  it("a forged lng cookie (markup, an unknown language) reaches no email: it falls back to Accept-Language, escaped", async () => {
    const browser = new Client(app);
    browser.cookies.set("lng", encodeURIComponent('"><img src=x onerror=alert(1)>'));
    const mail = await askCode(browser, "forged@example.com", { "accept-language": "pl" });
    expect(mail.subject).toMatch(/^Twój kod logowania do TesiGo: [A-Z0-9]{6}$/);
    expect(mail.html).not.toContain("<img");
    expect(mail.text).not.toContain("onerror");
  });

  it("a Ukrainian account's order emails are Ukrainian even when its browser asks for English; an account without a setting gets English", async () => {
    const { client, email, userId } = await signedInCustomer(app);
    await app.db.updateTable("users").set({ locale: "uk" }).where("id", "=", userId).execute();
    await paidOrder(client, "en", { "accept-language": "en-GB,en;q=0.9" });
    const received = await mailAbout(app, email, "Ми отримали ваше замовлення");
    expect(received.subject).toBe("Ми отримали ваше замовлення: Tidal energy in small harbours");
    expect(received.text).toContain("Есе, 5 сторінок, Англійська: «Tidal energy in small harbours»");
    expect(received.text).toMatch(/Ціна: 25,00\sEUR\./);
    expect(received.text.replaceAll("Tidal energy in small harbours", "")).not.toMatch(ENGLISH_WORDS);
    const paid = await mailAbout(app, email, "Платіж підтверджено");
    expect(paid.html).toContain("Стежити за написанням документа</a>");
    const ready = await mailAbout(app, email, "Ваш документ готовий");
    expect(ready.text).toContain("Читати документ: ");

    const other = await signedInCustomer(app);
    await paidOrder(other.client, "en", { "accept-language": "uk" });
    const english = await mailAbout(app, other.email, "We received your order");
    expect(english.text).toContain('Essay, 5 pages, English: "Tidal energy in small harbours"');
    expect(english.text).toContain("Price: €25.00.");
  });
});

/** Every part of a DOCX (a ZIP), by name. */
function docxParts(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const parts = new Map<string, string>();
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            parts.set(entry.fileName, Buffer.concat(chunks).toString("utf8"));
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(parts));
      zip.readEntry();
    });
  });
}

async function download(client: Client, path: string): Promise<Buffer> {
  const res = await fetch(new URL(path, app.url), { headers: { cookie: client.cookieHeader() } });
  expect(res.status, path).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe("the delivered files speak the document's language", () => {
  it("an Italian order's DOCX and PDF, downloaded by an English reader, carry the Italian fixed texts and none of the English ones", async () => {
    const { client } = await signedInCustomer(app);
    const id = await paidOrder(client, "it", { "accept-language": "en" });
    await eventually(
      "the order's files",
      async () =>
        (await app.db.selectFrom("documents").select("pdf_key").where("id", "=", id).executeTakeFirstOrThrow())
          .pdf_key ?? undefined,
      120_000,
    );
    const italian = resources.it.export as typeof en.export;
    // The offline writer wrote it: no sources (so the no-sources note under the references heading), a demo notice.
    const fixed = [
      italian.contents,
      italian.references,
      italian.noSources,
      italian.offlineDemo,
      italian.offlineDemoNote,
      italian.kinds.essay,
    ];
    const english = [
      en.export.contents,
      en.export.references,
      en.export.noSources,
      en.export.offlineDemo,
      en.export.offlineDemoNote,
      en.export.kinds.essay,
      en.export.styles.noSourcesNote,
    ];

    const parts = await docxParts(await download(client, `/documents/${id}/download/docx`));
    const xml = [...parts.entries()].filter(([name]) => name.endsWith(".xml")).map(([, text]) => text);
    const docxText = xml.map((part) => part.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ")).join(" ");
    for (const text of fixed) expect(docxText, text).toContain(text);
    for (const text of english) expect(docxText, text).not.toContain(text);
    expect(parts.get("word/styles.xml")).toContain(`w:val="${italian.styles.noSourcesNote}"`);
    expect(parts.get("word/styles.xml")).toContain('<w:lang w:val="it-IT"/>');

    const pdf = await getDocumentProxy(new Uint8Array(await download(client, `/documents/${id}/download/pdf`)));
    const { text } = await extractText(pdf, { mergePages: false });
    const pages = (text as string[]).map((page) => page.replace(/\s+/g, " ").trim());
    expect(pages[1]!.startsWith(italian.contents)).toBe(true);
    expect(pages.at(-1)!.startsWith(`${italian.references} ${italian.noSources}`)).toBe(true);
    for (const text of [italian.offlineDemo, italian.offlineDemoNote, italian.kinds.essay])
      expect(pages[0], text).toContain(text);
    const all = pages.join(" ");
    for (const text of english) expect(all, text).not.toContain(text);
  });
});
