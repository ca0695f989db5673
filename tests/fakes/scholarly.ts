// Local stand-ins for OpenAlex (/works, /works/doi:…), Crossref (/works, /works/{doi}) and Semantic Scholar (/graph/v1/paper/search), on one
// server under three prefixes, answering with the response shapes of their public documentation. Works are
// generated deterministically from the query's words, and each work is listed by exactly two of the three providers
// (with the DOI written differently, or missing, in one of them) so merging and de-duplication get exercised.
// Like tests/fakes/openai.ts it keeps every request, adds latency and injects faults (HTTP status with Retry-After,
// hanging requests, malformed bodies), per provider.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { answerFault, closeServer, numberArg, waitUnlessGone, type Fault } from "./openai";
import { answerOpenAccess, type OpenAccessKind, openAccessUrl } from "./open-access";

export type { Fault } from "./openai";
export type FakeProvider = "openalex" | "crossref" | "semantic-scholar";
export type FakeScholarlyRequest = {
  provider: FakeProvider;
  method: string;
  /** Path below the provider's base URL, e.g. "/works". */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
};

export type FakeScholarly = {
  /** Base URLs, to pass as the clients' `baseUrl` (or findSources' `urls`). */
  urls: Record<FakeProvider, string>;
  /** The variables that send TesiGo's research to this fake's three indexes (RESEARCH_PROVIDERS and their URLs). */
  env: Record<string, string>;
  requests: FakeScholarlyRequest[];
  /** Paths of the open-access PDFs asked for (/oa/<kind>/<id>.pdf), in order. */
  openAccessRequests: string[];
  /** Requests to one provider. */
  requestsTo(provider: FakeProvider): FakeScholarlyRequest[];
  /** The next `count` calls to `provider` answer with this fault. */
  failNext(provider: FakeProvider, fault: Fault, count?: number): void;
  /** Every call to `provider` fails this way until `failNext`/`recover` changes it. */
  failAlways(provider: FakeProvider, fault: Fault): void;
  /** From now on, calls to any provider without a queued fault take one from `draw` (undefined: answered normally). */
  failRandomly(draw: (() => Fault | undefined) | undefined): void;
  recover(provider?: FakeProvider): void;
  setLatency(ms: number): void;
  /** The most requests to `provider` this fake has had open at once since the last `resetPeaks`. */
  peakInFlight(provider: FakeProvider): number;
  resetPeaks(): void;
  close(): Promise<void>;
};

/** The work behind every provider's record; exported so tests can state what to expect. */
export type FakeWork = {
  index: number;
  doi: string;
  title: string;
  year: number;
  authors: { given: string; family: string }[];
  journal: string;
  publisher: string;
  volume: string;
  issue: string;
  firstPage: number;
  lastPage: number;
  citations: number;
  abstract: string;
  kind: "journal-article" | "book-chapter";
  /** Which providers list it: each work is in exactly two. */
  providers: FakeProvider[];
  /** ISO 639-1: the filter's language for a language-filtered query (its own works), else "en". */
  language: string;
  /** What its open-access PDF link serves (tests/fakes/open-access.ts); null: no link. */
  openAccess: OpenAccessKind | null;
};

const PREFIX: Record<FakeProvider, string> = {
  openalex: "/openalex",
  crossref: "/crossref",
  "semantic-scholar": "/s2",
};
const WORKS_PER_QUERY = 12;

