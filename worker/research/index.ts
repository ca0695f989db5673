// Research for document.plan: search the configured scholarly providers with queries built from the topic and the
// outline, merge and rank what they find, and store it as `sources` rows (CSL-JSON with abstracts). With no
// provider configured or reachable the list is empty and the document says it has no references: nothing is invented.
import type { DbOrTrx } from "../../app/utils/db.server";
import type { Env } from "../../app/utils/env.server";
import { logger } from "../../app/utils/logger.server";
import { createCrossrefClient } from "./crossref";
import { BreakerOpenError, type ClientOptions, type HttpOptions, ResearchHttpError } from "./http";
import { mergeAndRank, type RankedSource } from "./merge";
import { createOpenAlexClient } from "./openalex";
import { createSemanticScholarClient } from "./semantic-scholar";
import { contentWords } from "./text";
import { type FoundWork, PROVIDERS, type ProviderName, type ScholarlyClient } from "./work";
import { isFramingSection } from "./assign";

export { assignSourcesToSections, type SectionPlan } from "./assign";
export {
  assignKeys,
  mergeAndRank,
  mergeWorks,
  rankWorks,
  scoreWork,
  type MergedWork,
  type RankedSource,
} from "./merge";
export { toCsl, type CslItem, type FoundWork, type ProviderName, type ScholarlyClient } from "./work";
export { createCrossrefClient, createOpenAlexClient, createSemanticScholarClient };

export type ResearchInput = {
  topic: string;
  /** The order's language (ISO 639-1). */
  language: string;
  headings: string[];
  /** English words to add to the English query (e.g. the discipline as the customer typed it in English). */
  englishKeywords?: string[];
  /** The topic put into English by the writer (english-query.ts); null or absent: none, the topic as typed is used. */
  englishTopic?: string | null;
};

export type ResearchConfig = {
  providers: ProviderName[];
  urls?: Partial<Record<ProviderName, string>>;
  mailto?: string;
  semanticScholarKey?: string;
  openAlexKey?: string;
  /** Results asked of each provider per query (default 10). */
  perQuery?: number;
  /** Sources kept after merging (default 30). */
  maxSources?: number;
  /** Headings searched on their own, besides the topic (default 3). */
  maxHeadingQueries?: number;
  /** Keys already stored for the document, never handed out again. */
  takenKeys?: Iterable<string>;
  db?: DbOrTrx;
  signal?: AbortSignal;
  now?: () => Date;
} & Pick<HttpOptions, "retryDelaysMs" | "timeoutMs" | "maxRetryAfterMs" | "sleep" | "fetch">;

export type ResearchQuery = {
  text: string;
  /** A language filter for providers that have one (OpenAlex); null = any language. */
  language: string | null;
  purpose: "topic" | "topic-en" | "heading";
};

export type ResearchResult = {
  sources: RankedSource[];
  /** Providers that answered at least one query. */
  reachable: ProviderName[];
  failed: { provider: ProviderName; error: string }[];
  queries: ResearchQuery[];
};

const MAX_QUERY_WORDS = 10;

/**
 * The queries, in order of importance:
 * 1. the topic as typed, restricted to works in the order's language where the provider can filter (OpenAlex);
 * 2. for a non-English order, the English query, with no language filter, which opens it to the international (mostly
 *    English) literature: `englishTopic` (the writer's translation) when there is one; else (the offline writer) the
 *    topic as typed (technical terms and names are often shared across languages) plus `englishKeywords`;
 * 3. up to `maxHeadingQueries` outline headings that are not framing ones (introduction, conclusion), each with the
 *    topic's content words added so it stays on the document's subject.
 */
export function buildQueries(input: ResearchInput, maxHeadingQueries = 3): ResearchQuery[] {
  const topic = input.topic.replace(/\s+/g, " ").trim();
  const language = input.language.slice(0, 2).toLowerCase();
  const queries: ResearchQuery[] = [];
  if (!topic) return queries;
  const english = language === "en";
  queries.push({ text: topic, language: english ? null : language, purpose: "topic" });
  if (!english) {
    const extra = (input.englishKeywords ?? []).map((k) => k.trim()).filter(Boolean);
    const translated = input.englishTopic?.replace(/\s+/g, " ").trim();
    queries.push({ text: translated || [topic, ...extra].join(" "), language: null, purpose: "topic-en" });
  }
  const topicWords = contentWords(topic);
  const seen = new Set<string>();
  for (const heading of input.headings) {
    if (queries.filter((q) => q.purpose === "heading").length >= maxHeadingQueries) break;
    if (isFramingSection(heading)) continue;
    const words = contentWords(heading.replace(/^\s*[\d.]+\s*/, ""));
    if (words.length === 0) continue;
    const lower = new Set(words.map((w) => w.toLowerCase()));
    const text = [...words, ...topicWords.filter((w) => !lower.has(w.toLowerCase()))]
      .slice(0, MAX_QUERY_WORDS)
      .join(" ");
    if (seen.has(text.toLowerCase())) continue;
    seen.add(text.toLowerCase());
    queries.push({ text, language: null, purpose: "heading" });
  }
  return queries;
}

