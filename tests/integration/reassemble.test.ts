import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import mammoth from "mammoth";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveSectionText, restoreVersion } from "../../app/models/document-versions.server";
import { awaitCurrentFiles } from "../../app/models/document-files.server";
import { QUEUES } from "../../app/jobs/definitions";
import { useBoss } from "../../app/jobs/queue.server";
import { handleDeadLetter } from "../../worker/jobs/dead-letters";
import { useDatabase } from "../../app/utils/db.server";
import { parseEnv } from "../../app/utils/env.server";
import { logger } from "../../app/utils/logger.server";
import { readStoredFile, storedFileExists } from "../../app/utils/storage.server";
import type { PipelineContext } from "../../worker/context";
import { OfflineWriter } from "../../worker/llm/offline";
import { LlmRouter } from "../../worker/llm/router";
import { createPipelineMachinery } from "../../worker/machinery";
import { exportDocument } from "../../worker/pipeline/assemble";
import { FirstExportPendingError, reassembleDocument } from "../../worker/pipeline/reassemble";
import { createGates, qualityConfig } from "../../worker/quality/registry";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertDeliveredDocument } from "../setup/documents";
import { insertUser, startTestBoss } from "../setup/fixtures";

// Issue 21: after a delivered text changes, document.reassemble brings the assembled text, the DOCX/PDF (with the
// bibliography of the citations still present) and the changed sections' scores up to it — and nothing else.

let database: TestDatabase;
let boss: PgBoss;
let ctx: PipelineContext;
const machinery = createPipelineMachinery();

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  boss = useBoss(await startTestBoss(database.url));
  ctx = {
    db: database.db,
    router: new LlmRouter([new OfflineWriter()]),
    log: logger,
    sectionConcurrency: 2,
    completionThreshold: 0.85,
    gates: createGates(qualityConfig(parseEnv({})), machinery),
    machinery,
  };
});

afterAll(async () => {
  await machinery.close();
  await boss?.stop({ graceful: false, wait: true });
  await database?.destroy();
});

const ROSSI = {
  type: "book",
  title: "Biblioteche e lettori",
  author: [{ family: "Rossi", given: "Marco" }],
  issued: { "date-parts": [[2021]] },
  publisher: "Il Mulino",
};
const BIANCHI = {
  type: "article-journal",
  title: "Lettura pubblica in Europa",
  author: [{ family: "Bianchi", given: "Anna" }],
  issued: { "date-parts": [[2019]] },
  "container-title": "Bollettino AIB",
};
const PROSE =
  "Le biblioteche pubbliche europee nascono nel diciannovesimo secolo come luoghi di lettura aperti a tutti i cittadini.";

/** A delivered document whose sections cite two stored sources, with its delivered files in the store. */
async function deliveredWithCitations() {
  const owner = await insertUser(database.db);
  const document = await insertDeliveredDocument(database.db, owner.id);
  const db = database.db;
  await db
    .updateTable("sources")
    .set({ csl: JSON.stringify(ROSSI) })
    .where("document_id", "=", document.id)
    .execute();
  await db
    .insertInto("sources")
    .values({
      document_id: document.id,
      key: "bianchi2019",
      title: BIANCHI.title,
      year: 2019,
      csl: JSON.stringify(BIANCHI),
    })
    .execute();
  await db
    .updateTable("sections")
    .set({ content: `${PROSE} [@rossi2021]\n\n${PROSE} [@bianchi2019]` })
    .where("document_id", "=", document.id)
    .execute();
  // The delivered files, made by the first delivery's own job.
  await db.updateTable("documents").set({ docx_key: null, pdf_key: null }).where("id", "=", document.id).execute();
  await exportDocument(ctx, { documentId: document.id });
  return { ownerId: owner.id, documentId: document.id, priceCents: document.price_cents };
}

const documentRow = (id: string) =>
  database.db.selectFrom("documents").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const sectionRow = (id: string, index: number) =>
  database.db
    .selectFrom("sections")
    .selectAll()
    .where("document_id", "=", id)
    .where("index", "=", index)
    .executeTakeFirstOrThrow();
/** The owner's save of section `index`, made from its current revision as the editor sends it; it must be kept. */
async function edit(document: { documentId: string; ownerId: string }, index: number, content: string) {
  const section = await sectionRow(document.documentId, index);
  const saved = await saveSectionText(database.db, { ...document, index, baseRevision: section.revision, content });
  if (!saved.ok) throw new Error(`section ${index} was not saved: ${saved.reason}`);
  return saved;
}

