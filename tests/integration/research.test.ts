import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCrossrefClient, parseCrossrefWorks, stripJats } from "../../worker/research/crossref";
import { BreakerOpenError, ResearchHttpError } from "../../worker/research/http";
import {
  assignKeys,
  assignSourcesToSections,
  buildQueries,
  findSources,
  mergeAndRank,
  mergeWorks,
  noSourcesNotice,
  rankWorks,
  scoreWork,
  searchConcurrency,
  storeSources,
  toCsl,
  type FoundWork,
  type RankedSource,
} from "../../worker/research";
import { titleKey } from "../../worker/research/merge";
import { contentStems, foldText } from "../../worker/research/text";
import { createOpenAlexClient, rebuildAbstract } from "../../worker/research/openalex";
import { createSemanticScholarClient, SEMANTIC_SCHOLAR_FIELDS } from "../../worker/research/semantic-scholar";
import { normaliseDoi, splitName } from "../../worker/research/work";
import { fakeWorksFor, startFakeScholarly, type FakeScholarly } from "../fakes/scholarly";
import { insertUser } from "../setup/fixtures";
import { createTestDatabase, type TestDatabase } from "../setup/database";

const MAILTO = "research@tesigo.test";
const QUERY = "remote work employee productivity";
/** Retries without waiting; the delays asked for are recorded. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

let fake: FakeScholarly;
beforeAll(async () => {
  fake = await startFakeScholarly({ semanticScholarKey: "s2-test-key" });
});
afterAll(() => fake?.close());
afterEach(() => {
  fake.recover();
  fake.setLatency(0);
  fake.resetPeaks();
  fake.requests.length = 0;
});

function work(overrides: Partial<FoundWork> = {}): FoundWork {
  return {
    provider: "openalex",
    title: "Remote work and productivity: a systematic review",
    year: 2021,
    doi: null,
    openalexId: null,
    url: null,
    authors: [{ family: "Smith", given: "Sarah" }],
    containerTitle: null,
    volume: null,
    issue: null,
    page: null,
    publisher: null,
    type: "article-journal",
    abstract: null,
    citedByCount: null,
    language: null,
    openAccessUrl: null,
    relevance: 1,
    ...overrides,
  };
}

describe("OpenAlex client", () => {
  it("asks /works with search, per-page and mailto, politely, and parses authors, DOI, biblio and the abstract", async () => {
    const client = createOpenAlexClient({ baseUrl: fake.urls.openalex, mailto: MAILTO });
    const works = await client.search(QUERY, { limit: 20 });

    const [request] = fake.requestsTo("openalex");
    expect(request.path).toBe("/works");
    expect(request.query).toEqual({ search: QUERY, "per-page": "20", mailto: MAILTO });
    expect(request.headers["user-agent"]).toBe(`TesiGo/1.0 (mailto:${MAILTO})`);

    const expected = fakeWorksFor(QUERY).filter((w) => w.providers.includes("openalex"));
    expect(works.map((w) => w.doi)).toEqual(expected.map((w) => w.doi)); // front matter (paratext) dropped
    const first = works[0];
    const source = expected[0];
    expect(first.doi).not.toMatch(/^https?:/);
    expect(first.openalexId).toMatch(/^W\d+$/);
    expect(first.title).toBe(source.title);
    expect(first.year).toBe(source.year);
    expect(first.authors).toEqual(source.authors.map((a) => ({ family: a.family, given: a.given })));
    expect(first.abstract).toBe(source.abstract);
    expect(first.page).toBe(`${source.firstPage}-${source.lastPage}`);
    expect(first.containerTitle).toBe(source.journal);
    expect(first.publisher).toBe(source.publisher);
    expect(first.citedByCount).toBe(source.citations);
    expect(first.relevance).toBe(1);
    expect(works.every((w, i) => i === 0 || w.relevance < works[i - 1].relevance)).toBe(true);
    expect(works.every((w) => w.type === "article-journal")).toBe(true); // type_crossref journal-article
  });

  it("filters by the order's language when asked, and sends an API key when configured", async () => {
    const client = createOpenAlexClient({ baseUrl: fake.urls.openalex, apiKey: "oa-key" });
    await client.search("lavoro remoto produttività", { limit: 5, language: "it" });
    const [request] = fake.requestsTo("openalex");
    expect(request.query).toMatchObject({ filter: "language:it", api_key: "oa-key", "per-page": "5" });
    expect(request.query.mailto).toBeUndefined();
    expect(request.headers["user-agent"]).toBe("TesiGo/1.0");
  });

  it("rebuilds an abstract from its inverted index", () => {
    expect(rebuildAbstract({ growing: [1], Despite: [0], "evidence,": [2], the: [3, 5], of: [4], field: [6] })).toBe(
      "Despite growing evidence, the of the field",
    );
    expect(rebuildAbstract(null)).toBeNull();
    expect(rebuildAbstract({})).toBeNull();
  });
});

describe("Crossref client", () => {
  it("asks /works with query, rows, select and mailto, and parses the items (DOI lower-case, JATS stripped)", async () => {
    const client = createCrossrefClient({ baseUrl: fake.urls.crossref, mailto: MAILTO });
    const works = await client.search(QUERY, { limit: 12 });

    const [request] = fake.requestsTo("crossref");
    expect(request.path).toBe("/works");
    expect(request.query).toMatchObject({ query: QUERY, rows: "12", mailto: MAILTO });
    expect(request.query.select.split(",")).toEqual(
      expect.arrayContaining(["DOI", "title", "author", "issued", "abstract", "score"]),
    );
    expect(request.headers["user-agent"]).toBe(`TesiGo/1.0 (mailto:${MAILTO})`);

    const expected = fakeWorksFor(QUERY).filter((w) => w.providers.includes("crossref"));
    expect(works.map((w) => w.doi)).toEqual(expected.map((w) => w.doi));
    for (const [i, w] of works.entries()) {
      expect(w.title).toBe(expected[i].title); // <i>…</i> in the deposited title removed
      expect(w.authors).toEqual(expected[i].authors.map((a) => ({ family: a.family, given: a.given })));
      expect(w.abstract).toBe(expected[i].index % 2 === 0 ? expected[i].abstract : null);
      expect(w.year).toBe(expected[i].year);
      expect(w.language).toBe(expected[i].language); // asked for in `select`, which the fake honours
    }
    expect(works.some((w) => w.type === "chapter" && w.containerTitle?.startsWith("Handbook of"))).toBe(true);
    expect(works[0].relevance).toBe(1);
  });

  it("strips JATS markup and decodes entities", () => {
    expect(
      stripJats(
        "<jats:title>Abstract</jats:title><jats:p>Trade &amp; <jats:italic>policy</jats:italic>\n matter.</jats:p>",
      ),
    ).toBe("Trade & policy matter.");
    expect(stripJats("<jats:p>Abstract: the text.</jats:p>")).toBe("the text.");
    expect(stripJats(undefined)).toBeNull();
    expect(() => parseCrossrefWorks({ status: "ok" })).toThrow(SyntaxError);
  });
});

describe("Semantic Scholar client", () => {
  it("asks /graph/v1/paper/search with query, limit, documented fields and x-api-key", async () => {
    const client = createSemanticScholarClient({
      baseUrl: fake.urls["semantic-scholar"],
      apiKey: "s2-test-key",
      mailto: MAILTO,
    });
    const works = await client.search(QUERY, { limit: 10 });

    const [request] = fake.requestsTo("semantic-scholar");
    expect(request.path).toBe("/graph/v1/paper/search");
    expect(request.query).toEqual({ query: QUERY, limit: "10", fields: SEMANTIC_SCHOLAR_FIELDS });
    expect(request.headers["x-api-key"]).toBe("s2-test-key");
    expect(request.headers["user-agent"]).toBe(`TesiGo/1.0 (mailto:${MAILTO})`);

    const expected = fakeWorksFor(QUERY).filter((w) => w.providers.includes("semantic-scholar"));
    expect(works).toHaveLength(expected.length);
    for (const [i, w] of works.entries()) {
      expect(w.doi).toBe(expected[i].index % 4 === 1 ? null : expected[i].doi);
      expect(w.authors[w.authors.length - 1].family).toBe(expected[i].authors[expected[i].authors.length - 1].family);
    }
    expect(works.find((w) => w.type === "article-journal")?.page).toMatch(/^\d+-\d+$/);
    expect(works.map((w) => w.relevance)).toEqual([...works.map((w) => w.relevance)].sort((a, b) => b - a));
  });

  it("an answer without hits is an empty list; a wrong key is a 403 that is not retried", async () => {
    const good = createSemanticScholarClient({ baseUrl: fake.urls["semantic-scholar"], apiKey: "s2-test-key" });
    expect(await good.search("nohits at all", { limit: 5 })).toEqual([]);

    const { waits, sleep } = recordingSleep();
    const bad = createSemanticScholarClient({ baseUrl: fake.urls["semantic-scholar"], apiKey: "wrong", sleep });
    const error = await bad.search(QUERY, { limit: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResearchHttpError);
    expect(error).toMatchObject({ status: 403, attempts: 1, reason: "HTTP 403" });
    expect(waits).toEqual([]);
  });
});

describe("polite HTTP: timeouts and retries", () => {
  it("retries a 429 after its Retry-After and a 500 after the configured delay, then succeeds", async () => {
    fake.failNext("openalex", { status: 429, retryAfterSeconds: 2 });
    fake.failNext("openalex", { status: 500 });
    const { waits, sleep } = recordingSleep();
    const client = createOpenAlexClient({ baseUrl: fake.urls.openalex, retryDelaysMs: [5, 7], sleep });
    const works = await client.search(QUERY, { limit: 5 });
    expect(works.length).toBeGreaterThan(0);
    expect(fake.requestsTo("openalex")).toHaveLength(3);
    expect(waits).toEqual([2000, 7]);
  });

  it("gives up after 2 retries with the last reason", async () => {
    fake.failAlways("crossref", { status: 503 });
    const client = createCrossrefClient({ baseUrl: fake.urls.crossref, retryDelaysMs: [1, 1] });
    const error = await client.search(QUERY, { limit: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "ResearchHttpError",
      provider: "crossref",
      reason: "HTTP 503",
      status: 503,
      attempts: 3,
    });
    expect(fake.requestsTo("crossref")).toHaveLength(3);
  });

  it("does not wait for a Retry-After longer than the maximum, and never retries a 400", async () => {
    fake.failNext("openalex", { status: 429, retryAfterSeconds: 120 });
    const { waits, sleep } = recordingSleep();
    const client = createOpenAlexClient({
      baseUrl: fake.urls.openalex,
      retryDelaysMs: [1, 1],
      sleep,
      maxRetryAfterMs: 30_000,
    });
    await expect(client.search(QUERY, { limit: 5 })).rejects.toMatchObject({ reason: "HTTP 429", attempts: 1 });
    expect(waits).toEqual([]);

    fake.failNext("openalex", { status: 400 });
    await expect(client.search(QUERY, { limit: 5 })).rejects.toMatchObject({ reason: "HTTP 400", attempts: 1 });
    expect(fake.requestsTo("openalex")).toHaveLength(2);
  });

  it("times out a hanging request and retries; a malformed body is retried too", async () => {
    fake.failNext("semantic-scholar", { kind: "timeout" });
    fake.failNext("semantic-scholar", { kind: "malformed" });
    const client = createSemanticScholarClient({
      baseUrl: fake.urls["semantic-scholar"],
      apiKey: "s2-test-key",
      timeoutMs: 300,
      retryDelaysMs: [1, 1],
    });
    const started = Date.now();
    const works = await client.search(QUERY, { limit: 5 });
    expect(works.length).toBeGreaterThan(0);
    expect(fake.requestsTo("semantic-scholar")).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(5000);

    fake.failAlways("semantic-scholar", { kind: "timeout" });
    await expect(client.search(QUERY, { limit: 5 })).rejects.toMatchObject({ reason: "timeout", attempts: 3 });
  });

  it("an answer of the wrong shape counts as malformed and is retried", async () => {
    let calls = 0;
    const answers = [{ unexpected: true }, { meta: { count: 0 }, results: [] }];
    const client = createOpenAlexClient({
      retryDelaysMs: [1, 1],
      fetch: async () =>
        new Response(JSON.stringify(answers[calls++]), { headers: { "content-type": "application/json" } }),
    });
    expect(await client.search(QUERY, { limit: 5 })).toEqual([]);
    expect(calls).toBe(2);
  });

  it("retries network errors (nothing listening)", async () => {
    const port = await freePort();
    const { waits, sleep } = recordingSleep();
    const client = createCrossrefClient({ baseUrl: `http://127.0.0.1:${port}`, retryDelaysMs: [3, 4], sleep });
    const error = await client.search(QUERY, { limit: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResearchHttpError);
    expect((error as ResearchHttpError).reason).toMatch(/^network error: ECONNREFUSED/);
    expect(waits).toEqual([3, 4]);
  });

  it("the caller's abort is not retried", async () => {
    fake.setLatency(2000);
    const controller = new AbortController();
    const client = createOpenAlexClient({ baseUrl: fake.urls.openalex, retryDelaysMs: [1, 1] });
    const pending = client.search(QUERY, { limit: 5, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("job deadline")), 50);
    await expect(pending).rejects.toThrow("job deadline");
    expect(fake.requestsTo("openalex")).toHaveLength(1);
  });
});

describe("circuit breaker per provider (Postgres)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.destroy());

  it("opens after repeated failures; the provider is then skipped without a call", async () => {
    fake.failAlways("crossref", { status: 502 });
    const client = createCrossrefClient({ baseUrl: fake.urls.crossref, db: database.db, retryDelaysMs: [1, 1] });

    await expect(client.search(QUERY, { limit: 5 })).rejects.toMatchObject({ attempts: 3 });
    // Failures 4 and 5 open it (5 within 60 s): no third try.
    await expect(client.search(QUERY, { limit: 5 })).rejects.toMatchObject({ attempts: 2 });
    const row = await database.db
      .selectFrom("provider_breakers")
      .selectAll()
      .where("provider", "=", "crossref")
      .executeTakeFirstOrThrow();
    expect(row.state).toBe("open");
    expect(fake.requestsTo("crossref")).toHaveLength(5);

    await expect(client.search(QUERY, { limit: 5 })).rejects.toBeInstanceOf(BreakerOpenError);
    const result = await findSources(
      { topic: QUERY, language: "en", headings: [] },
      { providers: ["crossref", "openalex"], urls: fake.urls, db: database.db, retryDelaysMs: [1, 1] },
    );
    expect(fake.requestsTo("crossref")).toHaveLength(5);
    expect(result.failed).toEqual([{ provider: "crossref", error: "circuit open (skipped)" }]);
    expect(result.reachable).toEqual(["openalex"]);
    expect(result.sources.length).toBeGreaterThan(0);
    // Each provider has its own breaker: OpenAlex's answers were recorded as successes and it stays closed.
    expect(
      await database.db.selectFrom("provider_breakers").select("provider").where("provider", "=", "openalex").execute(),
    ).toEqual([]);
  });

  it("searches the topic while the outline is still being written, and its headings once they come", async () => {
    let giveHeadings!: (headings: string[]) => void;
    const headings = new Promise<string[]>((resolve) => (giveHeadings = resolve));
    const before = fake.requestsTo("openalex").length;
    const searching = findSources(
      { topic: QUERY, language: "en", headings },
      { providers: ["openalex"], urls: fake.urls },
    );
    await expect.poll(() => fake.requestsTo("openalex").length - before).toBe(1); // the topic query, without headings
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.requestsTo("openalex").length - before).toBe(1); // nothing else until the headings are there
    giveHeadings(["Introduction", "Measuring output in home offices"]);
    const result = await searching;
    expect(result.queries.map((q) => q.purpose)).toEqual(["topic", "heading"]);
    expect(fake.requestsTo("openalex").length - before).toBe(2);
    expect(result.sources.length).toBeGreaterThan(0);
  });

  it("a failed outline ends the search without an unhandled rejection", async () => {
    const headings = Promise.reject(new Error("the outline failed"));
    await expect(
      findSources({ topic: QUERY, language: "en", headings }, { providers: ["openalex"], urls: fake.urls }),
    ).rejects.toThrow("the outline failed");
  });

  it("stores each source as CSL-JSON with its abstract, once per key", async () => {
    const user = await insertUser(database.db);
    const document = await database.db
      .insertInto("documents")
      .values({
        user_id: user.id,
        topic: QUERY,
        pages: 10,
        language: "en",
        price_cents: 1000,
        quality_warnings: JSON.stringify([]),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const { sources } = await findSources(
      { topic: QUERY, language: "en", headings: [] },
      { providers: ["openalex"], urls: fake.urls, maxSources: 8 },
    );
    expect(await storeSources(database.db, document.id, sources)).toBe(8);
    expect(await storeSources(database.db, document.id, sources)).toBe(0);

    const rows = await database.db.selectFrom("sources").selectAll().where("document_id", "=", document.id).execute();
    expect(rows.map((r) => r.key).sort()).toEqual(sources.map((s) => s.key).sort());
    const top = rows.find((r) => r.key === sources[0].key)!;
    expect(top).toMatchObject({
      doi: sources[0].doi,
      title: sources[0].title,
      year: sources[0].year,
      abstract: sources[0].abstract,
      openalex_id: sources[0].openalexId,
    });
    expect(top.csl).toEqual(sources[0].csl);
    expect(top.csl).toMatchObject({ id: top.key, abstract: sources[0].abstract, DOI: sources[0].doi });
  });
});

describe("merge and de-duplication", () => {
  it("merges the same DOI written differently and keeps the richest fields", () => {
    const merged = mergeWorks([
      work({
        provider: "semantic-scholar",
        doi: normaliseDoi("10.1000/ABC.1"),
        abstract: "Short.",
        citedByCount: 40,
        relevance: 0.5,
        authors: [{ family: "Smith", given: "S." }],
      }),
      work({
        provider: "openalex",
        doi: normaliseDoi("https://doi.org/10.1000/abc.1"),
        openalexId: "W1",
        abstract: "A much longer abstract text.",
        citedByCount: 35,
        relevance: 0.9,
      }),
      work({
        provider: "crossref",
        doi: normaliseDoi("doi:10.1000/abc.1"),
        volume: "12",
        authors: [
          { family: "Smith", given: "Sarah" },
          { family: "Rossi", given: "Luca" },
        ],
        citedByCount: 30,
        relevance: 0.2,
      }),
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      doi: "10.1000/abc.1",
      openalexId: "W1",
      abstract: "A much longer abstract text.",
      volume: "12",
      citedByCount: 40,
      providers: ["crossref", "openalex", "semantic-scholar"],
    });
    expect(merged[0].authors).toHaveLength(2);
    expect(merged[0].relevance).toBe(1); // 0.9 + 0.1 × 2 more providers, capped
  });

  it("merges by normalised title + year when a DOI is missing, and only then", () => {
    const merged = mergeWorks([
      work({
        provider: "crossref",
        title: "Éducation and   <i>Policy</i>: the Italian case",
        year: 2019,
        doi: "10.1000/x",
      }),
      work({
        provider: "semantic-scholar",
        title: "Education and policy - the italian case.",
        year: 2019,
        abstract: "From S2.",
      }),
      work({ provider: "semantic-scholar", title: "Education and policy: the Italian case", year: 2020 }),
      work({ provider: "openalex", title: "Education and policy: the Italian case", year: 2019, doi: "10.1000/y" }),
      work({ provider: "openalex", title: "Editorial", year: 2019 }),
      work({ provider: "crossref", title: "Editorial", year: 2019 }),
    ]);
    // x + the DOI-less S2 record; y (a different DOI) apart; 2020 apart; the two short "Editorial"s are not trusted.
    expect(merged).toHaveLength(5);
    const x = merged.find((m) => m.doi === "10.1000/x")!;
    expect(x.providers).toEqual(["crossref", "semantic-scholar"]);
    expect(x.abstract).toBe("From S2.");
    expect(titleKey("Éducation and <i>Policy</i>:  the Italian case", 2019)).toBe(
      titleKey("education and policy the italian case", 2019),
    );
  });

  it("does not depend on the order results arrive in", () => {
    const works = [
      ...fakeProviderWorks(),
      work({ provider: "openalex", title: "Something else entirely new", doi: "10.1000/z", relevance: 0.3 }),
    ];
    const a = mergeAndRank(works, { now: new Date("2026-06-01") });
    const b = mergeAndRank([...works].reverse(), { now: new Date("2026-06-01") });
    expect(b).toEqual(a);
  });

  it("every provider's copy of a fake work collapses into one source", async () => {
    const result = await findSources(
      { topic: QUERY, language: "en", headings: [] },
      {
        providers: ["openalex", "crossref", "semantic-scholar"],
        urls: fake.urls,
        semanticScholarKey: "s2-test-key",
        perQuery: 20,
        maxSources: 100,
      },
    );
    const expected = fakeWorksFor(QUERY);
    expect(result.sources).toHaveLength(expected.length);
    expect(new Set(result.sources.map((s) => s.doi)).size).toBe(expected.length);
    expect(result.sources.every((s) => s.providers.length === 2)).toBe(true);
    expect(result.reachable).toEqual(["openalex", "crossref", "semantic-scholar"]);
    expect(result.failed).toEqual([]);
  });
});

/** What the three clients would return for QUERY, built without HTTP from the fake's own generator. */
function fakeProviderWorks(): FoundWork[] {
  return fakeWorksFor(QUERY).flatMap((w) =>
    w.providers.map((provider) =>
      work({
        provider,
        title: w.title,
        year: w.year,
        doi: provider === "semantic-scholar" && w.index % 4 === 1 ? null : w.doi,
        authors: w.authors.map((a) => ({ family: a.family, given: a.given })),
        citedByCount: w.citations,
        abstract: provider === "crossref" ? null : w.abstract,
        relevance: 1 - w.index / 12,
      }),
    ),
  );
}

