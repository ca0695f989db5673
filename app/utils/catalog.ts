// What can be ordered: the kinds of document, their length, the languages and the citation styles. Shared by the
// order wizard (browser and server), the price (pricing.ts), the emails and the worker that writes and exports.
export const MIN_PAGES = 5;
export const MAX_PAGES = 200;
/** A section under this share of its word budget is too short: written again, or, after an edit, said so. */
export const MIN_SECTION_LENGTH_SHARE = 0.6;

export const DOCUMENT_KINDS = {
  essay: { label: "Essay" },
  term_paper: { label: "Term paper" },
  bachelor_thesis: { label: "Bachelor thesis" },
  master_thesis: { label: "Master thesis" },
  book_chapter: { label: "Book chapter" },
  literature_review: { label: "Literature review" },
} as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;
export const DOCUMENT_KIND_CODES = Object.keys(DOCUMENT_KINDS) as [DocumentKind, ...DocumentKind[]];

export function kindLabel(kind: string): string {
  return DOCUMENT_KINDS[kind as DocumentKind]?.label ?? kind;
}

export const CITATION_STYLES = {
  apa7: "APA 7",
  mla9: "MLA 9",
  chicago_author_date: "Chicago (author-date)",
  harvard: "Harvard (Cite Them Right)",
  ieee: "IEEE",
  gost_author_date: "GOST R 7.0.5 (author-date)",
  gost_numeric: "GOST R 7.0.5 (numeric)",
} as const;
export type CitationStyle = keyof typeof CITATION_STYLES;
export const CITATION_STYLE_CODES = Object.keys(CITATION_STYLES) as [CitationStyle, ...CitationStyle[]];

// Languages an order can be written in, with the words a standard page holds (A4, 12 pt DejaVu Serif, 1.5 spacing,
// 2.5 cm margins) as measured by rendering word-budgeted prose (worker/export/layout.ts says how).
export const LANGUAGES = {
  en: { label: "English", wordsPerPage: 315 },
  uk: { label: "Українська", wordsPerPage: 240 },
  it: { label: "Italiano", wordsPerPage: 315 },
  ru: { label: "Русский", wordsPerPage: 225 },
  de: { label: "Deutsch", wordsPerPage: 255 },
  fr: { label: "Français", wordsPerPage: 305 },
  es: { label: "Español", wordsPerPage: 330 },
  pl: { label: "Polski", wordsPerPage: 255 },
} as const;

export type LanguageCode = keyof typeof LANGUAGES;
export const LANGUAGE_CODES = Object.keys(LANGUAGES) as [LanguageCode, ...LanguageCode[]];

export function wordsPerPage(language: string): number {
  return LANGUAGES[language as LanguageCode]?.wordsPerPage ?? LANGUAGES.en.wordsPerPage;
}