const docxText = async (key: string) => (await mammoth.extractRawText({ buffer: await readStoredFile(key) })).value;
const queuedRebuilds = async (documentId: string) =>
  Number(
    (
      await sql<{ count: string }>`
        select count(*) from pgboss.job where name = 'document.reassemble' and data->>'documentId' = ${documentId}`.execute(
        database.db,
      )
    ).rows[0]!.count,
  );

describe("after an edit", () => {
  it("a save counts the change and sends the rebuild in its own transaction", async () => {
    const { ownerId, documentId } = await deliveredWithCitations();
    await edit({ documentId, ownerId }, 1, `${PROSE} Una frase aggiunta dal cliente. [@rossi2021]`);
    const document = await documentRow(documentId);
    expect(document.text_revision).toBe(1);
    expect(document.files_revision).toBe(0);
    expect(await queuedRebuilds(documentId)).toBe(1);
  });

  it("the text and both files are rebuilt from the current sections; a source no longer cited leaves the bibliography", async () => {
    const { ownerId, documentId, priceCents } = await deliveredWithCitations();
    const delivered = await documentRow(documentId);
    expect(await docxText(delivered.docx_key!)).toContain("Bianchi");
    for (const index of [0, 1, 2]) {
      await edit(
        { documentId, ownerId },
        index,
        `${PROSE} Il cliente ha riscritto questa parte ${index}. [@rossi2021]`,
      );
    }
    await reassembleDocument(ctx, { documentId });
    const rebuilt = await documentRow(documentId);
    expect(rebuilt.files_revision).toBe(3);
    expect(rebuilt.content).toContain("Il cliente ha riscritto questa parte 2.");
    expect(rebuilt.content).toContain("Rossi");
    expect(rebuilt.content).not.toContain("Bianchi");
    const docx = await docxText(rebuilt.docx_key!);
    expect(docx).toContain("Il cliente ha riscritto questa parte 1.");
    expect(docx).not.toContain("Bianchi");
    expect((await readStoredFile(rebuilt.pdf_key!)).subarray(0, 5).toString()).toBe("%PDF-");
    // The files they replace are gone; the order itself is as it was.
    expect(rebuilt.docx_key).not.toBe(delivered.docx_key);
    expect(await storedFileExists(delivered.docx_key!)).toBe(false);
    expect(await storedFileExists(delivered.pdf_key!)).toBe(false);
    expect({ status: rebuilt.status, price: rebuilt.price_cents, warnings: rebuilt.quality_warnings }).toEqual({
      status: delivered.status,
      price: priceCents,
      warnings: delivered.quality_warnings,
    });
  });

  it("a rebuild that finds the files up to date changes nothing, and two at once leave one pair of files", async () => {
    const { ownerId, documentId } = await deliveredWithCitations();
    await edit({ documentId, ownerId }, 0, `${PROSE} Versione concorrente. [@bianchi2019]`);
    await Promise.all([reassembleDocument(ctx, { documentId }), reassembleDocument(ctx, { documentId })]);
    const rebuilt = await documentRow(documentId);
    expect(rebuilt.files_revision).toBe(1);
    const stored = await database.db
      .selectFrom("files")
      .select("key")
      .where("key", "like", `documents/${documentId}/%`)
      .execute();
    expect(stored.map((f) => f.key).sort()).toEqual([rebuilt.docx_key, rebuilt.pdf_key].sort());
    await reassembleDocument(ctx, { documentId });
    expect((await documentRow(documentId)).docx_key).toBe(rebuilt.docx_key);
  });

  it("the edited section goes through the gates again: scores, word count and findings for that revision; the document's scores follow", async () => {
    const { ownerId, documentId } = await deliveredWithCitations();
    const saved = await edit({ documentId, ownerId }, 2, `${PROSE} Troppo breve ora. [@rossi2021]`);
    await reassembleDocument(ctx, { documentId });
    const checked = await sectionRow(documentId, 2);
    expect(checked.checked_revision).toBe(saved.revision);
    expect(checked.word_count).toBeLessThan(40);
    expect(checked.score_grammar).not.toBeNull();
    expect(checked.score_uniqueness).not.toBeNull();
    // 1,250 words were asked for: the length finding says so, in the order's language (Italian).
    expect((checked.check_feedback as string[]).join(" ")).toMatch(/1250|1\.250/);
    // Untouched sections keep their delivered scores and are not checked again.
    const untouched = await sectionRow(documentId, 0);
    expect(untouched.checked_revision).toBe(0);
    expect(untouched.score_uniqueness).toBe(91.25);
    const document = await documentRow(documentId);
    expect(document.status).toBe("completed");
    expect(document.score_grammar).not.toBe(1.2);
  });

  it("an offline demo's edited section is checked for length but its scores stay N/A", async () => {
    const { ownerId, documentId } = await deliveredWithCitations();
    await database.db.updateTable("documents").set({ offline_demo: true }).where("id", "=", documentId).execute();
    await edit({ documentId, ownerId }, 0, PROSE);
    await reassembleDocument(ctx, { documentId });
    const checked = await sectionRow(documentId, 0);
    expect(checked.checked_revision).toBe(1);
    expect([checked.score_uniqueness, checked.score_grammar, checked.score_ai]).toEqual([null, null, null]);
    expect((checked.check_feedback as string[]).length).toBe(1);
  });

  it("a restore is rebuilt like an edit", async () => {
    const { ownerId, documentId } = await deliveredWithCitations();
    await edit({ documentId, ownerId }, 1, `${PROSE} Testo da annullare. [@rossi2021]`);
    await reassembleDocument(ctx, { documentId });
    expect((await documentRow(documentId)).content).toContain("Testo da annullare.");
    await restoreVersion(database.db, { documentId, ownerId, number: 1, by: { author: "restore", userId: ownerId } });
    await reassembleDocument(ctx, { documentId });
    const restored = await documentRow(documentId);
    expect(restored.files_revision).toBe(2);
    expect(restored.content).not.toContain("Testo da annullare.");
    expect(await docxText(restored.docx_key!)).toContain("Bianchi");
  });

  it("waits for the first delivery's files before it rebuilds them (tried again later), and leaves a document that is no longer delivered alone", async () => {
    const { ownerId, documentId } = await deliveredWithCitations();
    await edit({ documentId, ownerId }, 1, `${PROSE} [@rossi2021]`);
    const { docx_key } = await documentRow(documentId);
    await database.db.updateTable("documents").set({ docx_key: null }).where("id", "=", documentId).execute();
    await expect(reassembleDocument(ctx, { documentId })).rejects.toBeInstanceOf(FirstExportPendingError);
    await database.db
      .updateTable("documents")
      .set({ docx_key, status: "refunded" })
      .where("id", "=", documentId)
      .execute();
    await reassembleDocument(ctx, { documentId });
    expect((await documentRow(documentId)).files_revision).toBe(0);
  });
});

