// OpenAlex works search: GET /works?search=…&per-page=…&mailto=… (https://docs.openalex.org/api-entities/works).
// Abstracts come as an inverted index (word → positions) for legal reasons; we rebuild the text.
import { cslTypeFromCrossref } from "./crossref";
import { type ClientOptions, doiPath, endpoint, getJson } from "./http";
import {
  type Author,
  clampLimit,
  cleanString,
  type FoundWork,
  httpUrl,
  languageCode,
  normaliseDoi,
  normaliseScores,
  plausibleYear,
  type ScholarlyClient,
  splitName,
  UNCITABLE_TYPES,
} from "./work";

export const OPENALEX_URL = "https://api.openalex.org";

const CSL_TYPES: Record<string, string> = {
  article: "article-journal",
  review: "article-journal",
  letter: "article-journal",
  editorial: "article-journal",
  "book-chapter": "chapter",
  book: "book",
  dissertation: "thesis",
  report: "report",
  dataset: "dataset",
  preprint: "article",
  standard: "standard",
  "reference-entry": "entry",
};

/** `{ "Despite": [0], "growing": [1], … }` → "Despite growing …". */
export function rebuildAbstract(inverted: unknown): string | null {
  if (!inverted || typeof inverted !== "object") return null;
  const words: string[] = [];
  for (const [word, positions] of Object.entries(inverted as Record<string, unknown>)) {
    if (!Array.isArray(positions)) continue;
    for (const position of positions)
      if (Number.isInteger(position) && position >= 0 && position < 100_000) words[position] = word;
  }
  const text = cleanString(words.filter((w) => w !== undefined).join(" "));
  return text;
}

export function parseOpenAlexWorks(body: unknown): FoundWork[] {
  const results = (body as { results?: unknown })?.results;
  if (!Array.isArray(results)) throw new SyntaxError("OpenAlex answer without results");
  const kept = results.filter(
    (r: any) => r && !r.is_retracted && !UNCITABLE_TYPES.has(r.type) && cleanString(r.title ?? r.display_name),
  );
  const relevance = normaliseScores(
    kept.map((r: any) => (typeof r.relevance_score === "number" ? r.relevance_score : null)),
  );
  return kept.map((r: any, i): FoundWork => {
    const source = r.primary_location?.source;
    const biblio = r.biblio ?? {};
    const firstPage = cleanString(biblio.first_page);
    const lastPage = cleanString(biblio.last_page);
    return {
      provider: "openalex",
      title: cleanString(r.title ?? r.display_name)!,
      year: plausibleYear(r.publication_year),
      doi: normaliseDoi(r.doi),
      openalexId: typeof r.id === "string" ? (/W\d+$/.exec(r.id)?.[0] ?? null) : null,
      url: cleanString(r.primary_location?.landing_page_url),
      authors: Array.isArray(r.authorships)
        ? r.authorships.map(authorOf).filter((a: Author | null): a is Author => a !== null)
        : [],
      containerTitle: cleanString(source?.display_name),
      volume: cleanString(biblio.volume),
      issue: cleanString(biblio.issue),
      page: firstPage && lastPage && lastPage !== firstPage ? `${firstPage}-${lastPage}` : firstPage,
      publisher: cleanString(source?.host_organization_name),
      // `type_crossref` is finer (proceedings-article, monograph…) when OpenAlex has it.
      type: r.type_crossref ? cslTypeFromCrossref(r.type_crossref) : (CSL_TYPES[r.type] ?? "article"),
      abstract: rebuildAbstract(r.abstract_inverted_index),
      citedByCount: typeof r.cited_by_count === "number" ? r.cited_by_count : null,
      language: languageCode(r.language),
      openAccessUrl: openAccessPdf(r),
      relevance: relevance[i],
    };
  });
}

/** The PDF of the best open-access copy; the primary location's when that one is open. Landing pages are not PDFs. */
function openAccessPdf(r: any): string | null {
  return (
    httpUrl(r.best_oa_location?.pdf_url) ?? (r.primary_location?.is_oa ? httpUrl(r.primary_location?.pdf_url) : null)
  );
}

function authorOf(authorship: any): Author | null {
  const name = cleanString(authorship?.author?.display_name ?? authorship?.raw_author_name);
  return name ? splitName(name) : null;
}

export function createOpenAlexClient(options: ClientOptions = {}): ScholarlyClient {
  const base = options.baseUrl ?? OPENALEX_URL;
  return {
    provider: "openalex",
    filtersByLanguage: true,
    async search(query, { limit, signal, language }) {
      const url = endpoint(base, "/works", {
        search: query,
        "per-page": clampLimit(limit, 100),
        filter: language ? `language:${language.slice(0, 2).toLowerCase()}` : undefined,
        mailto: options.mailto,
        api_key: options.apiKey,
      });
      return getJson("openalex", url, parseOpenAlexWorks, { ...options, signal });
    },
    // GET /works/doi:10.x/y: one work, the same record a search lists.
    async lookupDoi(doi, { signal }) {
      const url = endpoint(base, `/works/doi:${doiPath(doi)}`, {
        mailto: options.mailto,
        api_key: options.apiKey,
      });
      const parse = (body: unknown) => parseOpenAlexWorks({ results: [body] })[0] ?? null;
      return getJson("openalex", url, parse, { ...options, signal, onNotFound: () => null });
    },
  };
}
