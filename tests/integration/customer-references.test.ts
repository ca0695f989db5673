import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBoss } from "../../app/jobs/queue.server";
import { payWithDevPayment } from "../../app/models/checkout.server";
import { replaceCustomerReferences } from "../../app/models/customer-references.server";
import { createDocument } from "../../app/models/documents.server";
import { logger } from "../../app/utils/logger.server";
import type { PipelineContext } from "../../worker/context";
import { OpenAIProvider } from "../../worker/llm/openai";
import { LlmRouter } from "../../worker/llm/router";
import { createPipelineMachinery } from "../../worker/machinery";
import { planDocument } from "../../worker/pipeline/plan";
import { writeSection } from "../../worker/pipeline/write-section";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { insertUser, startTestBoss } from "../setup/fixtures";
import { CITE_INPUT, parseAs } from "../../app/utils/citation-js.server";
import { formatReferences } from "../../app/utils/reference-export.server";
import { readReferenceFile } from "../../app/utils/reference-import.server";
import { assignSourcesToSections } from "../../worker/research";
import { lookUpCustomerSources, nameCustomerSources, sameTitle } from "../../worker/research/resolve";
import { fakeWorkForDoi, startFakeScholarly, type FakeScholarly } from "../fakes/scholarly";
import { createTestDatabase, type TestDatabase } from "../setup/database";

// Issue 24, items 6 and 7 below the HTTP layer: the reference files citation-js writes and reads, the lookup of a
// customer's entries in the (fake) indexes, and their place in the plan's assignment of sources to sections.

const encode = (text: string) => new TextEncoder().encode(text);
type Csl = Record<string, any>;