describe("ranking", () => {
  const now = new Date("2026-06-01T00:00:00Z");

  it("scores by the documented formula", () => {
    expect(scoreWork({ relevance: 1, citedByCount: 9999, year: 2024, abstract: "x" }, now)).toBe(1);
    expect(scoreWork({ relevance: 0, citedByCount: null, year: null, abstract: null }, now)).toBe(0);
    // 0.55 × 0.5 + 0.25 × log10(100)/4 + 0.15 × (1 - (16 - 5) / 25)
    expect(scoreWork({ relevance: 0.5, citedByCount: 99, year: 2010, abstract: null }, now)).toBeCloseTo(
      0.275 + 0.125 + 0.15 * (1 - 11 / 25),
      4,
    );
    expect(scoreWork({ relevance: 0.5, citedByCount: 0, year: 1980, abstract: null }, now)).toBe(0.275);
  });

  it("orders by score; a recent, cited, relevant work first; ties broken deterministically", () => {
    const ranked = rankWorks(
      mergeWorks([
        work({
          title: "Old but very relevant classic study",
          doi: "10.1/a",
          relevance: 1,
          year: 1990,
          citedByCount: 5000,
        }),
        work({
          title: "Recent relevant and cited work here",
          doi: "10.1/b",
          relevance: 0.9,
          year: 2024,
          citedByCount: 300,
        }),
        work({
          title: "Barely relevant recent paper today",
          doi: "10.1/c",
          relevance: 0.1,
          year: 2025,
          citedByCount: 0,
        }),
        work({ title: "Zeta tie between equal works", doi: "10.1/e", relevance: 0.5, year: 2015, citedByCount: 10 }),
        work({ title: "Alpha tie between equal works", doi: "10.1/d", relevance: 0.5, year: 2015, citedByCount: 10 }),
      ]),
      { now },
    );
    expect(ranked.map((r) => r.doi)).toEqual(["10.1/b", "10.1/a", "10.1/d", "10.1/e", "10.1/c"]);
    expect(ranked.every((r, i) => i === 0 || r.score <= ranked[i - 1].score)).toBe(true);
  });
});

