// document.reassemble: after the text of a delivered document changed (an edit, a restore, a kept regeneration), the
// assembled text and the DOCX/PDF are rebuilt from the current sections (the bibliography from the citations still
// present), then the changed sections go through the quality gates again and their scores are stored. Nothing here
// touches the order's status, price or payment: an edit can never make a paid order refundable. Decision 035.
import type { Selectable } from "kysely";
import type { DocumentsTable } from "../../db/schema";
import { listSections } from "../../app/models/documents.server";
import { EDITABLE } from "../../app/models/document-versions.server";
import type { ReassembleDocumentJob } from "../../app/jobs/definitions";
import { deleteStoredFile } from "../../app/utils/storage.server";
import { buildPreview, renderFiles } from "../export/deliver";
import { countWords } from "../quality/common";
import { sourceText } from "../quality/gate-context";
import { documentScores, runGates } from "../quality/registry";
import { refreshCitationFigures } from "../../app/models/citation-verdicts.server";
import type { GateScores } from "../quality/types";
import type { PipelineContext } from "../context";
import { checkLength, orderTopic } from "./section-checks";

/** The first delivery's files are not stored yet: this job is tried again after them (document.export makes them). */
export class FirstExportPendingError extends Error {
  override name = "FirstExportPendingError";
}

export async function reassembleDocument(ctx: PipelineContext, { documentId }: ReassembleDocumentJob): Promise<void> {
  const document = await ctx.db.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirst();
  if (!document || !EDITABLE.includes(document.status)) return;
  if (document.files_revision < document.text_revision) {
    if (!document.docx_key) throw new FirstExportPendingError(`document ${documentId} is not exported yet`);
    await rebuildFiles(ctx, document);
  }
  await checkEditedSections(ctx, document);
}

type DocumentRow = Selectable<DocumentsTable>;

/**
 * The text and files as of `document.text_revision` (or later: the sections are read after it). Stored only when no
 * newer rebuild was stored meanwhile; the files they replace are deleted once the new ones are in place.
 */
async function rebuildFiles(ctx: PipelineContext, document: DocumentRow): Promise<void> {
  const { db, log } = ctx;
  const revision = document.text_revision;
  const sections = await listSections(db, document.id);
  const preview = await buildPreview(db, ctx.machinery.citations, document, sections);
  const files = await renderFiles(document.id, preview.model);
  const replaced = await db
    .updateTable("documents")
    .set({ content: preview.content, docx_key: files.docxKey, pdf_key: files.pdfKey, files_revision: revision })
    .where("id", "=", document.id)
    .where("files_revision", "<", revision)
    .returning("id")
    .executeTakeFirst();
  const unused = replaced ? [document.docx_key, document.pdf_key] : [files.docxKey, files.pdfKey];
  await Promise.all(unused.filter((key): key is string => !!key).map(deleteStoredFile));
  if (replaced) log.info({ documentId: document.id, revision, citedSources: preview.citedSources }, "document rebuilt");
}

/**
 * Sections changed since the gates last scored them: length (against their word budget) and the gates, as when they
 * were written; the scores and findings are stored for the revision checked (a newer save waits for the next job).
 * The offline demo's placeholder text is not judged (decision 011): its scores stay N/A.
 */
async function checkEditedSections(ctx: PipelineContext, document: DocumentRow): Promise<void> {
  const { db, log } = ctx;
  const edited = await db
    .selectFrom("sections")
    .select(["id", "index", "revision", "content", "target_words"])
    .where("document_id", "=", document.id)
    .whereRef("checked_revision", "<", "revision")
    .orderBy("index")
    .execute();
  if (!edited.length) return;
  const judged = !document.offline_demo && !!ctx.gates?.length;
  const sources = judged ? await documentSources(ctx, document.id) : [];
  for (const section of edited) {
    const text = section.content ?? "";
    const words = countWords(text);
    const length = checkLength(text, section.target_words, words, document.language);
    let scores: GateScores = { uniqueness: null, grammar: null, ai: null };
    let feedback = length.feedback;
    if (judged && words > 0) {
      const context = await ctx.machinery.gateContexts.load(
        db,
        { documentId: document.id, sectionId: section.id },
        sources,
        {
          log,
          topic: orderTopic(document),
        },
      );
      const run = await runGates(
        ctx.gates!,
        {
          text,
          targetWords: section.target_words,
          language: document.language,
          sectionId: section.id,
          documentId: document.id,
        },
        context,
      );
      scores = run.scores;
      feedback = [...feedback, ...run.feedback];
    }
    await db
      .updateTable("sections")
      .set({
        word_count: words,
        score_uniqueness: scores.uniqueness,
        score_grammar: scores.grammar,
        score_ai: scores.ai,
        check_feedback: JSON.stringify(feedback),
        checked_revision: section.revision,
      })
      .where("id", "=", section.id)
      .where("revision", "=", section.revision)
      .execute();
  }
  await updateDocumentScores(ctx, document.id);
  log.info({ documentId: document.id, sections: edited.map((s) => s.index) }, "edited sections checked");
}

async function documentSources(ctx: PipelineContext, documentId: string) {
  const rows = await ctx.db
    .selectFrom("sources")
    .select(["key", "title", "abstract"])
    .where("document_id", "=", documentId)
    .execute();
  return rows.map((s) => ({ key: s.key, title: s.title ?? "", text: sourceText(s) }));
}

/** The document's scores follow its sections' (the word-weighted mean, as at delivery). */
async function updateDocumentScores(ctx: PipelineContext, documentId: string): Promise<void> {
  const sections = await ctx.db
    .selectFrom("sections")
    .select(["word_count", "score_uniqueness", "score_grammar", "score_ai"])
    .where("document_id", "=", documentId)
    .execute();
  const scores = documentScores(
    sections.map((s) => ({
      words: s.word_count ?? 0,
      scores: { uniqueness: s.score_uniqueness, grammar: s.score_grammar, ai: s.score_ai },
    })),
  );
  await ctx.db
    .updateTable("documents")
    .set({ score_uniqueness: scores.uniqueness, score_grammar: scores.grammar, score_ai: scores.ai })
    .where("id", "=", documentId)
    .execute();
  // An edited section's text is no longer the one judged; a kept regeneration's was judged as it was written.
  await refreshCitationFigures(ctx.db, documentId);
}
