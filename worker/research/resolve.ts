// The customer's own references (uploaded in the order wizard) looked up in the scholarly indexes when the plan starts:
// by DOI where the entry has one, else by its title. What an index knows replaces the file's fields (the file fills
// what the index lacks); an entry no index knows is used as the customer gave it.
import type { SourceResolution } from "../../db/schema";
import { logger } from "../../app/utils/logger.server";
import { createClient, type ResearchConfig } from "./index";
import { assignKeys } from "./merge";
import { normaliseTitle } from "./text";
import { type Author, type CslItem, type FoundWork, type ProviderName, type ScholarlyClient, toCsl } from "./work";

/** A customer's entry as stored at upload (key `ownN`, the file's CSL-JSON). */
export type CustomerSourceRow = { id: string; key: string; doi: string | null; title: string; csl: unknown };

export type ResolvedCustomerSource = {
  id: string;
  key: string;
  doi: string | null;
  openalexId: string | null;
  title: string;
  year: number | null;
  abstract: string | null;
  citedByCount: number | null;
  language: string | null;
  openAccessUrl: string | null;
  csl: CslItem;
  resolution: Exclude<SourceResolution, "pending">;
};

/** The indexes that look works up, best for bibliographic data first. */
const LOOKUP_PROVIDERS: ProviderName[] = ["crossref", "openalex"];
/** Entries looked up at once (each is one to four requests). */
const LOOKUP_CONCURRENCY = 3;
/** Hits of a title search compared with the entry's title. */
const TITLE_HITS = 5;

/** An entry after its lookup, before it has its key. */
export type LookedUpSource = {
  row: CustomerSourceRow;
  work: Work;
  resolution: ResolvedCustomerSource["resolution"];
};

/**
 * Looks every entry up (DOI first, then title) in the configured indexes that look works up. Without one the entries
 * stay as given ("not-checked").
 */
export async function lookUpCustomerSources(
  rows: readonly CustomerSourceRow[],
  config: ResearchConfig | undefined,
): Promise<LookedUpSource[]> {
  const clients = LOOKUP_PROVIDERS.filter((p) => config?.providers.includes(p)).map((provider) =>
    createClient(provider, {
      baseUrl: config?.urls?.[provider],
      mailto: config?.mailto,
      apiKey: provider === "openalex" ? config?.openAlexKey : undefined,
      db: config?.db,
      retryDelaysMs: config?.retryDelaysMs,
      timeoutMs: config?.timeoutMs,
      maxRetryAfterMs: config?.maxRetryAfterMs,
      sleep: config?.sleep,
      fetch: config?.fetch,
      now: config?.now,
    }),
  );
  const looked: LookedUpSource[] = new Array(rows.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(LOOKUP_CONCURRENCY, rows.length) }, async () => {
      while (next < rows.length) {
        const i = next++;
        const row = rows[i]!;
        const { found, resolution } = await lookUp(row, clients, config?.signal);
        looked[i] = { row, work: merge(row, found), resolution };
      }
    }),
  );
  return looked;
}

/** Each entry named after its first author and year, as found sources are ("smith2021"), never a key in `takenKeys`. */
export function nameCustomerSources(
  looked: readonly LookedUpSource[],
  takenKeys: Iterable<string>,
): ResolvedCustomerSource[] {
  const keys = assignKeys(
    looked.map((l) => l.work),
    takenKeys,
  );
  return looked.map(({ row, work, resolution }, i) => {
    const given = (row.csl ?? {}) as Record<string, unknown>;
    return {
      id: row.id,
      key: keys[i]!,
      doi: work.doi,
      openalexId: work.openalexId,
      title: work.title,
      year: work.year,
      abstract: work.abstract,
      citedByCount: work.citedByCount,
      language: work.language,
      openAccessUrl: work.openAccessUrl,
      csl: { ...given, ...toCsl(work, keys[i]!) } as CslItem,
      resolution,
    };
  });
}