describe("citation keys", () => {
  it("family name in ASCII letters + year, with a, b… on collisions, never a taken key", () => {
    const keys = assignKeys(
      [
        { authors: [{ family: "Smith", given: "John" }], year: 2021 },
        { authors: [{ family: "Smith", given: "Sarah" }], year: 2021 },
        { authors: [{ family: "SMITH", given: "" }], year: 2021 },
        { authors: [{ family: "Müller-Lüdenscheidt", given: "Jürgen" }], year: 2019 },
        { authors: [{ family: "van der Berg", given: "Jan" }], year: 2020 },
        { authors: [{ family: "Іваненко", given: "Олена" }], year: 2018 },
        { authors: [{ family: "Łukasiewicz", given: "Jan" }], year: 1951 },
        { authors: [{ family: "O'Brien", given: "Pat" }], year: null },
        { authors: [], year: 2020 },
        { authors: [{ family: "李", given: "" }], year: 2020 },
        { authors: [{ family: "Rossi", given: "Luca" }], year: 2022 },
      ],
      ["rossi2022"],
    );
    expect(keys).toEqual([
      "smith2021",
      "smith2021a",
      "smith2021b",
      "mullerludenscheidt2019",
      "vanderberg2020",
      "ivanenko2018",
      "lukasiewicz1951",
      "obriennd",
      "anon2020",
      "anon2020a",
      "rossi2022a",
    ]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((k) => /^[a-z0-9]+$/.test(k))).toBe(true);
  });

  it("keys of a real research run are unique and usable in [@key]", async () => {
    const { sources } = await findSources(
      { topic: "smart working produttività PMI", language: "it", headings: ["Benessere dei lavoratori"] },
      { providers: ["openalex", "crossref"], urls: fake.urls },
    );
    const keys = sources.map((s) => s.key);
    expect(keys.length).toBeGreaterThan(5);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(`see [@${key}]`).toMatch(/\[@[a-z]+(\d{4}|nd)[a-z]*\]/);
  });
});

