// Crossref works query: GET /works?query=…&rows=…&mailto=… (https://api.crossref.org/swagger-ui/index.html).
// Metadata deposited by publishers, so its bibliographic fields (volume, issue, pages, type) are the most reliable;
// abstracts, when present, are JATS XML.
import { type ClientOptions, doiPath, endpoint, getJson } from "./http";
import { stripMarkup } from "./text";
import {
  type Author,
  clampLimit,
  cleanString,
  type FoundWork,
  languageCode,
  normaliseDoi,
  normaliseScores,
  plausibleYear,
  type ScholarlyClient,
  UNCITABLE_TYPES,
} from "./work";

export const CROSSREF_URL = "https://api.crossref.org";

// Only the fields we read: Crossref asks clients to keep answers small (`language` counts a work in the order's
// language, decision 049).
const SELECT =
  "DOI,title,author,issued,published-print,published-online,container-title,volume,issue,page,publisher,type,is-referenced-by-count,score,abstract,URL,language";

const CSL_TYPES: Record<string, string> = {
  "journal-article": "article-journal",
  "book-chapter": "chapter",
  "book-section": "chapter",
  "book-part": "chapter",
  "reference-entry": "entry",
  book: "book",
  monograph: "book",
  "edited-book": "book",
  "reference-book": "book",
  "book-track": "book",
  "proceedings-article": "paper-conference",
  dissertation: "thesis",
  report: "report",
  "report-component": "report",
  "posted-content": "article",
  dataset: "dataset",
  standard: "standard",
};

/** A Crossref work type (also OpenAlex's `type_crossref`) as a CSL type; unknown ones become the generic "article". */
export function cslTypeFromCrossref(type: unknown): string {
  return (typeof type === "string" && CSL_TYPES[type]) || "article";
}

/** JATS abstract → plain text: tags gone, a leading "Abstract" heading dropped. */
export function stripJats(xml: unknown): string | null {
  if (typeof xml !== "string") return null;
  const withoutHeading = xml.replace(/^\s*<jats:title[^>]*>[\s\S]*?<\/jats:title>/i, "");
  const text = stripMarkup(withoutHeading).replace(/^abstract[:.]?\s+/i, "");
  return text || null;
}

export function parseCrossrefWorks(body: unknown): FoundWork[] {
  const items = (body as { message?: { items?: unknown } })?.message?.items;
  if (!Array.isArray(items)) throw new SyntaxError("Crossref answer without message.items");
  const kept = items.filter((item: any) => item && !UNCITABLE_TYPES.has(item.type) && cleanString(first(item.title)));
  const relevance = normaliseScores(kept.map((item: any) => (typeof item.score === "number" ? item.score : null)));
  return kept.map((item: any, i): FoundWork => ({
    provider: "crossref",
    title: cleanString(first(item.title))!,
    year: yearOf(item),
    doi: normaliseDoi(item.DOI),
    openalexId: null,
    url: cleanString(item.URL),
    authors: Array.isArray(item.author)
      ? item.author.map(authorOf).filter((a: Author | null): a is Author => a !== null)
      : [],
    containerTitle: cleanString(first(item["container-title"])),
    volume: cleanString(item.volume),
    issue: cleanString(item.issue),
    page: cleanString(item.page),
    publisher: cleanString(item.publisher),
    type: cslTypeFromCrossref(item.type),
    abstract: stripJats(item.abstract),
    citedByCount: typeof item["is-referenced-by-count"] === "number" ? item["is-referenced-by-count"] : null,
    language: languageCode(item.language),
    openAccessUrl: null,
    relevance: relevance[i],
  }));
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function yearOf(item: any): number | null {
  for (const field of ["issued", "published-print", "published-online"]) {
    const year = plausibleYear(item?.[field]?.["date-parts"]?.[0]?.[0]);
    if (year !== null) return year;
  }
  return null;
}

function authorOf(author: any): Author | null {
  const family = cleanString(author?.family);
  if (family) return { family, given: cleanString(author?.given) ?? "" };
  const name = cleanString(author?.name); // organisations ("WHO Working Group") come as `name`
  return name ? { family: name, given: "" } : null;
}

export function createCrossrefClient(options: ClientOptions = {}): ScholarlyClient {
  const base = options.baseUrl ?? CROSSREF_URL;
  return {
    provider: "crossref",
    filtersByLanguage: false,
    async search(query, { limit, signal }) {
      const url = endpoint(base, "/works", {
        query,
        rows: clampLimit(limit, 100),
        select: SELECT,
        mailto: options.mailto,
      });
      return getJson("crossref", url, parseCrossrefWorks, { ...options, signal });
    },
    // GET /works/10.x/y: { message: work }, the same record a search lists.
    async lookupDoi(doi, { signal }) {
      const url = endpoint(base, `/works/${doiPath(doi)}`, { mailto: options.mailto });
      const parse = (body: unknown) =>
        parseCrossrefWorks({ message: { items: [(body as { message?: unknown })?.message] } })[0] ?? null;
      return getJson("crossref", url, parse, { ...options, signal, onNotFound: () => null });
    },
  };
}