describe("the bibliography files", () => {
  const items: Csl[] = [
    {
      id: "vanderberg2020",
      type: "article-journal",
      // Longer than the 70 characters after which citation-js' own RIS text breaks a value.
      title: "Urban water management and climate adaptation in mid-sized municipalities of southern Europe, 1990–2020",
      author: [
        { family: "van der Berg", given: "Jan" },
        { family: "García", given: "María José" },
      ],
      issued: { "date-parts": [[2020]] },
      "container-title": "Revista de Investigación Social",
      volume: "12",
      page: "101-130",
      DOI: "10.5555/tesigo.water2020",
    },
    {
      id: "muller2019",
      type: "chapter",
      title: "Grundwasser und Governance",
      author: [{ family: "Müller", given: "Jürgen" }],
      issued: { "date-parts": [[2019]] },
      "container-title": "Handbook of Water Policy",
      publisher: "Wiley",
      DOI: "10.5555/tesigo.gw2019",
    },
  ];
  const fields = (item: Csl) => ({
    title: item.title,
    authors: (item.author ?? []).map((a: Csl) =>
      [a["non-dropping-particle"], a.family, a.given].filter(Boolean).join(" "),
    ),
    year: item.issued?.["date-parts"]?.[0]?.[0],
    doi: item.DOI,
    container: item["container-title"],
  });

  it("BibTeX, RIS and CSL-JSON each read back with the same title, authors, year, DOI and container", () => {
    const expected = items.map(fields);
    expect(parseAs(formatReferences(items, "bib"), CITE_INPUT.bibtex).map(fields)).toEqual(expected);
    expect(parseAs(formatReferences(items, "ris"), CITE_INPUT.ris).map(fields)).toEqual(expected);
    expect(parseAs(JSON.parse(formatReferences(items, "json")), CITE_INPUT.cslList).map(fields)).toEqual(expected);
  });

  it("the BibTeX entries keep the document's keys; the RIS records keep every value on its line", () => {
    expect(formatReferences(items, "bib")).toMatch(/^@article\{vanderberg2020,/);
    const ris = formatReferences(items, "ris");
    expect(ris).toContain(`TI  - ${items[0]!.title}\r\n`);
    expect(ris.split("\r\n").every((line) => line === "" || /^[A-Z][A-Z0-9] {2}- ?/.test(line))).toBe(true);
  });

  it("a bibliography without a source is an empty file of its kind", () => {
    expect(formatReferences([], "bib").trim()).toBe("");
    expect(JSON.parse(formatReferences([], "json"))).toEqual([]);
  });
});

describe("a customer's reference file", () => {
  it("RIS: a record without its type line and one without a title are named by position and ID; the others are kept", () => {
    const read = readReferenceFile(
      "library.ris",
      encode(
        [
          "TY  - JOUR\nID  - first\nTI  - Water in cities\nAU  - Rossi, Luca\nPY  - 2021\nDO  - 10.5555/water-cities\nER  - ",
          "ID  - second\nTI  - No type\nER  - ",
          "TY  - BOOK\nID  - third\nPY  - 2001\nER  - ",
          "TY  - CHAP\nTI  - A chapter\nT2  - A handbook\nER  - ",
        ].join("\n"),
      ),
    );
    expect("refusal" in read).toBe(false);
    if ("refusal" in read) return;
    expect(read.references.map((r) => [r.position, r.label, r.title, r.doi, r.year])).toEqual([
      [1, "first", "Water in cities", "10.5555/water-cities", 2021],
      [4, null, "A chapter", null, null],
    ]);
    expect(read.rejected).toEqual([
      { position: 2, label: "second", reason: "references:rejected.risType" },
      { position: 3, label: "third", reason: "references:rejected.noTitle" },
    ]);
  });

  it("CSL-JSON: an item that is not an object, one without a title and one with a broken DOI are named; the others are kept", () => {
    const read = readReferenceFile(
      "library.json",
      encode(
        JSON.stringify([
          { id: "a", type: "book", title: "  A   book\u0007 ", author: [{ family: "Bianchi", given: "Giulia" }] },
          "just a string",
          { id: "c", type: "book" },
          { id: "d", title: "Bad DOI", DOI: "doi:12.34/x" },
          { id: "e", title: "Good DOI", DOI: "https://doi.org/10.5555/ABC" },
        ]),
      ),
    );
    if ("refusal" in read) throw new Error(read.refusal);
    expect(read.references.map((r) => [r.position, r.label, r.title, r.doi])).toEqual([
      [1, "a", "A book", null],
      [5, "e", "Good DOI", "10.5555/abc"],
    ]);
    expect(read.rejected.map((r) => [r.position, r.label, r.reason.split("|")[0]])).toEqual([
      [2, null, "references:rejected.notAnItem"],
      [3, "c", "references:rejected.noTitle"],
      [4, "d", "references:rejected.badDoi"],
    ]);
  });
});

describe("the customer's entries in the plan", () => {
  let database: TestDatabase;
  let scholarly: FakeScholarly;
  let openai: FakeOpenAI;
  let boss: PgBoss;
  beforeAll(async () => {
    database = await createTestDatabase();
    scholarly = await startFakeScholarly();
    openai = await startFakeOpenAI();
    boss = useBoss(await startTestBoss(database.url));
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    await openai?.close();
    await scholarly?.close();
    await database?.destroy();
  });
  const config = () => ({
    providers: ["openalex" as const, "crossref" as const],
    urls: scholarly.urls,
    db: database.db,
    retryDelaysMs: [1, 1],
  });
  const row = (id: string, title: string, doi: string | null, csl: Csl = {}) => ({
    id,
    key: `own${id}`,
    title,
    doi,
    csl: { id: `own${id}`, title, ...csl },
  });

  it("are looked up by DOI (Crossref's record), else by title, and one no index knows stays as given; keys avoid the search's", async () => {
    const byDoi = fakeWorkForDoi("10.5555/urban-water-adaptation")!;
    const looked = await lookUpCustomerSources(
      [
        row("1", "Water in cities", "10.5555/urban-water-adaptation"),
        row("2", "Groundwater and governance: a systematic review", null),
        row("3", "Field notes on the municipal water board", null, {
          author: [{ family: "Bianchi", given: "Giulia" }],
          issued: { "date-parts": [[2022]] },
          publisher: "Comune di Milano",
        }),
        row("4", "A work nobody registered", "10.5555/unknown-work"),
      ],
      config(),
    );
    expect(looked.map((l) => l.resolution)).toEqual(["found-by-doi", "found-by-title", "not-found", "not-found"]);
    const named = nameCustomerSources(looked, ["bianchi2022"]);
    expect(named[0]).toMatchObject({ title: byDoi.title, doi: byDoi.doi, year: byDoi.year });
    expect(named[0]!.csl).toMatchObject({ id: named[0]!.key, title: byDoi.title, DOI: byDoi.doi });
    expect(named[2]).toMatchObject({ key: "bianchi2022a", title: "Field notes on the municipal water board" });
    expect(named[2]!.csl).toMatchObject({ publisher: "Comune di Milano", issued: { "date-parts": [[2022]] } });
    expect(new Set(named.map((n) => n.key)).size).toBe(4);
    // A DOI is looked up, not searched; a DOI no index knows is an answer (404), not a failure that trips a breaker.
    const crossref = scholarly.requestsTo("crossref").map((r) => r.path);
    expect(crossref).toEqual(
      expect.arrayContaining(["/works/10.5555/urban-water-adaptation", "/works/10.5555/unknown-work"]),
    );
    const breakers = await database.db.selectFrom("provider_breakers").selectAll().execute();
    expect(breakers.flatMap((b) => b.failure_times as unknown as string[])).toEqual([]);
  });

  it("are planned into sections, and the writer is told, in the order's language, to cite each one where it is given", async () => {
    const user = await insertUser(database.db);
    const document = await createDocument(database.db, user.id, {
      topic: "Gestione delle acque urbane e adattamento climatico",
      pages: 5,
      language: "it",
    });
    await database.db.updateTable("documents").set({ status: "draft" }).where("id", "=", document.id).execute();
    const read = readReferenceFile(
      "library.bib",
      encode(`@article{a, title = {Water in cities}, doi = {10.5555/urban-water-adaptation}}
@book{b, title = {Quaderni del consorzio idrico}, author = {Bianchi, Giulia}, year = {2022}}`),
    );
    if ("refusal" in read) throw new Error(read.refusal);
    expect(await replaceCustomerReferences(database.db, document.id, user.id, read.references)).toBe(true);
    await database.db
      .updateTable("documents")
      .set({ status: "awaiting_payment" })
      .where("id", "=", document.id)
      .execute();
    expect(await payWithDevPayment(database.db, document.id, user.id)).toBe(true);
    const machinery = createPipelineMachinery();
    const ctx: PipelineContext = {
      db: database.db,
      router: new LlmRouter([new OpenAIProvider({ apiKey: "sk", baseURL: openai.url, model: "gpt-4o-mini" })]),
      log: logger,
      sectionConcurrency: 2,
      completionThreshold: 0.85,
      research: config(),
      machinery,
    };
    try {
      await planDocument(ctx, { documentId: document.id });
      const own = await database.db
        .selectFrom("sources")
        .select(["key", "resolution"])
        .where("document_id", "=", document.id)
        .where("priority", "=", true)
        .orderBy("import_position")
        .execute();
      expect(own.map((s) => s.resolution)).toEqual(["found-by-doi", "not-found"]);
      const sections = await database.db
        .selectFrom("sections")
        .select(["id", "source_keys"])
        .where("document_id", "=", document.id)
        .orderBy("index")
        .execute();
      const holder = sections.find((s) => (s.source_keys as unknown as string[]).includes(own[1]!.key))!;
      await writeSection(ctx, { documentId: document.id, sectionId: holder.id });
      const prompt = JSON.stringify(openai.requests.at(-1)!.body);
      expect(prompt).toMatch(
        new RegExp(
          `\\[@${own[1]!.key}\\] Bianchi \\(2022\\)\\. Quaderni del consorzio idrico\\. Fonte fornita dal cliente: citala in questa sezione\\.`,
        ),
      );
    } finally {
      await machinery.close();
    }
  });

  it("are left unchecked, as given, when no index answers or none is configured", async () => {
    scholarly.failAlways("crossref", { status: 503 });
    scholarly.failAlways("openalex", { status: 503 });
    try {
      const looked = await lookUpCustomerSources(
        [row("1", "Water in cities", "10.5555/urban-water-adaptation")],
        config(),
      );
      expect(looked.map((l) => [l.resolution, l.work.title])).toEqual([["not-checked", "Water in cities"]]);
    } finally {
      scholarly.recover();
    }
    const offline = await lookUpCustomerSources([row("1", "Water in cities", null)], undefined);
    expect(offline.map((l) => l.resolution)).toEqual(["not-checked"]);
  });

  it("are each placed in a section before any found source, all of them even beyond a section's room", () => {
    const sections = ["Introduction", "Groundwater law", "Urban drainage", "Conclusion"].map((heading, index) => ({
      index,
      heading,
      keyPoints: [],
    }));
    const found = Array.from({ length: 20 }, (_, i) => ({
      key: `found${i}`,
      title: `Groundwater law and urban drainage study ${i}`,
      abstract: null,
    }));
    const own = Array.from({ length: 10 }, (_, i) => ({
      key: `own${i}`,
      title: `Private archive ${i}`,
      abstract: null,
      priority: true,
    }));
    const assignment = assignSourcesToSections([...own, ...found], sections, 2);
    const placed = [...assignment.values()].flat();
    for (const source of own) expect(placed).toContain(source.key);
    for (const keys of assignment.values()) {
      const firstFound = keys.findIndex((k) => k.startsWith("found"));
      if (firstFound !== -1) expect(keys.slice(firstFound).every((k) => k.startsWith("found"))).toBe(true);
    }
  });

  it("match a found title only when it is the same title, or the same main title without a subtitle", () => {
    expect(
      sameTitle("Groundwater and governance: a systematic review", "Groundwater and Governance. A systematic review"),
    ).toBe(true);
    expect(
      sameTitle("Groundwater and Governance: A Systematic Review", "groundwater and governance: a systematic review"),
    ).toBe(true);
    expect(sameTitle("Groundwater governance in Europe", "Groundwater governance in Europe: a review")).toBe(true);
    expect(sameTitle("Water", "Water: a history")).toBe(false);
    expect(sameTitle("Groundwater governance in Europe", "Groundwater governance in Asia")).toBe(false);
  });
});