describe("CSL-JSON", () => {
  it("has id = key, type, title, authors, issued date-parts and the bibliographic fields", () => {
    const csl = toCsl(
      {
        ...work({
          doi: "10.1000/abc",
          url: "https://example.org/a",
          containerTitle: "Journal of Things",
          volume: "4",
          issue: "2",
          page: "10-20",
          publisher: "Wiley",
          abstract: "About things.",
          authors: [
            { family: "Smith", given: "Sarah" },
            { family: "WHO Working Group", given: "" },
          ],
        }),
      },
      "smith2021",
    );
    expect(csl).toEqual({
      id: "smith2021",
      type: "article-journal",
      title: "Remote work and productivity: a systematic review",
      author: [{ family: "Smith", given: "Sarah" }, { family: "WHO Working Group" }],
      issued: { "date-parts": [[2021]] },
      "container-title": "Journal of Things",
      volume: "4",
      issue: "2",
      page: "10-20",
      publisher: "Wiley",
      DOI: "10.1000/abc",
      URL: "https://example.org/a",
      abstract: "About things.",
    });
    expect(toCsl(work({ year: null, authors: [] }), "anonnd")).toEqual({
      id: "anonnd",
      type: "article-journal",
      title: "Remote work and productivity: a systematic review",
    });
  });

  it("names are split into family and given", () => {
    expect(splitName("Ludwig van Beethoven")).toEqual({ family: "van Beethoven", given: "Ludwig" });
    expect(splitName("García, María José")).toEqual({ family: "García", given: "María José" });
    expect(splitName("Plato")).toEqual({ family: "Plato", given: "" });
    expect(normaliseDoi("https://dx.doi.org/10.1000/ABC")).toBe("10.1000/abc");
    expect(normaliseDoi("not a doi")).toBeNull();
  });
});