async function lookUp(
  row: CustomerSourceRow,
  clients: ScholarlyClient[],
  signal: AbortSignal | undefined,
): Promise<{ found: FoundWork | null; resolution: ResolvedCustomerSource["resolution"] }> {
  if (clients.length === 0) return { found: null, resolution: "not-checked" };
  let answered = false;
  for (const client of clients) {
    try {
      if (row.doi && client.lookupDoi) {
        const found = await client.lookupDoi(row.doi, { signal });
        answered = true;
        if (found) return { found, resolution: "found-by-doi" };
        continue;
      }
      const hits = await client.search(row.title, { limit: TITLE_HITS, language: null, signal });
      answered = true;
      const found = hits.find((hit) => sameTitle(hit.title, row.title));
      if (found) return { found, resolution: "found-by-title" };
    } catch (error) {
      if (signal?.aborted) throw error;
      logger.warn(
        { provider: client.provider, err: error instanceof Error ? error.message : String(error) },
        "a customer's reference could not be looked up here",
      );
    }
  }
  return { found: null, resolution: answered ? "not-found" : "not-checked" };
}

/** The same title, or the same main title when one of the two leaves out the subtitle ("Title: subtitle"). */
export function sameTitle(a: string, b: string): boolean {
  const x = normaliseTitle(a);
  const y = normaliseTitle(b);
  if (!x || !y) return false;
  if (x === y) return true;
  const main = (title: string) => normaliseTitle(title.split(/[:.?]\s/)[0] ?? title);
  return (!/:\s/.test(a) || !/:\s/.test(b)) && main(a) === main(b) && main(a).split(" ").length >= 3;
}

type Work = Omit<FoundWork, "provider" | "relevance">;

/** The index's record where there is one, the file's fields where it has none. */
function merge(row: CustomerSourceRow, found: FoundWork | null): Work {
  const given = fromCsl(row);
  if (!found) return given;
  const pick = <K extends keyof Work>(field: K): Work[K] => {
    const value = found[field];
    return value === null || (Array.isArray(value) && value.length === 0) ? given[field] : value;
  };
  return {
    title: found.title,
    year: pick("year"),
    doi: pick("doi"),
    openalexId: found.openalexId,
    url: pick("url"),
    authors: pick("authors"),
    containerTitle: pick("containerTitle"),
    volume: pick("volume"),
    issue: pick("issue"),
    page: pick("page"),
    publisher: pick("publisher"),
    type: found.type === "article" && given.type !== "article" ? given.type : found.type,
    abstract: pick("abstract"),
    citedByCount: found.citedByCount,
    language: found.language,
    openAccessUrl: found.openAccessUrl,
  };
}

function fromCsl(row: CustomerSourceRow): Work {
  const csl = (row.csl ?? {}) as Record<string, unknown>;
  const text = (field: string) => (typeof csl[field] === "string" && csl[field] ? (csl[field] as string) : null);
  const names = Array.isArray(csl.author) ? (csl.author as Record<string, unknown>[]) : [];
  const authors: Author[] = names.flatMap((name) => {
    const family = typeof name.family === "string" ? name.family : typeof name.literal === "string" ? name.literal : "";
    return family ? [{ family, given: typeof name.given === "string" ? name.given : "" }] : [];
  });
  const year = Number((csl.issued as { "date-parts"?: unknown[][] } | undefined)?.["date-parts"]?.[0]?.[0]);
  return {
    title: row.title,
    year: Number.isInteger(year) ? year : null,
    doi: row.doi,
    openalexId: null,
    url: text("URL"),
    authors,
    containerTitle: text("container-title"),
    volume: text("volume"),
    issue: text("issue"),
    page: text("page"),
    publisher: text("publisher"),
    type: text("type") ?? "article",
    abstract: text("abstract"),
    citedByCount: null,
    language: null,
    openAccessUrl: null,
  };
}