it("a rebuild that fails for good (its dead letter) neither fails nor refunds the delivered order", async () => {
  const { documentId } = await deliveredWithCitations();
  const refundJobs = async () =>
    Number(
      (
        await sql<{ count: string }>`
          select count(*) from pgboss.job where name = ${QUEUES.refundPayment}
          and data->>'documentId' = ${documentId}`.execute(database.db)
      ).rows[0]!.count,
    );
  await handleDeadLetter(ctx, QUEUES.reassembleDocument, { documentId }, randomUUID());
  const document = await documentRow(documentId);
  expect(document.status).toBe("completed");
  expect(await refundJobs()).toBe(0);
  const letters = await database.db
    .selectFrom("dead_letters")
    .select("queue")
    .where("document_id", "=", documentId)
    .execute();
  expect(letters).toEqual([{ queue: QUEUES.reassembleDocument }]);
});

describe("a download of files older than the text", () => {
  it("asks for the rebuild and returns the keys once the files show the text, or nothing after its wait", async () => {
    const { ownerId, documentId } = await deliveredWithCitations();
    await edit({ documentId, ownerId }, 0, `${PROSE} [@rossi2021]`);
    const queued = await queuedRebuilds(documentId);
    expect(await awaitCurrentFiles(database.db, documentId, 1, { waitMs: 0 })).toBeUndefined();
    expect(await queuedRebuilds(documentId)).toBe(queued + 1);
    const waiting = awaitCurrentFiles(database.db, documentId, 1);
    await reassembleDocument(ctx, { documentId });
    const keys = await waiting;
    const rebuilt = await documentRow(documentId);
    expect(keys).toMatchObject({ docx_key: rebuilt.docx_key, pdf_key: rebuilt.pdf_key });
  });
});
