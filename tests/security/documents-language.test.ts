import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, Client, signedInCustomer, startApp } from "./app";
import { insertDeliveredDocument, insertDocumentInProgress } from "../setup/documents";

// Issue 19, item 1 (the customer's documents): the list, a document's page and its quality note speak the reader's
// language, numbers, money and dates included; a language never opens another customer's document.

let app: App;
let owner: Client;
let deliveredId: string;
let inProgressId: string;
const TOPIC = "Storia sociale delle biblioteche";

beforeAll(async () => {
  app = await startApp();
  const signedIn = await signedInCustomer(app);
  owner = signedIn.client;
  deliveredId = (await insertDeliveredDocument(app.db, signedIn.userId, TOPIC)).id;
  inProgressId = (await insertDocumentInProgress(app.db, signedIn.userId)).id;
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

const html = { accept: "text/html" };

/** What a reader sees: no tags or React's text separators; any space (no-break ones too) as one space. */
const visible = (page: string) =>
  page
    .replace(/<!--.*?-->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

describe("a customer's documents in the reader's language", () => {
  it("a delivered document's page writes the refund's price and date, and the scores, the Ukrainian way", async () => {
    owner.cookies.set("lng", "uk");
    const page = await owner.get(`/documents/${deliveredId}`, html);
    expect(page.status).toBe(200);
    expect(page.text).toContain("<title>Storia sociale delle biblioteche · TesiGo</title>");
    expect(page.text).toContain('lang="it"'); // the text itself is marked as Italian
    const text = visible(page.text);
    expect(text).toContain("12,50 EUR · "); // the support refund, not "€12.50"
    expect(text).toMatch(/ · \d{1,2} [а-яіїєґ]+\. \d{4} р\. · повернено \(служба підтримки\)/); // not "2026-12-06"
    expect(text).toContain("Унікальність 87,5%"); // not "87.5%"
    expect(text).toContain("Оцінка детектора ШІ н/д"); // no AI detector: not "N/A"
    expect(text).toContain("Завантажити DOCX");
    expect(text).toContain("5 сторінок · Італійська");
    // Delivered: the outline (under its Ukrainian title) takes the place of the list of sections being written.
    expect(text).toContain("Зміст Introduzione Quadro storico Conclusioni Bibliografia");
    expect(text).not.toContain("3 розділи");
  });

  it("a document being written shows its stage, sections and time left in the reader's language", async () => {
    owner.cookies.set("lng", "de");
    const page = await owner.get(`/documents/${inProgressId}`, html);
    expect(page.status).toBe(200);
    const text = visible(page.text);
    expect(text).toContain("Abschnitte werden geschrieben — 1 von 3 geschrieben 40 %"); // not "Writing sections"
    expect(text).toContain("Noch etwa 12 Min.");
    expect(text).toContain("Introduzione geschrieben 1.234 / 1.250 Wörter Einzigartigkeit 91,3 %");
    expect(text).toContain("Quadro storico wird geschrieben wird geschrieben…");
  });

  it("the list names each document's language and price in the reader's words", async () => {
    owner.cookies.set("lng", "fr");
    const list = await owner.get("/documents", html);
    expect(list.status).toBe(200);
    expect(list.text).toContain("<title>Mes documents · TesiGo</title>");
    const text = visible(list.text);
    expect(text).toContain("Storia sociale delle biblioteche Terminé 5 pages · Italien · 25,00 €");
    expect(text).toContain("Biblioteche e comunità locali Rédaction en cours 5 pages · Italien · 25,00 € 40 %");
  });

  it("the quality note is written in the reader's language, with its numbers and N/A the Italian way", async () => {
    owner.cookies.set("lng", "it");
    const note = await owner.get(`/documents/${deliveredId}/quality-note`);
    expect(note.status).toBe(200);
    expect(note.headers.get("content-language")).toBe("it");
    expect(note.headers.get("content-disposition")).toContain(encodeURIComponent(`${TOPIC} - nota sulla qualità.txt`));
    expect(note.text).toContain(`Nota sulla qualità — ${TOPIC}`);
    expect(note.text).toContain("Unicità: 87,5 %");
    expect(note.text).toContain("Rilevamento IA: N/D");
    expect(note.text).toContain("1. Introduzione — superata; 1234 di 1250 parole; unicità 91,25 %");
    expect(note.text).toContain("Fonti trovate e archiviate: 1");
    expect(note.text).not.toMatch(/\b(Uniqueness|Sections|Warnings|the|of)\b/);
  });
});

describe("a language opens nothing", () => {
  it("mallory, reading in Italian, gets the same 404 for victim's document, files and quality note as for none", async () => {
    const mallory = (await signedInCustomer(app)).client;
    mallory.cookies.set("lng", "it");
    const missing = "00000000-0000-4000-8000-000000000000";
    for (const path of ["", "/download/docx", "/download/pdf", "/quality-note"]) {
      const theirs = await mallory.get(`/documents/${deliveredId}${path}`, html);
      const nobodys = await mallory.get(`/documents/${missing}${path}`, html);
      expect(theirs.status, path).toBe(404);
      expect(nobodys.status, path).toBe(404);
      expect(theirs.text, path).not.toContain(TOPIC);
      if (path) {
        expect(theirs.text, path).toBe("Non trovato");
        expect(nobodys.text, path).toBe("Non trovato");
      } else {
        for (const reply of [theirs, nobodys]) {
          expect(reply.text).toContain('<html lang="it"');
          expect(reply.text).toContain("Pagina non trovata");
        }
      }
    }
  });
});
