// Attacks with requirements files (issue 16, item 11): a PDF built to be read for days, a PDF of hundreds of pages,
// a customer filling the disk, and files left behind by orders never paid. Everything goes over HTTP to the running app.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import { createBoss } from "../../app/jobs/queue.server";
import { READING_LOG_MESSAGE } from "../../app/utils/upload-text.server";
import { nestedFormsPdf, pagedPdf, txtFile } from "../fixtures/files";
import { eventually } from "../setup/fixtures";
import { type App, type Client, signedInCustomer, startApp } from "./app";
import { orderAfterTopic } from "./money-app";

const READ_TIMEOUT_SECONDS = 10;
const QUOTA_MB = 1;

let app: App;
beforeAll(async () => {
  // info: the app logs when it starts reading a file, which the first test waits for.
  app = await startApp({
    LOG_LEVEL: "info",
    UPLOAD_READ_TIMEOUT_SECONDS: String(READ_TIMEOUT_SECONDS),
    UPLOAD_QUOTA_MB: String(QUOTA_MB),
  });
});
afterAll(() => app?.stop());

const READING = READING_LOG_MESSAGE;
const KB = 1024;

function upload(client: Client, orderId: string, filename: string, bytes: Buffer, type = "application/pdf") {
  const form = new FormData();
  form.set("file", new File([new Uint8Array(bytes)], filename, { type }));
  return client.fetch(`/orders/${orderId}/requirements`, {
    method: "POST",
    body: form,
    headers: { accept: "text/html" },
  });
}

function uploadRows(userId: string) {
  return app.db
    .selectFrom("uploads")
    .select(["id", "document_id", "storage_key", "size_bytes"])
    .where("user_id", "=", userId)
    .execute();
}

/** The keys of the customer's stored requirements files (in the database's `files` table, the default store). */
async function storedFiles(userId: string): Promise<string[]> {
  const rows = await app.db.selectFrom("files").select("key").where("key", "like", `uploads/${userId}/%`).execute();
  return rows.map((r) => r.key);
}

/** The text the requirements page shows back for the order's file, or null when it shows no file. */
async function shownText(client: Client, orderId: string): Promise<string | null> {
  const page = await client.get(`/orders/${orderId}/requirements`);
  expect(page.status).toBe(200);
  const match = /data-testid="extracted-text"[^>]*>([\s\S]*?)<\/pre>/.exec(page.text);
  return match ? match[1]! : null;
}

describe("uploaded files are read off the main thread, within limits (item 11)", () => {
  it("a 4 kB PDF that would take days to read does not stall the site: /healthz and other customers answer while it is read, and it is refused when its time is up", async () => {
    const mallory = await signedInCustomer(app);
    const orderId = await orderAfterTopic(mallory.client);
    const readsBefore = app.output().split(READING).length;

    let settled = false;
    const hostile = upload(mallory.client, orderId, "brief.pdf", nestedFormsPdf()).finally(() => (settled = true));
    await eventually(
      "the app to start reading the hostile PDF",
      async () => app.output().split(READING).length > readsBefore,
      30_000,
    );

    // While the thread reads, the web process answers everybody else.
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    const alice = await signedInCustomer(app);
    expect((await alice.client.get("/documents")).status).toBe(200);
    expect(settled, "the hostile upload is still being read").toBe(false);

    const refused = await hostile;
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(
      `brief.pdf took too long to read (more than ${READ_TIMEOUT_SECONDS} seconds), so it was refused.`,
    );
    expect(await uploadRows(mallory.userId)).toEqual([]);
    expect(await storedFiles(mallory.userId)).toEqual([]);
  });

  it("a PDF of 120 pages is read up to page 100 and no further", async () => {
    const { client } = await signedInCustomer(app);
    const orderId = await orderAfterTopic(client);
    const saved = await upload(client, orderId, "handbook.pdf", await pagedPdf(120));
    expect(saved.status).toBe(302);
    const text = await shownText(client, orderId);
    expect(text).toContain("Requirements page 100.");
    expect(text).not.toContain("Requirements page 101.");
  });
});

