// Merge the answers of every provider and query into one ranked list of sources with citation keys.
import { asciiLetters, normaliseTitle } from "./text";
import { type Author, type CslItem, type FoundWork, type ProviderName, round, toCsl } from "./work";

/** One work after merging: what every provider said about it, the richest of each field kept. */
export type MergedWork = Omit<FoundWork, "provider"> & { providers: ProviderName[] };
export type RankedSource = MergedWork & { key: string; score: number; csl: CslItem };

/**
 * Which provider's bibliographic fields win when two disagree: Crossref holds what publishers deposited, OpenAlex
 * mostly derives from it, Semantic Scholar is the sparsest.
 */
const PRIORITY: ProviderName[] = ["crossref", "openalex", "semantic-scholar"];
const GENERIC_TYPES = new Set(["article", "document"]);
/** Titles this short ("Editorial", "Book review") are not trusted to identify a work without a DOI. */
const MIN_TITLE_WORDS_FOR_MATCH = 3;

export function titleKey(title: string, year: number | null): string | null {
  const normalised = normaliseTitle(title);
  if (normalised.split(" ").length < MIN_TITLE_WORDS_FOR_MATCH) return null;
  return `${normalised}|${year ?? ""}`;
}

/**
 * Groups the same work found several times: by DOI; else (when either side has no DOI) by normalised title + year.
 * Two records with different DOIs are different works even with the same title (a preprint and its article).
 * The result does not depend on the order of `works`.
 */
export function mergeWorks(works: FoundWork[]): MergedWork[] {
  const sorted = [...works].sort(
    (a, b) =>
      PRIORITY.indexOf(a.provider) - PRIORITY.indexOf(b.provider) ||
      b.relevance - a.relevance ||
      compareText(a.title, b.title),
  );
  const groups: FoundWork[][] = [];
  const byDoi = new Map<string, number>();
  const byTitle = new Map<string, number[]>();

  // DOIs first, so a DOI-less record joins the DOI group whatever order the records came in.
  const withDoi = sorted.filter((w) => w.doi);
  const withoutDoi = sorted.filter((w) => !w.doi);
  for (const work of withDoi) {
    let group = byDoi.get(work.doi!);
    if (group === undefined) {
      group = groups.push([]) - 1;
      byDoi.set(work.doi!, group);
      const key = titleKey(work.title, work.year);
      if (key) byTitle.set(key, [...(byTitle.get(key) ?? []), group]);
    }
    groups[group].push(work);
  }
  for (const work of withoutDoi) {
    const key = titleKey(work.title, work.year);
    const candidates = key ? (byTitle.get(key) ?? []) : [];
    let group = candidates[0];
    if (group === undefined) {
      group = groups.push([]) - 1;
      if (key) byTitle.set(key, [group]);
    }
    groups[group].push(work);
  }
  return groups.map(combine);
}

function combine(records: FoundWork[]): MergedWork {
  const ordered = [...records].sort((a, b) => PRIORITY.indexOf(a.provider) - PRIORITY.indexOf(b.provider));
  const pick = <K extends keyof FoundWork>(field: K): FoundWork[K] | null => {
    for (const r of ordered) if (r[field] !== null && r[field] !== "") return r[field];
    return null;
  };
  const providers = [...new Set(ordered.map((r) => r.provider))];
  const abstracts = ordered.map((r) => r.abstract).filter((a): a is string => Boolean(a));
  const counts = ordered.map((r) => r.citedByCount).filter((c): c is number => c !== null);
  return {
    providers,
    title: ordered[0].title,
    year: pick("year"),
    doi: pick("doi"),
    openalexId: pick("openalexId"),
    url: pick("url"),
    authors: richestAuthors(ordered),
    containerTitle: pick("containerTitle"),
    volume: pick("volume"),
    issue: pick("issue"),
    page: pick("page"),
    publisher: pick("publisher"),
    type: ordered.find((r) => !GENERIC_TYPES.has(r.type))?.type ?? ordered[0].type,
    abstract: abstracts.reduce<string | null>((best, a) => (best === null || a.length > best.length ? a : best), null),
    citedByCount: counts.length ? Math.max(...counts) : null,
    language: pick("language"),
    openAccessUrl: pick("openAccessUrl"),
    // Found by several providers is a sign of relevance too.
    relevance: round(Math.min(1, Math.max(...ordered.map((r) => r.relevance)) + 0.1 * (providers.length - 1))),
  };
}

/** The longest author list; on a tie the higher-priority provider's (Crossref splits given/family itself). */
function richestAuthors(ordered: FoundWork[]): Author[] {
  let best: Author[] = [];
  for (const r of ordered) if (r.authors.length > best.length) best = r.authors;
  return best;
}

export type RankOptions = { now?: Date };