const AUTHORS = [
  { given: "Luca", family: "Rossi" },
  { given: "María José", family: "García" },
  { given: "Jan", family: "van der Berg" },
  { given: "Anna", family: "Kowalska" },
  { given: "Sarah", family: "Smith" },
  { given: "Jürgen", family: "Müller" },
  { given: "Olena", family: "Ivanenko" },
  { given: "Chloé", family: "Dubois" },
  { given: "John", family: "Smith" },
  { given: "Giulia", family: "Bianchi" },
];
const JOURNALS: [string, string][] = [
  ["Journal of Applied Studies", "Elsevier BV"],
  ["Revista de Investigación Social", "Springer Science and Business Media LLC"],
  ["European Review of Policy", "Wiley"],
  ["Studi e Ricerche", "Franco Angeli"],
  ["International Journal of Comparative Research", "SAGE Publications"],
];
const TITLE_ENDINGS = [
  "a systematic review",
  "evidence from a panel study",
  "theory and practice",
  "a comparative analysis",
  "lessons from Europe",
  "a mixed-methods investigation",
  "trends and challenges",
  "a longitudinal perspective",
  "measurement and validation",
  "a critical appraisal",
  "new directions",
  "an empirical assessment",
];
const STOP = new Set(
  "the and for with from that this into of in on a an to by della delle degli dei del per con tra che una the los las des und der die das".split(
    " ",
  ),
);

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (const c of text) {
    h ^= c.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function queryWords(query: string): string[] {
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !STOP.has(w));
  return [...new Set(words)].slice(0, 6);
}

const cap = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * The work a DOI names in the fake indexes (a DOI lookup): the first work its suffix's words find, under that DOI. A DOI
 * with "unknown" in it names nothing (404).
 */
export function fakeWorkForDoi(doi: string): FakeWork | null {
  const suffix = doi.toLowerCase().split("/").slice(1).join(" ");
  if (suffix.includes("unknown")) return null;
  const [work] = fakeWorksFor(suffix.replace(/[^a-z0-9]+/g, " "));
  return work ? { ...work, doi: doi.toLowerCase() } : null;
}

/**
 * Which works have an open-access PDF, and what it serves: the first (OpenAlex and Semantic Scholar link it) and the
 * third (only Semantic Scholar lists it) are real PDFs; a query with the word "hostile" also finds the hostile ones.
 */
function openAccessOf(index: number, hostile: boolean): OpenAccessKind | null {
  if (index === 0 || index === 2) return "pages";
  if (!hostile) return null;
  // The private ones rank high, so a plan assigns them.
  const kinds: Partial<Record<number, OpenAccessKind>> = {
    1: "private",
    3: "redirect-private",
    4: "big",
    5: "html",
    6: "slow",
    7: "encrypted",
    8: "endless",
  };
  return kinds[index] ?? null;
}

/**
 * The works a query finds, the same for every provider. A query containing "nohits" finds nothing. With a `language`
 * other than English (OpenAlex's `language:xx` filter) it finds that language's own works, other than the unfiltered
 * query's.
 */
export function fakeWorksFor(query: string, language: string | null = null): FakeWork[] {
  const words = queryWords(query);
  if (words.length === 0 || words.includes("nohits")) return [];
  const native = language && language !== "en" ? language : null;
  const seed = native ? `${words.join(" ")}|${native}` : words.join(" ");
  return Array.from({ length: WORKS_PER_QUERY }, (_, i): FakeWork => {
    const h = hash(`${seed}#${i}`);
    const a = words[i % words.length];
    const b = words[(i + 1) % words.length];
    const [journal, publisher] = JOURNALS[h % JOURNALS.length];
    const authorCount = 1 + (h % 3);
    const firstPage = 1 + (h % 300);
    const providers: FakeProvider[] = (["openalex", "crossref", "semantic-scholar"] as const).filter(
      (_, p) => i % 3 !== (p + 2) % 3,
    );
    return {
      index: i,
      doi: `10.5555/tesigo.${h.toString(36)}`,
      title: `${cap(a)}${a === b ? "" : ` and ${b}`}: ${TITLE_ENDINGS[i % TITLE_ENDINGS.length]}`,
      year: 1996 + (h % 30),
      authors: Array.from({ length: authorCount }, (_, k) => AUTHORS[(h + k * 7) % AUTHORS.length]),
      journal,
      publisher,
      volume: String(1 + (h % 40)),
      issue: String(1 + (h % 4)),
      firstPage,
      lastPage: firstPage + 10 + (h % 20),
      citations: i === 0 ? 1500 + (h % 500) : (h >>> 8) % 400,
      abstract:
        `This study examines ${a} and ${b} in ${words.join(", ")}. ` +
        `Drawing on ${["survey data", "archival sources", "interviews", "a meta-analysis"][h % 4]}, it finds that ${b} shapes ${a} ` +
        `in ways earlier work on ${words[0]} overlooked.`,
      kind: i % 6 === 5 ? "book-chapter" : "journal-article",
      providers,
      language: native ?? "en",
      openAccess: openAccessOf(i, words.includes("hostile")),
    };
  });
}