describe("queries", () => {
  it("topic in the order's language, the topic again for the English literature, and non-framing headings", () => {
    const queries = buildQueries({
      topic: "Lavoro da remoto e produttività",
      language: "it",
      headings: [
        "Introduzione",
        "1. Il quadro normativo del lavoro agile",
        "Benessere dei lavoratori",
        "Effetti sulla produttività",
        "Conclusioni",
      ],
      englishKeywords: ["remote work", "productivity"],
    });
    expect(queries).toEqual([
      { text: "Lavoro da remoto e produttività", language: "it", purpose: "topic" },
      { text: "Lavoro da remoto e produttività remote work productivity", language: null, purpose: "topic-en" },
      { text: "quadro normativo lavoro agile remoto produttività", language: null, purpose: "heading" },
      { text: "Benessere lavoratori Lavoro remoto produttività", language: null, purpose: "heading" },
      { text: "Effetti produttività Lavoro remoto", language: null, purpose: "heading" },
    ]);
    expect(buildQueries({ topic: "Remote work", language: "en", headings: [] })).toEqual([
      { text: "Remote work", language: null, purpose: "topic" },
    ]);
  });

  it("asks each provider each distinct query once, in order of importance", async () => {
    const result = await findSources(
      {
        topic: "lavoro remoto produttività",
        language: "it",
        headings: ["Introduzione", "Benessere dei lavoratori", "Conclusioni"],
      },
      {
        providers: ["openalex", "crossref", "semantic-scholar"],
        urls: fake.urls,
        mailto: MAILTO,
        semanticScholarKey: "s2-test-key",
        perQuery: 8,
      },
    );
    // OpenAlex: topic with language:it, topic without filter, one heading. The others cannot filter: the topic once.
    expect(fake.requestsTo("openalex").map((r) => [r.query.search, r.query.filter])).toEqual([
      ["lavoro remoto produttività", "language:it"],
      ["lavoro remoto produttività", undefined],
      ["Benessere lavoratori lavoro remoto produttività", undefined],
    ]);
    expect(fake.requestsTo("crossref").map((r) => r.query.query)).toEqual([
      "lavoro remoto produttività",
      "Benessere lavoratori lavoro remoto produttività",
    ]);
    expect(fake.requestsTo("semantic-scholar")).toHaveLength(2);
    expect(fake.requests.every((r) => r.headers["user-agent"] === `TesiGo/1.0 (mailto:${MAILTO})`)).toBe(true);
    expect(result.sources.length).toBeLessThanOrEqual(30);
    expect(result.sources.length).toBeGreaterThan(10);
  });
});

