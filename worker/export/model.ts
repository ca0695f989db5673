// The one document model the DOCX and PDF renderers both take, with the few fixed texts they print, per language.
import { fixedNamespaceTexts } from "../../app/i18n/server-texts.server";
import { DOCUMENT_KIND_CODES, LANGUAGE_CODES, LANGUAGES, type LanguageCode } from "../../app/utils/catalog";

export type ExportSection = { heading: string; level: 1 | 2; paragraphs: string[] };

export type ExportBibliography = { heading: string; entries: string[] };

export type ExportDocument = {
  title: string;
  author: string | null;
  institution: string | null;
  date: Date;
  language: LanguageCode;
  kindLabel: string;
  sections: ExportSection[];
  /** Entries already formatted in the order's citation style; null when the document has no sources. */
  bibliography: ExportBibliography | null;
  /** Shown instead of a bibliography when the document has no sources. */
  noSourcesNote: string | null;
  /** Written by the offline demo writer: the title page says so. */
  offlineDemo: boolean;
};

export type ExportLabels = {
  /** BCP 47 tag: Word's proofing language, the PDF's /Lang, date formatting. */
  locale: string;
  contents: string;
  references: string;
  noSources: string;
  offlineDemo: string;
  offlineDemoNote: string;
  kinds: Record<string, string>;
  /** The name Word shows for the no-sources note's paragraph style. */
  noSourcesStyle: string;
};

/** Each document language's tag for proofing and dates (technical identifiers, not texts). */
const LOCALE_TAGS: Record<LanguageCode, string> = {
  en: "en-GB",
  uk: "uk-UA",
  it: "it-IT",
  ru: "ru-RU",
  de: "de-DE",
  fr: "fr-FR",
  es: "es-ES",
  pl: "pl-PL",
};

// The texts are the `export` namespace's (app/locales/<lng>/export.json), ready at once: the renderers stay synchronous.
function translatedLabels(language: LanguageCode): ExportLabels {
  const t = fixedNamespaceTexts(language, "export") as (key: string) => string;
  return {
    locale: LOCALE_TAGS[language],
    contents: t("contents"),
    references: t("references"),
    noSources: t("noSources"),
    offlineDemo: t("offlineDemo"),
    offlineDemoNote: t("offlineDemoNote"),
    kinds: Object.fromEntries(DOCUMENT_KIND_CODES.map((kind) => [kind, t(`kinds.${kind}`)])),
    noSourcesStyle: t("styles.noSourcesNote"),
  };
}

/** The fixed texts of the DOCX and PDF, per document language. */
export const EXPORT_LABELS = Object.fromEntries(
  LANGUAGE_CODES.map((language) => [language, translatedLabels(language)]),
) as Record<LanguageCode, ExportLabels>;

export function isLanguageCode(code: string): code is LanguageCode {
  return Object.hasOwn(LANGUAGES, code);
}

/** The labels of a language; an unknown code gets English. */
export function labelsFor(language: string): ExportLabels {
  return isLanguageCode(language) ? EXPORT_LABELS[language] : EXPORT_LABELS.en;
}

/** The date as the title page prints it, e.g. "21 November 2026", "21 листопада 2026 р.". */
export function formatTitleDate(date: Date, language: string): string {
  return new Intl.DateTimeFormat(labelsFor(language).locale, {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
}

/** A section's stored text as paragraphs: blank lines separate them, single line breaks are spaces. */
export function paragraphsOf(content: string): string[] {
  return content
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}

export type ExportInput = {
  title: string;
  author?: string | null;
  institution?: string | null;
  date: Date;
  language: string;
  /** Our kind code (`bachelor_thesis`); its label is printed in the document's language. */
  kind: string;
  sections: { heading: string; level?: 1 | 2; content: string }[];
  /** Formatted entries; empty means the document has no sources. */
  bibliography: string[];
  offlineDemo: boolean;
};

/** Builds the model from what the pipeline stores: labels, the bibliography heading and the no-sources note per language. */
export function createExportDocument(input: ExportInput): ExportDocument {
  const language = isLanguageCode(input.language) ? input.language : "en";
  const labels = EXPORT_LABELS[language];
  const hasSources = input.bibliography.length > 0;
  return {
    title: input.title,
    author: input.author?.trim() || null,
    institution: input.institution?.trim() || null,
    date: input.date,
    language,
    kindLabel: labels.kinds[input.kind] ?? EXPORT_LABELS.en.kinds[input.kind] ?? input.kind,
    sections: input.sections.map((s) => ({
      heading: s.heading,
      level: s.level ?? 1,
      paragraphs: paragraphsOf(s.content),
    })),
    bibliography: hasSources ? { heading: labels.references, entries: input.bibliography } : null,
    noSourcesNote: hasSources ? null : labels.noSources,
    offlineDemo: input.offlineDemo,
  };
}
