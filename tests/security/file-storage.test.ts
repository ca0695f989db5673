// Issue 18, item 9: delivered files and uploads live in the store every container reaches — Postgres by default, S3
// when S3_URL is set — so a web container and a worker container that share no folder still serve each other's files;
// files an older TesiGo left on disk move there with `npm run move-files`. All over HTTP against running processes.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileStoreFor } from "../../app/utils/storage.server";
import { startFakeS3, type FakeS3 } from "../fakes/s3";
import { eventually } from "../setup/fixtures";
import { spawnWorker, stopProcess } from "../setup/worker-process";
import { type App, type Client, signedInCustomer, startApp } from "./app";
import { draftOrder } from "./money-app";

const run = promisify(execFile);
const METRICS_TOKEN = "monitoring-key-7c1e5a9d3b0f4e8a2c6d1b5f9e3a7c0d";
const ROOT = path.resolve(import.meta.dirname, "../..");

let s3: FakeS3;
beforeAll(async () => {
  s3 = await startFakeS3();
});
afterAll(() => s3?.close());

type Setup = { name: string; env: () => Record<string, string> };
const SETUPS: Setup[] = [
  { name: "Postgres (the default)", env: () => ({}) },
  { name: "S3 (S3_URL set)", env: () => s3.env },
];

/** A paid order, delivered by the worker container; its keys once the files are stored. */
async function deliveredOrder(app: App, client: Client, topic: string) {
  const id = await draftOrder(client, { topic });
  expect((await client.post(`/orders/${id}/review`, { intent: "dev" })).location).toBe(`/documents/${id}`);
  return eventually(
    "the worker container to deliver the order's files",
    async () => {
      const row = await app.db
        .selectFrom("documents")
        .select(["id", "status", "pdf_key", "docx_key"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      return row.pdf_key && row.docx_key ? { id, pdfKey: row.pdf_key, docxKey: row.docx_key } : undefined;
    },
    120_000,
  );
}

describe.each(SETUPS)("files in $name", (setup) => {
  let app: App;
  let worker: Awaited<ReturnType<typeof spawnWorker>>;
  const workerDataDir = mkdtempSync(path.join(os.tmpdir(), "tesigo-worker-"));

  beforeAll(async () => {
    // The web container and the worker container: one database, no shared folder.
    app = await startApp({ ROLE: "web", METRICS_TOKEN, ...setup.env() });
    worker = await spawnWorker({
      DATABASE_URL: app.databaseUrl,
      DATA_DIR: workerDataDir,
      AI_FALLBACK_CHAIN: "offline",
      RESEARCH_PROVIDERS: "none",
      SECTION_CONCURRENCY: "2",
      ...setup.env(),
    });
  }, 120_000);
  afterAll(async () => {
    if (worker) await stopProcess(worker.process);
    await app?.stop();
    rmSync(workerDataDir, { recursive: true, force: true });
  });

  it("the PDF and DOCX the worker container delivered are downloaded from the web container, which shares no folder with it; another customer gets 404", async () => {
    const owner = await signedInCustomer(app);
    const order = await deliveredOrder(app, owner.client, "Grain storage in Roman Egypt");
    const store = fileStoreFor({ S3_REGION: "us-east-1", ...setup.env() }, app.db);

    const pdf = await owner.client.fetch(`/documents/${order.id}/download/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const pdfBytes = Buffer.from(
      await (await fetchAs(owner.client, `/documents/${order.id}/download/pdf`)).arrayBuffer(),
    );
    expect(pdfBytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(Buffer.compare(pdfBytes, (await store.get(order.pdfKey))!.content)).toBe(0);
    const docx = await fetchAs(owner.client, `/documents/${order.id}/download/docx`);
    expect(docx.status).toBe(200);
    expect(
      Buffer.from(await docx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe("PK");

    expect(existsSync(path.join(workerDataDir, "files")), "the worker wrote to its own disk").toBe(false);
    expect(existsSync(path.join(app.dataDir, "files")), "the web process wrote to its own disk").toBe(false);

    const mallory = await signedInCustomer(app);
    for (const format of ["pdf", "docx"]) {
      expect((await mallory.client.get(`/documents/${order.id}/download/${format}`)).status).toBe(404);
    }
  });

  it("/health/detailed shows monitoring that the web container reaches the store", async () => {
    const health = await fetch(`${app.url}/health/detailed`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect((await health.json()).checks.storage).toMatchObject({
      status: "ok",
      detail: setup.env().S3_BUCKET ? `S3 bucket ${setup.env().S3_BUCKET}` : "files table",
    });
  });

  it("a PDF an older TesiGo left on the web container's disk moves into the store with npm run move-files (run twice: nothing moves the second time), and its download then works", async () => {
    const owner = await signedInCustomer(app);
    const order = await deliveredOrder(app, owner.client, "Tide mills of Brittany");
    const legacyKey = `documents/${order.id}/legacy.pdf`;
    const legacyBytes = Buffer.from("%PDF-1.4 the file an older TesiGo wrote to DATA_DIR/files");
    mkdirSync(path.join(app.dataDir, "files", "documents", order.id), { recursive: true });
    writeFileSync(path.join(app.dataDir, "files", legacyKey), legacyBytes);
    await app.db.updateTable("documents").set({ pdf_key: legacyKey }).where("id", "=", order.id).execute();

    const env = {
      ...process.env,
      NODE_ENV: "test",
      DATABASE_URL: app.databaseUrl,
      DATA_DIR: app.dataDir,
      ...setup.env(),
    } as NodeJS.ProcessEnv;
    const first = await run(process.execPath, ["--import", "tsx", "scripts/move-files.ts"], { cwd: ROOT, env });
    expect(first.stdout.trim()).toMatch(
      /^Moved 1 file\(s\) from .* to the (database|S3 bucket tesigo-files); 0 were there already; 0 skipped \(not a TesiGo key\); 0 failed\.$/,
    );
    expect(existsSync(path.join(app.dataDir, "files", legacyKey))).toBe(false);
    const again = await run(process.execPath, ["--import", "tsx", "scripts/move-files.ts"], { cwd: ROOT, env });
    expect(again.stdout.trim()).toMatch(/^Moved 0 file\(s\)/);

    const pdf = await fetchAs(owner.client, `/documents/${order.id}/download/pdf`);
    expect(pdf.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await pdf.arrayBuffer()), legacyBytes)).toBe(0);
  });
});

/** A GET with the client's cookies, keeping the body as bytes. */
function fetchAs(client: Client, url: string) {
  return fetch(new URL(url, client.app.url), { headers: { cookie: client.cookieHeader() }, redirect: "manual" });
}
