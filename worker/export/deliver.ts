import type { Db } from "../../app/utils/db.server";
import { CITATION_STYLES, type CitationStyle } from "../../app/utils/catalog";
import { storeFile } from "../../app/utils/storage.server";
import type { CitationEngine, CslItem } from "./bibliography";
import { findCitationKeys } from "./citations";
import { renderDocx } from "./docx";
import { createExportDocument, labelsFor, type ExportDocument } from "./model";
import { renderPdf } from "./pdf";

export type Preview = {
  /** The web preview: "# title", "## heading" sections with in-text citations, then the references. */
  content: string;
  model: ExportDocument;
  citedSources: number;
};

export type DeliveredFiles = { docxKey: string; pdfKey: string; pdfPages: number; bodyPages: number };

type SectionText = { heading: string; content: string | null };
export type DocumentFacts = {
  id: string;
  topic: string;
  language: string;
  kind: string;
  citation_style: string;
  institution: string | null;
  offline_demo: boolean;
  user_id: string;
};

/**
 * The delivered text: in-text citations and the bibliography rendered in the order's CSL style and locale (only the
 * sources actually cited), as the web preview and as the model both file renderers take.
 */
export async function buildPreview(
  db: Db,
  /** The worker's citation engine (its PipelineMachinery's). */
  citations: CitationEngine,
  document: DocumentFacts,
  sections: SectionText[],
  /** The document's sources and its author's name, when the caller has read them already. */
  read?: { sources: readonly { key: string; csl: unknown }[]; author: string | null },
): Promise<Preview> {
  const written = sections.filter((s) => s.content);
  const sources =
    read?.sources ??
    (await db.selectFrom("sources").select(["key", "csl"]).where("document_id", "=", document.id).execute());
  const cites = written.some((s) => findCitationKeys(s.content ?? "").length > 0);
  const rendered =
    sources.length && cites
      ? citations.render({
          styleCode: citationStyleOf(document),
          language: document.language,
          items: cslItems(sources),
          sections: written.map((s) => s.content ?? ""),
        })
      : { sections: written.map((s) => s.content ?? ""), bibliography: { entries: [] as string[] } };
  const author = read
    ? read.author
    : ((await db.selectFrom("users").select("name").where("id", "=", document.user_id).executeTakeFirst())?.name ??
      null);
  const model = createExportDocument({
    title: document.topic,
    author,
    institution: document.institution,
    date: new Date(),
    language: document.language,
    kind: document.kind,
    sections: written.map((s, i) => ({ heading: s.heading, content: rendered.sections[i] })),
    bibliography: rendered.bibliography.entries,
    offlineDemo: document.offline_demo,
  });
  const labels = labelsFor(document.language);
  const parts = [`# ${document.topic}`];
  written.forEach((s, i) => parts.push(`## ${s.heading}`, rendered.sections[i]));
  parts.push(
    `## ${labels.references}`,
    rendered.bibliography.entries.length ? rendered.bibliography.entries.join("\n\n") : labels.noSources,
  );
  return { content: parts.join("\n\n"), model, citedSources: rendered.bibliography.entries.length };
}

/** The order's CSL style (APA 7 for a code we no longer offer). */
function citationStyleOf(document: Pick<DocumentFacts, "citation_style">): CitationStyle {
  return (document.citation_style in CITATION_STYLES ? document.citation_style : "apa7") as CitationStyle;
}

/** Stored sources as citeproc items: their CSL-JSON under their key. */
function cslItems(sources: readonly { key: string; csl: unknown }[]): CslItem[] {
  return sources.map((s) => ({ ...(s.csl as object), id: s.key }) as CslItem);
}

/**
 * Prepares the citation engine for a document while its sections are being written (the worker waits on the
 * writers then): the engine for the order's style and language is built if the last one was for another (~0.1 s),
 * renders these sources once and registers them, so rendering the delivered text right after the last section skips
 * their sorting and disambiguation (most of its cost) and, where entries are sorted, the bibliography. That holds
 * when the sections cite every source and nothing else used the engine in between; otherwise the render starts
 * afresh. Changes no rendering; a failure only costs the head start.
 */
export function prepareCitations(
  citations: CitationEngine,
  document: Pick<DocumentFacts, "citation_style" | "language">,
  sources: readonly { key: string; csl: unknown }[],
): void {
  if (sources.length === 0) return;
  citations.prepare({ styleCode: citationStyleOf(document), language: document.language, items: cslItems(sources) });
}

/** DOCX and PDF of the model, in the file store (the database, or S3). */
export async function renderFiles(documentId: string, model: ExportDocument): Promise<DeliveredFiles> {
  // The PDF first: its layout gives the DOCX its contents' page numbers. One after the other, so only one file's
  // garbage is in memory at a time.
  const pdf = await renderPdf(model);
  const docx = await renderDocx(model, pdf.contents);
  const [docxKey, pdfKey] = await Promise.all([
    storeFile(`documents/${documentId}`, docx, "docx"),
    storeFile(`documents/${documentId}`, pdf.buffer, "pdf"),
  ]);
  return { docxKey, pdfKey, pdfPages: pdf.pageCount, bodyPages: pdf.bodyPageCount };
}