describe("each customer has a storage quota for uploads (item 11)", () => {
  it(`a customer cannot store more than UPLOAD_QUOTA_MB (${QUOTA_MB} MB here): the file over it is refused with a message and nothing is stored; replacing a file is not counted twice`, async () => {
    const { client, userId } = await signedInCustomer(app);
    const first = await orderAfterTopic(client);
    const second = await orderAfterTopic(client);
    const notes = (letter: string) => txtFile(`Notes for my essay. ${letter.repeat(600 * KB)}`);

    expect((await upload(client, first, "first.txt", notes("a"), "text/plain")).status).toBe(302);
    const over = await upload(client, second, "second.txt", notes("b"), "text/plain");
    expect(over.status).toBe(400);
    expect(over.text).toContain(
      `second.txt (0.6 MB) does not fit in the ${QUOTA_MB} MB TesiGo keeps for your files: 0.6 MB are in use.`,
    );
    expect(await shownText(client, second)).toBeNull();
    expect((await uploadRows(userId)).length).toBe(1);
    expect((await storedFiles(userId)).length).toBe(1);

    // The first order's file replaced by another as large: the old one goes, so it fits.
    expect((await upload(client, first, "first-v2.txt", notes("c"), "text/plain")).status).toBe(302);
    expect(await shownText(client, first)).toContain("ccc");
    expect((await uploadRows(userId)).length).toBe(1);
    expect((await storedFiles(userId)).length).toBe(1);
  });
});

describe("the files of drafts are deleted after 30 days (item 11)", () => {
  it("the hourly maintenance deletes the file of a draft untouched for 30 days (row, stored file, text), and keeps fresh drafts' and paid orders' files", async () => {
    const { client, userId } = await signedInCustomer(app);
    const stale = await orderAfterTopic(client);
    const fresh = await orderAfterTopic(client);
    const paid = await orderAfterTopic(client);
    for (const order of [stale, fresh, paid]) {
      expect(
        (await upload(client, order, `${order}.txt`, txtFile(`The brief of ${order}.`), "text/plain")).status,
      ).toBe(302);
      expect((await client.post(`/orders/${order}/requirements`, { intent: "confirm" })).status).toBe(302);
    }
    await app.db.updateTable("documents").set({ status: "completed" }).where("id", "=", paid).execute();
    // 31 days pass for the stale draft and the paid order; the fresh draft was changed yesterday.
    await sql`update uploads set created_at = now() - interval '31 days' where user_id = ${userId}`.execute(app.db);
    await sql`update documents set updated_at = now() - interval '31 days' where id in (${stale}, ${paid})`.execute(
      app.db,
    );
    const staleKey = (await uploadRows(userId)).find((r) => r.document_id === stale)!.storage_key;

    const boss = createBoss(app.databaseUrl, { worker: false });
    await boss.start();
    try {
      await boss.send(QUEUES.maintenance, {});
    } finally {
      await boss.stop({ graceful: false });
    }

    await eventually("the stale draft's file to be deleted", async () => (await shownText(client, stale)) === null);
    expect(await storedFiles(userId)).not.toContain(staleKey);
    expect((await storedFiles(userId)).length).toBe(2);
    const documents = await app.db
      .selectFrom("documents")
      .select(["id", "requirements_text"])
      .where("user_id", "=", userId)
      .execute();
    expect(documents.find((d) => d.id === stale)!.requirements_text).toBeNull();
    expect(documents.find((d) => d.id === fresh)!.requirements_text).toContain(`The brief of ${fresh}.`);
    expect(documents.find((d) => d.id === paid)!.requirements_text).toContain(`The brief of ${paid}.`);
    expect(await shownText(client, fresh)).toContain(`The brief of ${fresh}.`);
    expect((await uploadRows(userId)).map((r) => r.document_id).sort()).toEqual([fresh, paid].sort());
  });
});
