import { sql } from "kysely";
import { listSections } from "../../app/models/documents.server";
import { recordGenerationRate } from "../../app/models/generation-rates.server";
import { documentReadyEmail } from "../../app/utils/email-templates.server";
import { getEnv } from "../../app/utils/env.server";
import { sendJob } from "../../app/jobs/queue.server";
import { deleteStoredFile } from "../../app/utils/storage.server";
import { buildPreview, renderFiles } from "../export/deliver";
import { storeDeliveredShingles } from "../quality/shingles";
import type { PipelineContext } from "../context";
import { setStage } from "../../app/models/document-progress.server";
import { QUEUES, type AssembleDocumentJob } from "../../app/jobs/definitions";
import type { ReviewedDocument } from "./review";

/**
 * document.assemble: the sections become one text with rendered citations and references, and the document is
 * delivered (with warnings when the review found some); the DOCX and PDF, and the fingerprints later orders are
 * compared with, follow in document.export, so the customer reads the text the moment it is ready.
 */
export async function assembleDocument(
  ctx: PipelineContext,
  { documentId }: AssembleDocumentJob,
  reviewed?: Partial<ReviewedDocument>,
): Promise<void> {
  const { db, log } = ctx;
  // The review that handed over, in the same job, passes what it read (nothing changes it after the hand-over, and
  // the final UPDATE below is guarded by the status): the document, its sections, sources and author.
  const document =
    reviewed?.document ??
    (await db.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirst());
  if (!document || document.status !== "generating" || document.progress_stage !== "assembling") return;
  const sections = reviewed?.sections ?? (await listSections(db, documentId));
  const warnings = document.quality_warnings as unknown as string[];
  const status = warnings.length ? "completed_with_warnings" : "completed";
  const preview = await buildPreview(
    db,
    ctx.machinery.citations,
    document,
    sections,
    reviewed?.sources && { sources: reviewed.sources, author: reviewed.author ?? null },
  );
  const content = preview.content;

  await db.transaction().execute(async (trx) => {
    // Delivered, with the browser's "progress" (done) and "completed" events.
    const applied = await setStage(trx, documentId, "done", {
      from: { status: "generating" },
      status,
      columns: { content, completed_at: sql`now()` },
    });
    if (!applied) return;
    // The first draft is the delivered text, copied in Postgres rather than sent a second time.
    await sql`
      insert into drafts (document_id, version, content) select id, 1, content from documents where id = ${documentId}
      on conflict (document_id, version) do nothing`.execute(trx);
    await sendJob(trx, QUEUES.exportDocument, { documentId });
    if (document.started_at) {
      const seconds = (Date.now() - new Date(document.started_at).getTime()) / 1000;
      await recordGenerationRate(trx, document.kind, seconds / document.pages);
    }
  });
  log.info({ documentId, status, citedSources: preview.citedSources }, "document assembled");
}

/**
 * document.export: the delivered sections' fingerprints (from now on every later order is checked against this text,
 * uniqueness across all customers), then the text as DOCX and PDF, then the "document ready" email with the link.
 */
export async function exportDocument(ctx: PipelineContext, { documentId }: AssembleDocumentJob): Promise<void> {
  const { db, log } = ctx;
  const document = await db.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirst();
  if (!document || !["completed", "completed_with_warnings"].includes(document.status) || document.docx_key) return;
  const sections = await listSections(db, documentId);
  // Idempotent: a redelivered job adds nothing twice.
  await storeDeliveredShingles(
    db,
    documentId,
    sections.map((s) => ({ id: s.id, text: s.content })),
  );
  const { model } = await buildPreview(db, ctx.machinery.citations, document, sections);
  const files = await renderFiles(documentId, model);
  const stored = await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("documents")
      .set({ docx_key: files.docxKey, pdf_key: files.pdfKey })
      .where("id", "=", documentId)
      .where("docx_key", "is", null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    const user = await trx
      .selectFrom("users")
      .select(["email", "locale"])
      .where("id", "=", document.user_id)
      .executeTakeFirstOrThrow();
    await sendJob(
      trx,
      QUEUES.sendEmail,
      await documentReadyEmail(user, document, getEnv().APP_URL, document.status === "completed_with_warnings"),
    );
    return true;
  });
  // Another delivery of this job stored its files first: these copies are not needed.
  if (!stored) await Promise.all([deleteStoredFile(files.docxKey), deleteStoredFile(files.pdfKey)]);
  log.info({ documentId, pdfPages: files.pdfPages, bodyPages: files.bodyPages }, "document files ready");
}