function invertedIndex(text: string): Record<string, number[]> {
  const index: Record<string, number[]> = {};
  text.split(" ").forEach((word, position) => {
    (index[word] ??= []).push(position);
  });
  return index;
}

/** One work as OpenAlex lists it (in a search's results, or alone at /works/doi:…). */
function openAlexWork(w: FakeWork, rank: number, origin: string): Record<string, unknown> {
  const oa = w.openAccess
    ? {
        is_oa: true,
        landing_page_url: `https://doi.org/${w.doi}`,
        pdf_url: openAccessUrl(origin, w.openAccess, oaId(w)),
        source: null,
        version: "publishedVersion",
      }
    : null;
  return {
    id: `https://openalex.org/W${3000000000 + (hash(w.doi) % 999999999)}`,
    doi: `https://doi.org/${w.doi}`,
    title: w.title,
    display_name: w.title,
    relevance_score: Math.round((812.5 - rank * 57.25) * 100) / 100,
    publication_year: w.year,
    publication_date: `${w.year}-03-01`,
    language: w.language,
    open_access: { is_oa: Boolean(oa), oa_status: oa ? "gold" : "closed", oa_url: oa?.pdf_url ?? null },
    best_oa_location: oa,
    type: w.kind === "book-chapter" ? "book-chapter" : "article",
    type_crossref: w.kind,
    authorships: w.authors.map((a, k) => ({
      author_position: k === 0 ? "first" : k === w.authors.length - 1 ? "last" : "middle",
      author: {
        id: `https://openalex.org/A${5000000000 + (hash(a.family) % 99999)}`,
        display_name: `${a.given} ${a.family}`,
        orcid: null,
      },
      institutions: [],
      raw_author_name: `${a.given} ${a.family}`,
    })),
    primary_location: {
      is_oa: false,
      landing_page_url: `https://doi.org/${w.doi}`,
      source: {
        id: "https://openalex.org/S4210000000",
        display_name: w.journal,
        host_organization_name: w.publisher,
        type: "journal",
      },
    },
    biblio: { volume: w.volume, issue: w.issue, first_page: String(w.firstPage), last_page: String(w.lastPage) },
    is_retracted: false,
    cited_by_count: w.citations,
    abstract_inverted_index: invertedIndex(w.abstract),
  };
}

/** The id a work's open-access PDF is served under. */
function oaId(w: FakeWork): string {
  return w.doi.split("/")[1]!.replace(/[^\w.-]/g, "");
}

function openAlexAnswer(query: Record<string, string>, origin: string): { status: number; body: unknown } {
  const allowed = new Set(["search", "per-page", "page", "filter", "mailto", "api_key", "sort", "select"]);
  const unknown = Object.keys(query).find((k) => !allowed.has(k));
  if (unknown)
    return {
      status: 403,
      body: { error: `Invalid query parameters error.`, message: `${unknown} is not a valid parameter` },
    };
  const perPage = Number(query["per-page"] ?? 25);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200) {
    return { status: 400, body: { error: "Invalid query parameter", message: "per-page must be between 1 and 200" } };
  }
  if (query.filter && !/^language:[a-z]{2}$/.test(query.filter)) {
    return {
      status: 400,
      body: { error: "Invalid query parameters error.", message: `${query.filter} is not a supported filter here` },
    };
  }
  const works = fakeWorksFor(query.search ?? "", query.filter?.slice(9) ?? null).filter((w) =>
    w.providers.includes("openalex"),
  );
  const results: unknown[] = works.map((w, rank) => openAlexWork(w, rank, origin));
  if (results.length) {
    // OpenAlex lists front matter too; clients must drop it.
    results.push({
      id: "https://openalex.org/W1000000001",
      doi: null,
      title: "Front Matter",
      display_name: "Front Matter",
      relevance_score: 1.5,
      publication_year: 2020,
      type: "paratext",
      authorships: [],
      primary_location: null,
      biblio: { volume: null, issue: null, first_page: null, last_page: null },
      is_retracted: false,
      cited_by_count: 0,
      abstract_inverted_index: null,
    });
  }
  return {
    status: 200,
    body: {
      meta: { count: results.length, db_response_time_ms: 42, page: 1, per_page: perPage, groups_count: null },
      results: results.slice(0, perPage),
      group_by: [],
    },
  };
}