/**
 * The ranking score, 0..1:
 *   0.55 × relevance (the provider's score, normalised; +0.1 per extra provider that found it)
 * + 0.25 × citations (log10(1 + cited by) / 4, capped at 1: 9 999 citations or more score 1)
 * + 0.15 × recency (1 for the last 5 years, then falling linearly to 0 at 30 years old; 0 when the year is unknown)
 * + 0.05 when it has an abstract (the writer and the section assignment can use it).
 */
export function scoreWork(
  work: Pick<MergedWork, "relevance" | "citedByCount" | "year" | "abstract">,
  now = new Date(),
): number {
  const citations = Math.min(1, Math.log10(1 + Math.max(0, work.citedByCount ?? 0)) / 4);
  const age = work.year === null ? null : now.getUTCFullYear() - work.year;
  const recency = age === null ? 0 : age <= 5 ? 1 : Math.max(0, 1 - (age - 5) / 25);
  return round(0.55 * work.relevance + 0.25 * citations + 0.15 * recency + (work.abstract ? 0.05 : 0));
}

/** Best first; ties broken by newer year, then title, then DOI, so the order never depends on arrival order. */
export function rankWorks(works: MergedWork[], options: RankOptions = {}): (MergedWork & { score: number })[] {
  const now = options.now ?? new Date();
  return works
    .map((w) => ({ ...w, score: scoreWork(w, now) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        (b.year ?? 0) - (a.year ?? 0) ||
        compareText(normaliseTitle(a.title), normaliseTitle(b.title)) ||
        compareText(a.doi ?? "", b.doi ?? ""),
    );
}

/**
 * Citation keys in list order: first author's family name in ASCII letters + year ("smith2021"; "anon" without an
 * author, "nd" without a year), then "smith2021a", "smith2021b"… on collisions. Letters and digits only, so
 * `[@smith2021a]` always parses. Keys in `taken` (already stored for the document) are never reused.
 */
export function assignKeys<T extends { authors: Author[]; year: number | null }>(
  works: T[],
  taken: Iterable<string> = [],
): string[] {
  const used = new Set(taken);
  return works.map((work) => {
    const base = `${asciiLetters(work.authors[0]?.family ?? "").slice(0, 24) || "anon"}${work.year ?? "nd"}`;
    let key = base;
    for (let n = 0; used.has(key); n++) key = base + suffix(n);
    used.add(key);
    return key;
  });
}

/** 0 → "a", 25 → "z", 26 → "aa"… */
function suffix(n: number): string {
  let out = "";
  for (let i = n; i >= 0; i = Math.floor(i / 26) - 1) out = String.fromCharCode(97 + (i % 26)) + out;
  return out;
}

/** Share of the kept sources reserved for works in a non-English order's language, when the search found them. */
export const NATIVE_SHARE = 0.3;
/** A work in the order's language takes a reserved place only if its index ranked it at least this well (0..1). */
export const NATIVE_MIN_RELEVANCE = 0.25;

/**
 * The best `max` works; for a non-English order at least NATIVE_SHARE of them in its language where such relevant works
 * were found: the best of those below the cut replace the lowest-ranked works in another language. English orders are
 * ranked as before.
 */
export function keepWithNativeShare<T extends Pick<MergedWork, "language" | "relevance">>(
  ranked: T[],
  max: number,
  language?: string,
): T[] {
  const kept = ranked.slice(0, max);
  const code = language?.slice(0, 2).toLowerCase();
  if (!code || code === "en") return kept;
  const native = (w: T) => w.language === code;
  let missing = Math.ceil(max * NATIVE_SHARE) - kept.filter(native).length;
  for (const candidate of ranked.slice(max)) {
    if (missing <= 0) break;
    if (!native(candidate) || candidate.relevance < NATIVE_MIN_RELEVANCE) continue;
    const out = kept.findLastIndex((w) => !native(w));
    if (out === -1) break;
    kept.splice(out, 1);
    kept.push(candidate);
    missing--;
  }
  // Still in rank order: a reserved place does not lift a work above better-ranked ones.
  return kept.sort((a, b) => ranked.indexOf(a) - ranked.indexOf(b));
}

/** Merge, rank, keep the best `maxSources` (a share in the order's `language`), give each its key and CSL-JSON. */
export function mergeAndRank(
  works: FoundWork[],
  options: RankOptions & { maxSources?: number; takenKeys?: Iterable<string>; language?: string } = {},
): RankedSource[] {
  const ranked = keepWithNativeShare(rankWorks(mergeWorks(works), options), options.maxSources ?? 30, options.language);
  const keys = assignKeys(ranked, options.takenKeys);
  return ranked.map((work, i) => ({ ...work, key: keys[i], csl: toCsl(work, keys[i]) }));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
