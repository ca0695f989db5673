// Issue 19, item 1 (the order wizard): every refusal and every figure of the wizard reaches the reader in their own
// language, over HTTP, and a hostile filename inside a translated refusal stays plain text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_UPLOAD_BYTES } from "../../app/utils/upload-limits";
import { exeFile } from "../fixtures/files";
import { type App, type Client, rawRequest, signedInCustomer, startApp } from "./app";
import { orderAfterTopic } from "./money-app";

let app: App;
beforeAll(async () => {
  app = await startApp();
}, 60_000);
afterAll(() => app?.stop());

function upload(client: Client, orderId: string, filename: string, bytes: Uint8Array<ArrayBuffer>, lng: string) {
  const form = new FormData();
  form.set("file", new File([bytes], filename, { type: "application/pdf" }));
  return client.fetch(`/orders/${orderId}/requirements`, {
    method: "POST",
    body: form,
    headers: { accept: "text/html", "accept-language": lng },
  });
}

const uploadsOf = (userId: string) => app.db.selectFrom("uploads").select("id").where("user_id", "=", userId).execute();

describe("the order wizard answers in the reader's language", () => {
  it("an Italian reader sending a file over the size limit is refused (413) in Italian, and nothing is stored", async () => {
    const { client, userId } = await signedInCustomer(app);
    const orderId = await orderAfterTopic(client);
    const reply = await upload(client, orderId, "tesi.pdf", new Uint8Array(MAX_UPLOAD_BYTES + 1), "it");
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('<html lang="it"');
    expect(reply.text).toContain("Il file supera il limite di 10 MB. Non è stato salvato nulla.");
    expect(await uploadsOf(userId)).toEqual([]);
  });

  it("an upload declared larger than the body cap is refused unread in the reader's language: lng cookie, else Accept-Language", async () => {
    const { client, userId } = await signedInCustomer(app);
    const orderId = await orderAfterTopic(client);
    const boundary = "----tesigo-huge";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="tesi.txt"\r\nContent-Type: text/plain\r\n\r\n`,
    );
    const size = 12 * 1024 * 1024;
    async function* body() {
      yield head;
      for (let sent = 0; sent < size; sent += 1024 * 1024) yield Buffer.alloc(1024 * 1024, "a");
    }
    const post = (headers: Record<string, string>) =>
      rawRequest(`${app.url}/orders/${orderId}/requirements`, {
        method: "POST",
        headers: {
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "content-length": String(head.length + size),
          cookie: client.cookieHeader(),
          origin: app.url,
          ...headers,
        },
        chunks: body(),
      });
    const page = await post({ accept: "text/html", "accept-language": "it" });
    expect(page.status).toBe(413);
    expect(page.body).toContain('<html lang="it">');
    expect(page.body).toContain("Il caricamento supera i 10 MB, il limite per un file dei requisiti");
    const json = await post({
      accept: "application/json",
      "accept-language": "it",
      cookie: `${client.cookieHeader()}; lng=uk`,
    });
    expect(json.status).toBe(413);
    expect(JSON.parse(json.body)).toEqual({
      error: "Завантаження більше за 10 МБ — ліміт для файлу з вимогами, тому його не прочитано. Нічого не збережено.",
    });
    expect(await uploadsOf(userId)).toEqual([]);
  });

  it("a program disguised as a PDF is refused in Italian, and a filename carrying markup is shown as text, not run", async () => {
    const { client, userId } = await signedInCustomer(app);
    const orderId = await orderAfterTopic(client);
    const reply = await upload(client, orderId, "<script>alert(1)<script>.pdf", new Uint8Array(exeFile()), "it");
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("sembra un programma, non un documento, quindi è stato rifiutato.");
    expect(reply.text).toContain("&lt;script&gt;alert(1)&lt;script&gt;.pdf");
    expect(reply.text).not.toContain("<script>alert(1)");
    expect(await uploadsOf(userId)).toEqual([]);
  });

  it("a file whose name is only invisible characters is called “Il tuo file” for an Italian reader, not “Your file”", async () => {
    const { client, userId } = await signedInCustomer(app);
    const orderId = await orderAfterTopic(client);
    const reply = await upload(client, orderId, "\u202e\u202e", new Uint8Array(exeFile()), "it");
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("Il tuo file sembra un programma, non un documento, quindi è stato rifiutato.");
    expect(reply.text).not.toContain("Your file");
    expect(await uploadsOf(userId)).toEqual([]);
  });

  it("a German reader over the storage quota reads the sizes the German way (0,6 MB, 99,7 MB), not 0.6 MB", async () => {
    const { client, userId } = await signedInCustomer(app);
    const orderId = await orderAfterTopic(client);
    // 400 kB short of the default 100 MB quota, held by an earlier file.
    await app.db
      .insertInto("uploads")
      .values({
        user_id: userId,
        filename: "frueher.pdf",
        mime_type: "application/pdf",
        size_bytes: 100 * 1024 * 1024 - 400 * 1024,
        sha256: "0".repeat(64),
        storage_key: `uploads/${userId}/earlier.pdf`,
      })
      .execute();
    const form = new FormData();
    form.set("file", new File(["x".repeat(600 * 1024)], "notizen.txt", { type: "text/plain" }));
    const reply = await client.fetch(`/orders/${orderId}/requirements`, {
      method: "POST",
      body: form,
      headers: { accept: "text/html", "accept-language": "de" },
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain(
      "notizen.txt (0,6 MB) passt nicht in die 100 MB, die TesiGo für Ihre Dateien bereithält: 99,7 MB sind belegt.",
    );
    expect(reply.text).not.toContain("0.6 MB");
    expect(await uploadsOf(userId)).toHaveLength(1);
  });

  it("a Polish reader whose form is larger than 64 kB is refused (413) in Polish, unread, and nothing is written", async () => {
    const { client, userId } = await signedInCustomer(app);
    // Through node:http on its own socket: the server answers before reading the body and closes the connection,
    // which would break the next request on a shared keep-alive socket.
    const body = new URLSearchParams({ kind: "essay", topic: "x".repeat(70 * 1024) }).toString();
    const reply = await rawRequest(`${app.url}/orders/new`, {
      method: "POST",
      headers: {
        cookie: client.cookieHeader(),
        origin: app.url,
        accept: "text/html",
        "accept-language": "pl",
        "content-type": "application/x-www-form-urlencoded",
        "content-length": String(Buffer.byteLength(body)),
      },
      body,
    });
    expect(reply.status).toBe(413);
    expect(reply.body).toContain('<html lang="pl"');
    expect(reply.body).toContain(
      "Żądanie jest większe niż 64 kB, czyli więcej, niż wysyła jakikolwiek formularz TesiGo, więc nie zostało odczytane. Nic nie zapisano.",
    );
    expect(reply.body).not.toContain("larger than");
    const orders = await app.db.selectFrom("documents").select("id").where("user_id", "=", userId).execute();
    expect(orders).toEqual([]);
  });

  it("a filename that looks like a translation reference is shown as typed, never expanded into other texts", async () => {
    const { client } = await signedInCustomer(app);
    const orderId = await orderAfterTopic(client);
    const reply = await upload(
      client,
      orderId,
      "$t(orders:checkout.changed) {{name}}.exe",
      new Uint8Array(exeFile()),
      "de",
    );
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("$t(orders:checkout.changed) {{name}}.exe sieht nach einem Programm aus");
    expect(reply.text).toContain("und wurde daher abgelehnt.");
    expect(reply.text).not.toContain("Die Bestellung wurde geändert");
  });

  it("a German reader who posts the review form without a way to pay is told (400) in German", async () => {
    const { client } = await signedInCustomer(app);
    const orderId = await orderAfterTopic(client);
    const reply = await client.post(`/orders/${orderId}/review`, { intent: "bitcoin" }, { "accept-language": "de" });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("Wählen Sie, wie Sie bezahlen möchten.");
  });

  it("a French reader asking for card payment on a server without Stripe is told (503) in French", async () => {
    const { client } = await signedInCustomer(app);
    const orderId = await orderAfterTopic(client);
    const reply = await client.post(`/orders/${orderId}/review`, { intent: "card" }, { "accept-language": "fr" });
    expect(reply.status).toBe(503);
    expect(reply.text).toContain("Les paiements par carte ne sont pas configurés sur ce serveur.");
  });

  it("a Ukrainian reader's review shows the price, pages and writing time the Ukrainian way", async () => {
    const { client } = await signedInCustomer(app);
    const orderId = await orderAfterTopic(client);
    const details = { pages: "5", language: "uk", citationStyle: "apa7" };
    expect((await client.post(`/orders/${orderId}/details`, details)).status).toBe(302);
    const page = await client.get(`/orders/${orderId}/review`, { accept: "text/html", "accept-language": "uk" });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Перевірка й оплата");
    expect(page.text).toContain("5 сторінок");
    expect(page.text).toMatch(/Разом 25,00\s(€|EUR)/);
    expect(page.text).toMatch(/Орієнтовний час написання: [^<]*(хвилин|годин)/);
    expect(page.text).toContain("Українська");
    expect(page.text).not.toContain("€25.00");
  });

  it("the wizard's own words in a new order's steps follow the reader (Polish), the kinds and prices included", async () => {
    const { client } = await signedInCustomer(app);
    const page = await client.get("/orders/new", { accept: "text/html", "accept-language": "pl" });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Zamów dokument");
    expect(page.text).toContain("1. Temat");
    expect(page.text).toMatch(/za stronę/);
    expect(page.text).not.toContain("per page");
  });
});