/** One work as Crossref lists it (in a search's items, or alone at /works/{doi}). */
function crossrefItem(w: FakeWork, rank: number, terms: string): Record<string, unknown> {
  return {
    DOI: w.doi.toUpperCase(), // Crossref keeps the registrant's case
    URL: `https://doi.org/${w.doi}`,
    title: [w.index % 4 === 2 ? w.title.replace(/^(\S+)/, "<i>$1</i>") : w.title],
    author: w.authors.map((a, k) => ({
      given: a.given,
      family: a.family,
      sequence: k === 0 ? "first" : "additional",
      affiliation: [],
    })),
    issued: { "date-parts": [[w.year, 3]] },
    "published-print": { "date-parts": [[w.year, 3]] },
    "container-title": [
      w.kind === "book-chapter" ? `Handbook of ${cap(queryWords(terms)[0] ?? "research")}` : w.journal,
    ],
    volume: w.kind === "book-chapter" ? undefined : w.volume,
    issue: w.kind === "book-chapter" ? undefined : w.issue,
    page: `${w.firstPage}-${w.lastPage}`,
    publisher: w.publisher,
    type: w.kind,
    "is-referenced-by-count": Math.max(0, w.citations - 7),
    language: w.language,
    score: Math.round((38.4 - rank * 2.1) * 1000) / 1000,
    ...(w.index % 2 === 0
      ? { abstract: `<jats:title>Abstract</jats:title><jats:p>${w.abstract.replace(/&/g, "&amp;")}</jats:p>` }
      : {}),
  };
}

function crossrefAnswer(query: Record<string, string>): { status: number; body: unknown } {
  const rows = Number(query.rows ?? 20);
  if (!Number.isInteger(rows) || rows < 0 || rows > 1000) {
    return {
      status: 400,
      body: {
        status: "failed",
        "message-type": "validation-failure",
        message: [
          {
            type: "integer-not-valid",
            value: query.rows,
            message: "Integer specified as rows must be a positive integer less than or equal to 1000.",
          },
        ],
      },
    };
  }
  const terms = query.query ?? "";
  const works = fakeWorksFor(terms).filter((w) => w.providers.includes("crossref"));
  // Crossref answers only the fields `select` names.
  const selected = query.select ? new Set(query.select.split(",")) : null;
  const items = works
    .map((w, rank) => crossrefItem(w, rank, terms))
    .map((item) => (selected ? Object.fromEntries(Object.entries(item).filter(([k]) => selected.has(k))) : item));
  return {
    status: 200,
    body: {
      status: "ok",
      "message-type": "work-list",
      "message-version": "1.0.0",
      message: {
        facets: {},
        "total-results": items.length,
        items: items.slice(0, rows),
        "items-per-page": rows,
        query: { "start-index": 0, "search-terms": terms },
      },
    },
  };
}

const S2_FIELDS = new Set(
  "paperId corpusId externalIds url title abstract venue publicationVenue year referenceCount citationCount influentialCitationCount isOpenAccess openAccessPdf fieldsOfStudy s2FieldsOfStudy publicationTypes publicationDate journal citationStyles authors tldr".split(
    " ",
  ),
);