export function createClient(provider: ProviderName, options: ClientOptions): ScholarlyClient {
  switch (provider) {
    case "openalex":
      return createOpenAlexClient(options);
    case "crossref":
      return createCrossrefClient(options);
    case "semantic-scholar":
      return createSemanticScholarClient(options);
  }
}

/**
 * Searches every configured provider in parallel (each, once it has answered a query, with at most
 * `searchConcurrency` of its queries in flight, to stay within its limits) and returns the merged, ranked sources with their keys. A provider that fails a query (after its retries) or whose
 * breaker is open is not asked again in this run; when none answers, `sources` is empty and `failed` says why.
 *
 * `headings` may still be coming (the outline being written): the topic queries go out at once, the heading queries
 * when the headings are there, so a real order's slowest provider is searched while the LLM plans.
 */
export async function findSources(
  input: Omit<ResearchInput, "headings" | "englishTopic"> & {
    headings: string[] | Promise<string[]>;
    englishTopic?: string | null | Promise<string | null>;
  },
  config: ResearchConfig,
): Promise<ResearchResult> {
  const maxHeadingQueries = config.maxHeadingQueries ?? 3;
  const plain = { ...input, englishTopic: null, headings: [] };
  const topicQueries = buildQueries(plain, maxHeadingQueries).filter((q) => q.purpose === "topic");
  // The English query waits for its translation (asked while the outline is written); a failed one is no translation.
  const englishQueries = Promise.resolve(input.englishTopic)
    .catch(() => null)
    .then((englishTopic) => buildQueries({ ...plain, englishTopic }).filter((q) => q.purpose === "topic-en"));
  const headingQueries = Promise.resolve(input.headings).then((headings) =>
    buildQueries({ ...input, englishTopic: null, headings }, maxHeadingQueries).filter((q) => q.purpose === "heading"),
  );
  headingQueries.catch(() => {}); // awaited below only when needed: a failed outline is not an unhandled rejection
  const providers = [...new Set(config.providers)].filter((p) => PROVIDERS.includes(p));
  const failed: ResearchResult["failed"] = [];
  const reachable: ProviderName[] = [];
  if (providers.length === 0 || topicQueries.length === 0) {
    return {
      sources: [],
      reachable,
      failed,
      queries: topicQueries.length ? [...topicQueries, ...(await englishQueries), ...(await headingQueries)] : [],
    };
  }

  async function* queriesInOrder(): AsyncGenerator<ResearchQuery> {
    yield* topicQueries;
    yield* await englishQueries;
    yield* await headingQueries;
  }

  const found = await Promise.all(
    providers.map(async (provider) => {
      const client = createClient(provider, {
        baseUrl: config.urls?.[provider],
        mailto: config.mailto,
        apiKey:
          provider === "semantic-scholar"
            ? config.semanticScholarKey
            : provider === "openalex"
              ? config.openAlexKey
              : undefined,
        db: config.db,
        retryDelaysMs: config.retryDelaysMs,
        timeoutMs: config.timeoutMs,
        maxRetryAfterMs: config.maxRetryAfterMs,
        sleep: config.sleep,
        fetch: config.fetch,
        now: config.now,
      });
      // Queries start in order of importance; each one's works are kept in that order, whenever it answers.
      const results: FoundWork[][] = [];
      const asked = new Set<string>();
      // One query at a time until the provider has answered one; then up to its limit. A failed query ends the
      // provider's part (its queries still in flight are called off), as it did when they went one by one.
      const limit = searchConcurrency(provider, config);
      let answered = false;
      const inFlight = new Set<Promise<void>>();
      const callOff = new AbortController();
      const signal = config.signal ? AbortSignal.any([config.signal, callOff.signal]) : callOff.signal;
      let stop = false;
      let aborted: unknown = null;
      for await (const query of queriesInOrder()) {
        while (inFlight.size >= (answered ? limit : 1) && !stop) await Promise.race(inFlight);
        if (stop) break;
        const language = client.filtersByLanguage ? query.language : null;
        const id = `${query.text.toLowerCase()}|${language ?? ""}`;
        if (asked.has(id)) continue; // e.g. the "English" query is the topic again and this provider has no language filter
        asked.add(id);
        const slot = results.push([]) - 1;
        const asking = client.search(query.text, { limit: config.perQuery ?? 10, language, signal }).then(
          (works) => {
            results[slot] = works;
            answered = true;
            if (!reachable.includes(provider)) reachable.push(provider);
          },
          (error) => {
            if (stop) return; // a query in flight when another failed: that failure is the one reported
            stop = true;
            callOff.abort();
            if (config.signal?.aborted) {
              aborted = error;
              return;
            }
            const reason =
              error instanceof ResearchHttpError || error instanceof BreakerOpenError ? error.reason : errorText(error);
            failed.push({ provider, error: reason });
            logger.warn(
              { provider, query: query.purpose, reason },
              "source provider skipped for the rest of this research",
            );
          },
        );
        inFlight.add(asking);
        void asking.then(() => inFlight.delete(asking));
      }
      await Promise.all(inFlight);
      if (aborted) throw aborted;
      return results.flat();
    }),
  );

  const queries = [...topicQueries, ...(await englishQueries), ...(await headingQueries)];
  const sources = mergeAndRank(found.flat(), {
    maxSources: config.maxSources ?? 30,
    language: input.language,
    takenKeys: config.takenKeys,
    now: config.now?.(),
  });
  reachable.sort((a, b) => providers.indexOf(a) - providers.indexOf(b));
  failed.sort((a, b) => providers.indexOf(a.provider) - providers.indexOf(b.provider));
  return { sources, reachable, failed, queries };
}

