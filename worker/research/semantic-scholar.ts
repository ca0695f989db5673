// Semantic Scholar paper search: GET /graph/v1/paper/search?query=…&limit=…&fields=…
// (https://api.semanticscholar.org/api-docs/graph). An API key goes in `x-api-key`; without one the shared pool is
// small and answers 429 often, which the retries and the breaker absorb. It gives no relevance score: we use the rank.
import { type ClientOptions, endpoint, getJson } from "./http";
import {
  type Author,
  clampLimit,
  cleanString,
  type FoundWork,
  httpUrl,
  normaliseDoi,
  normaliseScores,
  plausibleYear,
  type ScholarlyClient,
  splitName,
} from "./work";

export const SEMANTIC_SCHOLAR_URL = "https://api.semanticscholar.org";

// `journal` and `publicationTypes` are documented fields too; they give volume, pages and a better CSL type.
export const SEMANTIC_SCHOLAR_FIELDS =
  "title,year,authors,externalIds,abstract,citationCount,venue,url,publicationVenue,journal,publicationTypes,openAccessPdf";

const CSL_TYPES: Record<string, string> = {
  JournalArticle: "article-journal",
  Review: "article-journal",
  Conference: "paper-conference",
  Book: "book",
  BookSection: "chapter",
  Dataset: "dataset",
};

function cslType(paper: any): string {
  const types: unknown[] = Array.isArray(paper.publicationTypes) ? paper.publicationTypes : [];
  for (const t of types) if (typeof t === "string" && CSL_TYPES[t]) return CSL_TYPES[t];
  return paper.journal?.name ? "article-journal" : "article";
}

export function parseSemanticScholarPapers(body: unknown): FoundWork[] {
  const data = (body as { data?: unknown })?.data;
  // A search without hits answers `{ total: 0, offset: 0 }` with no `data` at all.
  if (data === undefined && typeof (body as { total?: unknown })?.total === "number") return [];
  if (!Array.isArray(data)) throw new SyntaxError("Semantic Scholar answer without data");
  const kept = data.filter((p: any) => p && cleanString(p.title));
  const relevance = normaliseScores(kept.map(() => null));
  return kept.map((p: any, i): FoundWork => {
    const journal = p.journal ?? {};
    return {
      provider: "semantic-scholar",
      title: cleanString(p.title)!,
      year: plausibleYear(p.year),
      doi: normaliseDoi(p.externalIds?.DOI),
      openalexId: null,
      url: cleanString(p.url),
      authors: Array.isArray(p.authors)
        ? p.authors
            .map((a: any) => cleanString(a?.name))
            .filter((n: string | null): n is string => n !== null)
            .map((n: string): Author => splitName(n))
        : [],
      containerTitle: cleanString(journal.name) ?? cleanString(p.publicationVenue?.name) ?? cleanString(p.venue),
      volume: cleanString(journal.volume),
      issue: null,
      page: cleanString(journal.pages)?.replace(/\s+/g, "") ?? null,
      publisher: null,
      type: cslType(p),
      abstract: cleanString(p.abstract),
      citedByCount: typeof p.citationCount === "number" ? p.citationCount : null,
      // Semantic Scholar has no language field.
      language: null,
      openAccessUrl: httpUrl(p.openAccessPdf?.url),
      relevance: relevance[i],
    };
  });
}

export function createSemanticScholarClient(options: ClientOptions = {}): ScholarlyClient {
  const base = options.baseUrl ?? SEMANTIC_SCHOLAR_URL;
  return {
    provider: "semantic-scholar",
    filtersByLanguage: false,
    async search(query, { limit, signal }) {
      const url = endpoint(base, "/graph/v1/paper/search", {
        query,
        limit: clampLimit(limit, 100),
        fields: SEMANTIC_SCHOLAR_FIELDS,
      });
      const headers = options.apiKey ? { "x-api-key": options.apiKey } : undefined;
      return getJson("semantic-scholar", url, parseSemanticScholarPapers, { ...options, headers, signal });
    },
  };
}