function semanticScholarAnswer(query: Record<string, string>, origin: string): { status: number; body: unknown } {
  const limit = Number(query.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    return { status: 400, body: { error: "Requested limit must be <= 100" } };
  const fields = (query.fields ?? "title").split(",");
  const bad = fields.filter((f) => !S2_FIELDS.has(f));
  if (bad.length) return { status: 400, body: { error: `Unrecognized or unsupported fields: [${bad.join(", ")}]` } };
  if (!query.query) return { status: 400, body: { error: "Missing required parameter: 'query'" } };
  const works = fakeWorksFor(query.query).filter((w) => w.providers.includes("semantic-scholar"));
  if (works.length === 0) return { status: 200, body: { total: 0, offset: 0 } };
  const data = works.slice(0, limit).map((w) => {
    const paper: Record<string, unknown> = {
      paperId: hash(w.doi).toString(16).padStart(8, "0").repeat(5),
      // Semantic Scholar often lacks the DOI; the title then differs only in punctuation from the other providers'.
      externalIds:
        w.index % 4 === 1 ? { CorpusId: hash(w.doi) % 9999999 } : { DOI: w.doi, CorpusId: hash(w.doi) % 9999999 },
      url: `https://www.semanticscholar.org/paper/${hash(w.doi).toString(16)}`,
      title: w.index % 4 === 1 ? `${w.title.replace(":", " -")}.` : w.title,
      abstract: w.index % 3 === 0 ? null : w.abstract,
      venue: w.kind === "book-chapter" ? "" : w.journal,
      publicationVenue: w.kind === "book-chapter" ? null : { id: "0f0f", name: w.journal, type: "journal" },
      year: w.year,
      citationCount: w.citations + 3,
      publicationTypes: w.kind === "book-chapter" ? ["BookSection"] : ["JournalArticle"],
      journal:
        w.kind === "book-chapter"
          ? null
          : { name: w.journal, volume: w.volume, pages: ` ${w.firstPage} - ${w.lastPage}` },
      authors: w.authors.map((a) => ({ authorId: String(hash(a.family) % 99999999), name: `${a.given} ${a.family}` })),
      openAccessPdf: w.openAccess
        ? { url: openAccessUrl(origin, w.openAccess, oaId(w)), status: "GREEN", license: "CCBY" }
        : null,
    };
    return Object.fromEntries(Object.entries(paper).filter(([k]) => k === "paperId" || fields.includes(k)));
  });
  return {
    status: 200,
    body: { total: works.length, offset: 0, ...(works.length > limit ? { next: limit } : {}), data },
  };
}

function errorBody(provider: FakeProvider, status: number): unknown {
  const message = status === 429 ? "Too Many Requests" : `Injected ${status}`;
  if (provider === "crossref") return { status: "failed", "message-type": "error", message };
  if (provider === "openalex") return { error: message, message };
  return { message, code: String(status) };
}

export async function startFakeScholarly(
  options: { port?: number; latencyMs?: number; semanticScholarKey?: string } = {},
): Promise<FakeScholarly> {
  const requests: FakeScholarlyRequest[] = [];
  const openAccessRequests: string[] = [];
  let origin = "";
  const faults: Record<FakeProvider, Fault[]> = { openalex: [], crossref: [], "semantic-scholar": [] };
  const always: Partial<Record<FakeProvider, Fault>> = {};
  let drawFault: (() => Fault | undefined) | undefined;
  let latencyMs = options.latencyMs ?? 0;
  const open: Record<FakeProvider, number> = { openalex: 0, crossref: 0, "semantic-scholar": 0 };
  const peak: Record<FakeProvider, number> = { openalex: 0, crossref: 0, "semantic-scholar": 0 };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    if (await answerOpenAccess(req, res, url.pathname, openAccessRequests)) return;
    const provider = (Object.keys(PREFIX) as FakeProvider[]).find((p) => url.pathname.startsWith(`${PREFIX[p]}/`));
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    if (!provider) return send(404, { error: `No fake for ${req.method} ${url.pathname}` });
    const path = url.pathname.slice(PREFIX[provider].length);
    requests.push({
      provider,
      method: req.method ?? "GET",
      path,
      query: Object.fromEntries(url.searchParams),
      headers: {
        "user-agent": req.headers["user-agent"],
        "x-api-key": req.headers["x-api-key"] as string | undefined,
        accept: req.headers.accept,
      },
    });
    peak[provider] = Math.max(peak[provider], ++open[provider]);
    res.once("close", () => open[provider]--);
    if (latencyMs && !(await waitUnlessGone(res, latencyMs))) return;

    const fault = faults[provider].shift() ?? always[provider] ?? drawFault?.();
    if (fault)
      return answerFault(
        res,
        fault,
        provider === "crossref" ? '{"status":"ok","message":{"items":[' : '{"results": [',
        (f) => errorBody(provider, f.status),
      );

    const query = Object.fromEntries(url.searchParams);
    if (req.method !== "GET") return send(405, errorBody(provider, 405));
    let answer: { status: number; body: unknown };
    if (provider === "openalex" && path === "/works") answer = openAlexAnswer(query, origin);
    else if (provider === "crossref" && path === "/works") answer = crossrefAnswer(query);
    else if (provider === "openalex" && path.startsWith("/works/doi:")) {
      const work = fakeWorkForDoi(decodeURIComponent(path.slice("/works/doi:".length)));
      answer = work
        ? { status: 200, body: openAlexWork(work, 0, origin) }
        : { status: 404, body: errorBody(provider, 404) };
    } else if (provider === "crossref" && path.startsWith("/works/10.")) {
      const work = fakeWorkForDoi(decodeURIComponent(path.slice("/works/".length)));
      answer = work
        ? {
            status: 200,
            body: {
              status: "ok",
              "message-type": "work",
              "message-version": "1.0.0",
              message: crossrefItem(work, 0, ""),
            },
          }
        : { status: 404, body: "Resource not found." };
    } else if (provider === "semantic-scholar" && path === "/graph/v1/paper/search") {
      const key = req.headers["x-api-key"];
      answer =
        options.semanticScholarKey && key !== options.semanticScholarKey
          ? { status: 403, body: { message: "Forbidden" } }
          : semanticScholarAnswer(query, origin);
    } else answer = { status: 404, body: errorBody(provider, 404) };
    send(answer.status, answer.body);
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  origin = base;
  const urls: Record<FakeProvider, string> = {
    openalex: base + PREFIX.openalex,
    crossref: base + PREFIX.crossref,
    "semantic-scholar": base + PREFIX["semantic-scholar"],
  };
  return {
    urls,
    env: {
      RESEARCH_PROVIDERS: "openalex,crossref,semantic-scholar",
      OPENALEX_URL: urls.openalex,
      CROSSREF_URL: urls.crossref,
      SEMANTIC_SCHOLAR_URL: urls["semantic-scholar"],
    },
    requests,
    openAccessRequests,
    requestsTo: (provider) => requests.filter((r) => r.provider === provider),
    failNext: (provider, fault, count = 1) => {
      for (let i = 0; i < count; i++) faults[provider].push(fault);
    },
    failAlways: (provider, fault) => {
      always[provider] = fault;
    },
    failRandomly: (draw) => {
      drawFault = draw;
    },
    recover: (provider) => {
      for (const p of provider ? [provider] : (Object.keys(PREFIX) as FakeProvider[])) {
        faults[p] = [];
        delete always[p];
      }
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    peakInFlight: (provider) => peak[provider],
    resetPeaks: () => {
      for (const p of Object.keys(peak) as FakeProvider[]) peak[p] = open[p];
    },
    close: () => closeServer(server),
  };
}

// `tsx tests/fakes/scholarly.ts --port 4030 --latency 50` runs it on its own and prints the three base URLs.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startFakeScholarly({ port: numberArg("port") ?? 4030, latencyMs: numberArg("latency") ?? 0 }).then((fake) => {
    console.log(`fake OpenAlex listening at ${fake.urls.openalex}`);
    console.log(`fake Crossref listening at ${fake.urls.crossref}`);
    console.log(`fake Semantic Scholar listening at ${fake.urls["semantic-scholar"]}`);
    process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
  });
}