/**
 * How many of its queries a provider is asked at once: OpenAlex allows 10 requests a second; Crossref takes a few
 * concurrent requests from its polite pool (a mailto given) and one from its public pool; Semantic Scholar's keys are
 * for one request a second, and its keyless pool is shared by everyone.
 */
export function searchConcurrency(provider: ProviderName, config: Pick<ResearchConfig, "mailto">): number {
  switch (provider) {
    case "openalex":
      return 3;
    case "crossref":
      return config.mailto ? 3 : 1;
    case "semantic-scholar":
      return 1;
  }
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/** The research configuration from the validated environment (RESEARCH_PROVIDERS, *_URL, keys, RESEARCH_MAILTO). */
export function researchConfigFromEnv(
  env: Pick<
    Env,
    | "RESEARCH_PROVIDERS"
    | "OPENALEX_URL"
    | "CROSSREF_URL"
    | "SEMANTIC_SCHOLAR_URL"
    | "SEMANTIC_SCHOLAR_API_KEY"
    | "RESEARCH_MAILTO"
  >,
): ResearchConfig {
  return {
    providers: env.RESEARCH_PROVIDERS.split(",")
      .map((p) => p.trim())
      .filter((p): p is ProviderName => (PROVIDERS as readonly string[]).includes(p)),
    urls: { openalex: env.OPENALEX_URL, crossref: env.CROSSREF_URL, "semantic-scholar": env.SEMANTIC_SCHOLAR_URL },
    mailto: env.RESEARCH_MAILTO,
    semanticScholarKey: env.SEMANTIC_SCHOLAR_API_KEY,
  };
}

/**
 * Stores the sources of a document; a second delivery of the plan job inserts nothing (unique document_id + key).
 * `relevance` holds the ranking score, the one number later stages order sources by. Returns the rows inserted.
 */
export async function storeSources(db: DbOrTrx, documentId: string, sources: RankedSource[]): Promise<number> {
  if (sources.length === 0) return 0;
  const inserted = await db
    .insertInto("sources")
    .values(
      sources.map((s) => ({
        document_id: documentId,
        key: s.key,
        doi: s.doi,
        openalex_id: s.openalexId,
        title: s.title,
        year: s.year,
        csl: JSON.stringify(s.csl),
        abstract: s.abstract,
        cited_by_count: s.citedByCount,
        relevance: s.score,
        language: s.language,
        open_access_url: s.openAccessUrl,
      })),
    )
    .onConflict((oc) => oc.columns(["document_id", "key"]).doNothing())
    .returning("id")
    .execute();
  return inserted.length;
}

const NO_SOURCES_NOTICE: Record<string, string> = {
  en: "No scholarly sources could be retrieved for this document, so it contains no references. Any claims should be checked against the literature before use.",
  it: "Non è stato possibile reperire fonti accademiche per questo documento, che quindi non contiene riferimenti bibliografici. Le affermazioni vanno verificate sulla letteratura prima dell'uso.",
  es: "No se pudieron obtener fuentes académicas para este documento, por lo que no contiene referencias. Conviene contrastar sus afirmaciones con la bibliografía antes de usarlo.",
  fr: "Aucune source scientifique n'a pu être récupérée pour ce document : il ne contient donc aucune référence. Ses affirmations doivent être vérifiées dans la littérature avant usage.",
  de: "Für dieses Dokument konnten keine wissenschaftlichen Quellen abgerufen werden; es enthält daher keine Literaturangaben. Aussagen sollten vor der Verwendung anhand der Literatur geprüft werden.",
  pl: "Nie udało się pobrać źródeł naukowych dla tego dokumentu, dlatego nie zawiera on bibliografii. Przed użyciem należy zweryfikować jego twierdzenia w literaturze.",
  ru: "Для этого документа не удалось получить научные источники, поэтому он не содержит списка литературы. Перед использованием утверждения следует проверить по литературе.",
  uk: "Для цього документа не вдалося отримати наукові джерела, тому він не містить списку літератури. Перед використанням твердження слід перевірити за літературою.",
};

/** What the document says in place of a bibliography when research found nothing (never an invented reference). */
export function noSourcesNotice(language: string): string {
  return NO_SOURCES_NOTICE[language.slice(0, 2).toLowerCase()] ?? NO_SOURCES_NOTICE.en;
}