describe("searching at once", () => {
  it("asks a provider one query at a time until it has answered one, then as many at once as its limits allow", async () => {
    fake.setLatency(40);
    const headings = [
      "Remote work and output",
      "Home office ergonomics",
      "Team communication online",
      "Managing distributed teams",
    ];
    const result = await findSources(
      { topic: QUERY, language: "en", headings },
      { providers: ["openalex", "crossref", "semantic-scholar"], urls: fake.urls, semanticScholarKey: "s2-test-key" },
    );
    expect(result.queries.map((q) => q.purpose)).toEqual(["topic", "heading", "heading", "heading"]);
    for (const provider of ["openalex", "crossref", "semantic-scholar"] as const)
      expect(fake.requestsTo(provider)).toHaveLength(4);
    expect(fake.peakInFlight("openalex")).toBe(3); // the three headings together, after the topic
    expect(fake.peakInFlight("crossref")).toBe(1); // the public pool (no mailto): one at a time
    expect(fake.peakInFlight("semantic-scholar")).toBe(1);
    // Each query's works are merged in the order the queries were asked, whenever they answered.
    const again = await findSources(
      { topic: QUERY, language: "en", headings },
      { providers: ["openalex"], urls: fake.urls },
    );
    fake.setLatency(0);
    const oneByOne = await findSources(
      { topic: QUERY, language: "en", headings },
      { providers: ["openalex"], urls: fake.urls },
    );
    expect(again.sources.map((s) => s.key)).toEqual(oneByOne.sources.map((s) => s.key));

    fake.resetPeaks();
    fake.setLatency(40);
    await findSources(
      { topic: QUERY, language: "en", headings },
      { providers: ["crossref"], urls: fake.urls, mailto: MAILTO },
    );
    expect(fake.peakInFlight("crossref")).toBe(3); // the polite pool takes a few at once
    expect(searchConcurrency("semantic-scholar", { mailto: MAILTO })).toBe(1);
  });

  it("a failed query ends a provider's part: its queries still in flight are called off, the others go on", async () => {
    const headings = ["Remote work and output", "Home office ergonomics", "Team communication online"];
    // The topic answers; of the three headings asked together one fails for good (a 400 is not retried) and two hang:
    // unless they are called off, they would wait for the (long) timeout and be asked again.
    let asked = 0;
    const fetchCounting: typeof fetch = (input, init) => {
      if (String(input).includes("/openalex") && ++asked === 2) {
        fake.failNext("openalex", { status: 400 });
        fake.failNext("openalex", { kind: "timeout" }, 2);
      }
      return fetch(input, init);
    };
    const result = await findSources(
      { topic: QUERY, language: "en", headings },
      {
        providers: ["openalex", "crossref"],
        urls: fake.urls,
        fetch: fetchCounting,
        timeoutMs: 60_000,
        retryDelaysMs: [1, 1],
      },
    );
    expect(result.failed).toEqual([{ provider: "openalex", error: "HTTP 400" }]);
    expect(result.reachable).toEqual(["openalex", "crossref"]); // OpenAlex answered its topic query
    expect(fake.requestsTo("openalex")).toHaveLength(4); // nothing asked again, nothing after the failure
    expect(fake.requestsTo("crossref")).toHaveLength(4);
    expect(result.sources.length).toBeGreaterThan(0);
  });
});

