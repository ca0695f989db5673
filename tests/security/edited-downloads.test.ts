import { sql } from "kysely";
import mammoth from "mammoth";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import { sendJob, useBoss } from "../../app/jobs/queue.server";
import { saveSectionText } from "../../app/models/document-versions.server";
import { insertDeliveredDocument } from "../setup/documents";
import { eventually, startTestBoss } from "../setup/fixtures";
import { type App, signedInCustomer, startApp } from "./app";

// Issue 21, item 4: after an edit, the DOCX and PDF a customer downloads are the edited text (rebuilt by the worker,
// waited for by the download when they are older than the text), and still nobody else's to download.

let app: App;
let boss: PgBoss;
let owner: Awaited<ReturnType<typeof signedInCustomer>>;
let documentId: string;

beforeAll(async () => {
  app = await startApp();
  boss = useBoss(await startTestBoss(app.databaseUrl));
  owner = await signedInCustomer(app);
  documentId = (await insertDeliveredDocument(app.db, owner.userId, "Edited downloads")).id;
  // The first delivery's files, made by the app's worker from the delivered sections.
  await app.db.updateTable("documents").set({ docx_key: null, pdf_key: null }).where("id", "=", documentId).execute();
  await sendJob(app.db, QUEUES.exportDocument, { documentId });
  await eventually("the first delivery's files", async () => {
    const row = await app.db.selectFrom("documents").select("docx_key").where("id", "=", documentId).executeTakeFirst();
    return row?.docx_key;
  });
}, 120_000);

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await app?.stop();
});

/** A download's status, type and bytes, with the given cookie header. */
async function download(path: string, cookie: string) {
  const res = await fetch(new URL(path, app.url), { headers: { cookie }, redirect: "manual" });
  return { status: res.status, type: res.headers.get("content-type"), body: Buffer.from(await res.arrayBuffer()) };
}

describe("downloads after an edit", () => {
  it("the DOCX and PDF downloaded right after an edit are the edited text (the download waits for the rebuild); the order stays completed", async () => {
    const section = await app.db
      .selectFrom("sections")
      .select(["revision"])
      .where("document_id", "=", documentId)
      .where("index", "=", 1)
      .executeTakeFirstOrThrow();
    const saved = await saveSectionText(app.db, {
      documentId,
      ownerId: owner.userId,
      index: 1,
      baseRevision: section.revision,
      content: "Questa frase è stata scritta dal cliente dopo la consegna.",
    });
    expect(saved.ok).toBe(true);
    const docx = await download(`/documents/${documentId}/download/docx`, owner.client.cookieHeader());
    expect(docx.status).toBe(200);
    expect((await mammoth.extractRawText({ buffer: docx.body })).value).toContain(
      "Questa frase è stata scritta dal cliente dopo la consegna.",
    );
    const pdf = await download(`/documents/${documentId}/download/pdf`, owner.client.cookieHeader());
    expect(pdf.status).toBe(200);
    expect(pdf.body.subarray(0, 5).toString()).toBe("%PDF-");
    const row = await app.db
      .selectFrom("documents")
      .select(["status", "files_revision", "text_revision"])
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "completed", files_revision: 1, text_revision: 1 });
  });

  it("a stranger's download of an edited document is 404, as for a document that does not exist, and sends no rebuild", async () => {
    const stranger = await signedInCustomer(app);
    const rebuilds = async () =>
      (
        await sql<{ count: number }>`
          select count(*)::int as count from pgboss.job where name = ${QUEUES.reassembleDocument}`.execute(app.db)
      ).rows[0]!.count;
    await app.db.updateTable("documents").set({ files_revision: 0 }).where("id", "=", documentId).execute();
    const before = await rebuilds();
    for (const format of ["docx", "pdf"]) {
      const answer = await download(`/documents/${documentId}/download/${format}`, stranger.client.cookieHeader());
      expect(answer.status).toBe(404);
      expect(answer.type).not.toMatch(/officedocument|pdf/);
    }
    expect(await rebuilds()).toBe(before);
  });
});
