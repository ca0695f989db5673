// One found work, normalised the same way whichever provider answered, and its CSL-JSON form.
import { stripMarkup } from "./text";

export const PROVIDERS = ["openalex", "crossref", "semantic-scholar"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export type Author = { family: string; given: string };

export type FoundWork = {
  provider: ProviderName;
  title: string;
  year: number | null;
  /** Lower-case, without the https://doi.org/ prefix. */
  doi: string | null;
  /** The short form, e.g. "W2741809807". */
  openalexId: string | null;
  url: string | null;
  authors: Author[];
  containerTitle: string | null;
  volume: string | null;
  issue: string | null;
  page: string | null;
  publisher: string | null;
  /** A CSL item type: article-journal, chapter, book, paper-conference, thesis, report, dataset, article… */
  type: string;
  abstract: string | null;
  citedByCount: number | null;
  /** ISO 639-1 as the provider gave it (OpenAlex; Crossref and Semantic Scholar give none we ask for); null: unknown. */
  language: string | null;
  /** An open-access PDF of it (OpenAlex best_oa_location.pdf_url, Semantic Scholar openAccessPdf.url); null: none known. */
  openAccessUrl: string | null;
  /** The provider's own score for this query, normalised to 0..1 within its answer (1 = its best hit). */
  relevance: number;
};

export type CslItem = {
  id: string;
  type: string;
  title: string;
  author?: { family: string; given?: string }[];
  issued?: { "date-parts": [[number]] };
  "container-title"?: string;
  volume?: string;
  issue?: string;
  page?: string;
  publisher?: string;
  DOI?: string;
  URL?: string;
  abstract?: string;
};

export { normaliseDoi } from "../../app/utils/doi";

const PARTICLES = new Set([
  "van",
  "von",
  "der",
  "den",
  "de",
  "del",
  "della",
  "di",
  "da",
  "dos",
  "das",
  "du",
  "la",
  "le",
  "ter",
  "ten",
  "bin",
  "al",
  "el",
]);

/**
 * Splits a display name into family and given names: "Family, Given" as written; otherwise the last word is the
 * family name, with lower-case particles before it ("Ludwig van Beethoven" → "van Beethoven").
 */
export function splitName(displayName: string): Author {
  const name = stripMarkup(displayName).replace(/\s+/g, " ").trim();
  if (name.includes(",")) {
    const [family, ...rest] = name.split(",");
    return { family: family.trim(), given: rest.join(",").trim() };
  }
  const words = name.split(" ");
  if (words.length === 1) return { family: name, given: "" };
  let start = words.length - 1;
  while (start > 1 && PARTICLES.has(words[start - 1])) start--;
  return { family: words.slice(start).join(" "), given: words.slice(0, start).join(" ") };
}

/** Works that are not citable on their own (covers, errata, peer reviews, whole journals): dropped by every client. */
export const UNCITABLE_TYPES = new Set([
  "paratext",
  "erratum",
  "retraction",
  "peer-review",
  "grant",
  "component",
  "journal",
  "journal-issue",
  "journal-volume",
  "book-series",
  "book-set",
  "proceedings",
  "proceedings-series",
  "report-series",
  "database",
  "supplementary-materials",
  "libguides",
]);

/** A year we believe: a number between 1400 and next year. */
export function plausibleYear(value: unknown, now = new Date()): number | null {
  const year = typeof value === "string" ? Number.parseInt(value, 10) : value;
  if (typeof year !== "number" || !Number.isInteger(year)) return null;
  return year >= 1400 && year <= now.getUTCFullYear() + 1 ? year : null;
}

/** A two-letter language code ("uk", "it"), lower-case; anything else is unknown. */
export function languageCode(value: unknown): string | null {
  return typeof value === "string" && /^[a-z]{2}$/i.test(value.trim()) ? value.trim().toLowerCase() : null;
}

/** An http(s) address, or null: the only kind of open-access link worth keeping. */
export function httpUrl(value: unknown): string | null {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
  } catch {
    return null;
  }
}

export function cleanString(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return null;
  const text = stripMarkup(value);
  return text ? text : null;
}

/** Scores divided by the best one, so the provider's top hit is 1; without scores, by position (1, then down). */
export function normaliseScores(scores: (number | null)[]): number[] {
  const valid = scores.filter((s): s is number => typeof s === "number" && Number.isFinite(s) && s > 0);
  const max = Math.max(0, ...valid);
  if (valid.length === scores.length && max > 0) return scores.map((s) => round((s as number) / max));
  const n = scores.length;
  return scores.map((_, i) => round(1 - i / Math.max(n, 1)));
}

export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** CSL-JSON for the bibliography (citeproc) and for the writer's context; empty fields are left out. */
export function toCsl(
  work: Omit<FoundWork, "provider" | "relevance" | "citedByCount" | "openalexId" | "language" | "openAccessUrl">,
  key: string,
): CslItem {
  const item: CslItem = { id: key, type: work.type, title: work.title };
  if (work.authors.length)
    item.author = work.authors.map((a) => (a.given ? { family: a.family, given: a.given } : { family: a.family }));
  if (work.year !== null) item.issued = { "date-parts": [[work.year]] };
  if (work.containerTitle) item["container-title"] = work.containerTitle;
  if (work.volume) item.volume = work.volume;
  if (work.issue) item.issue = work.issue;
  if (work.page) item.page = work.page;
  if (work.publisher) item.publisher = work.publisher;
  if (work.doi) item.DOI = work.doi;
  if (work.url) item.URL = work.url;
  if (work.abstract) item.abstract = work.abstract;
  return item;
}

export type SearchOptions = {
  limit: number;
  signal?: AbortSignal;
  /** ISO 639-1 code; only providers that can filter by language (OpenAlex) use it. */
  language?: string | null;
};

export interface ScholarlyClient {
  readonly provider: ProviderName;
  /** Whether `language` changes the answer (so the same text with and without it are two different queries). */
  readonly filtersByLanguage: boolean;
  search(query: string, options: SearchOptions): Promise<FoundWork[]>;
  /** The work a DOI names, or null when the provider does not know it (only providers that look DOIs up). */
  lookupDoi?(doi: string, options: { signal?: AbortSignal }): Promise<FoundWork | null>;
}

export function clampLimit(limit: number, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(Number.isFinite(limit) ? limit : 10)));
}