describe("text folding", () => {
  it("folds case and accents, and ASCII (most titles and abstracts) exactly as the full fold does", () => {
    expect(foldText("Ñúñez-Straße Æther")).toBe("nunez-strasse aether");
    expect(foldText("Remote WORK, 2020: A Review")).toBe("remote work, 2020: a review");
    const fullFold = (text: string) =>
      text
        .toLowerCase()
        .normalize("NFKD")
        .replace(/\p{M}+/gu, "")
        .normalize("NFC");
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let sample = 0; sample < 200; sample++) {
      const ascii = String.fromCharCode(...Array.from({ length: 1 + (next() % 60) }, () => next() % 128));
      expect(foldText(ascii)).toBe(fullFold(ascii));
    }
  });

  it("cuts content words to five letters by code point, in any script", () => {
    expect(contentStems("The Educational outcomes of remote workers")).toEqual(["educa", "outco", "remot", "worke"]);
    expect(contentStems("Освітні результати 𠀀𠀁𠀂𠀃𠀄𠀅 працівників")).toEqual([
      "освіт",
      "резул",
      "𠀀𠀁𠀂𠀃𠀄",
      "праці",
    ]);
  });
});

describe("assigning sources to sections", () => {
  const sections = [
    { index: 0, heading: "Introduction", keyPoints: ["why remote work matters"] },
    { index: 1, heading: "Legal framework of remote work", keyPoints: ["labour law", "contracts and regulation"] },
    { index: 2, heading: "Employee wellbeing", keyPoints: ["stress and burnout", "work-life balance"] },
    { index: 3, heading: "Productivity outcomes", keyPoints: ["output measures", "firm performance"] },
    { index: 4, heading: "Conclusion", keyPoints: [] },
  ];
  const source = (key: string, title: string, abstract: string | null = null) => ({ key, title, abstract });
  const sources = [
    source("general2024", "Remote work: a comprehensive review", "Remote work, wellbeing, productivity and law."),
    source("law2020", "Labour law and the regulation of remote contracts"),
    source("burnout2021", "Burnout and stress among remote employees", "Work-life balance suffers."),
    source("output2022", "Firm performance and output measures under remote work"),
    source("legal2019", "A legal framework for telework regulation"),
    source("balance2023", "Work-life balance and employee wellbeing"),
    source("perf2018", "Productivity outcomes of remote teams", "Firm performance measured."),
    source("misc2015", "Urban commuting patterns"),
  ];

  it("covers every section, uses every source, respects the cap, and matches by words", () => {
    const assignment = assignSourcesToSections(sources, sections, 4);
    expect([...assignment.keys()]).toEqual([0, 1, 2, 3, 4]);
    for (const keys of assignment.values()) {
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.length).toBeLessThanOrEqual(4);
      expect(new Set(keys).size).toBe(keys.length);
    }
    const used = new Set([...assignment.values()].flat());
    expect(used).toEqual(new Set(sources.map((s) => s.key)));
    expect(assignment.get(1)).toEqual(expect.arrayContaining(["law2020", "legal2019"]));
    expect(assignment.get(2)).toEqual(expect.arrayContaining(["burnout2021", "balance2023"]));
    expect(assignment.get(3)).toEqual(expect.arrayContaining(["output2022", "perf2018"]));
    expect(assignment.get(0)?.[0]).toBe("general2024"); // the introduction leads with the most general source
  });

  it("with more sources than room every section is full; with fewer than sections none is empty", () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      source(`s${i}`, `Remote work study number ${i} on wellbeing and law`),
    );
    const full = assignSourcesToSections(many, sections, 3);
    expect([...full.values()].every((keys) => keys.length === 3)).toBe(true);
    expect(new Set([...full.values()].flat()).size).toBe(15);

    const few = assignSourcesToSections(sources.slice(1, 3), sections, 4);
    expect([...few.values()].every((keys) => keys.length >= 1)).toBe(true);
    expect(new Set([...few.values()].flat())).toEqual(new Set(["law2020", "burnout2021"]));
    expect(few.get(1)).toContain("law2020");
    expect(few.get(2)).toContain("burnout2021");
  });

  it("no sources: every section gets an empty list", () => {
    expect(assignSourcesToSections([], sections)).toEqual(new Map(sections.map((s) => [s.index, []])));
  });

  it("works on a real research result", async () => {
    const { sources: found } = await findSources(
      { topic: QUERY, language: "en", headings: [] },
      { providers: ["openalex", "crossref"], urls: fake.urls, maxSources: 12 },
    );
    const assignment = assignSourcesToSections(found, sections, 4);
    expect(new Set([...assignment.values()].flat())).toEqual(new Set(found.map((s: RankedSource) => s.key)));
  });
});

describe("offline: no provider reachable", () => {
  it("no provider configured: no sources, no call", async () => {
    const result = await findSources(
      { topic: QUERY, language: "en", headings: ["Productivity"] },
      { providers: [], urls: fake.urls },
    );
    expect(result).toMatchObject({ sources: [], reachable: [], failed: [] });
    expect(fake.requests).toHaveLength(0);
    expect(noSourcesNotice("it")).toMatch(/non contiene riferimenti/);
    expect(noSourcesNotice("xx")).toMatch(/contains no references/);
  });

  it("every provider failing: no sources, never an invented one, and each failure reported", async () => {
    fake.failAlways("openalex", { status: 503 });
    fake.failAlways("crossref", { status: 429, retryAfterSeconds: 1 });
    fake.failAlways("semantic-scholar", { kind: "malformed" });
    const { sleep } = recordingSleep();
    const result = await findSources(
      { topic: QUERY, language: "de", headings: ["Produktivität im Homeoffice"] },
      { providers: ["openalex", "crossref", "semantic-scholar"], urls: fake.urls, retryDelaysMs: [1, 1], sleep },
    );
    expect(result.sources).toEqual([]);
    expect(result.reachable).toEqual([]);
    expect(result.failed).toEqual([
      { provider: "openalex", error: "HTTP 503" },
      { provider: "crossref", error: "HTTP 429" },
      { provider: "semantic-scholar", error: "malformed response" },
    ]);
    // One failed query (3 tries) and the provider is not asked again in this run.
    expect(fake.requestsTo("openalex")).toHaveLength(3);
    expect(fake.requestsTo("crossref")).toHaveLength(3);
  });

  it("nothing listening at all", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const result = await findSources(
      { topic: QUERY, language: "en", headings: [] },
      {
        providers: ["openalex", "crossref", "semantic-scholar"],
        urls: { openalex: base, crossref: base, "semantic-scholar": base },
        retryDelaysMs: [1, 1],
      },
    );
    expect(result.sources).toEqual([]);
    expect(result.failed.map((f) => f.provider)).toEqual(["openalex", "crossref", "semantic-scholar"]);
    expect(result.failed.every((f) => f.error.startsWith("network error"))).toBe(true);
  });
});

/** A port nobody listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
