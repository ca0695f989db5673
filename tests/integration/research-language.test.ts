import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineContext } from "../../worker/context";
import { OfflineWriter } from "../../worker/llm/offline";
import { LlmRouter } from "../../worker/llm/router";
import { keepWithNativeShare, NATIVE_SHARE } from "../../worker/research/merge";
import { isEnglishQueryRequest, type FakeOpenAI } from "../fakes/openai";
import type { FakeScholarly } from "../fakes/scholarly";
import type { TestDatabase } from "../setup/database";
import { planPaidDocument, startPipelineFixture, type ResearchingPipelineFixture } from "../setup/pipeline-context";

// Issue 24, item 5: a non-English order is researched in its language and in English (the topic put into English by
// the writer), and the indexes' works in the order's language are ranked in, so a Ukrainian thesis cites the
// literature of its field in Ukrainian where it exists. An English order is researched as before.
let pipeline: ResearchingPipelineFixture;
let database: TestDatabase;
let openai: FakeOpenAI;
let scholarly: FakeScholarly;
let ctx: PipelineContext;

beforeAll(async () => {
  // Researched in the fake indexes and written by the fake OpenAI, no quality gate.
  pipeline = await startPipelineFixture({ research: true });
  ({ database, openai, scholarly, ctx } = pipeline);
});

afterAll(() => pipeline?.stop());

const promptOf = (body: { messages?: { content: string }[] }) => body.messages?.map((m) => m.content).join("\n") ?? "";

async function plan(topic: string, language: string, context = ctx) {
  const openaiBefore = openai.requests.length;
  const scholarlyBefore = scholarly.requests.length;
  const { document, sections } = await planPaidDocument(context, { topic, pages: 10, language });
  const sources = await database.db
    .selectFrom("sources")
    .select(["key", "language", "title"])
    .where("document_id", "=", document.id)
    .execute();
  const usage = await database.db
    .selectFrom("token_usage")
    .select(["purpose", "tokens_in"])
    .where("document_id", "=", document.id)
    .execute();
  return {
    document,
    sources,
    assigned: new Set(sections.flatMap((s) => s.source_keys as unknown as string[])),
    usage,
    translations: openai.requests.slice(openaiBefore).filter((r) => isEnglishQueryRequest(promptOf(r.body))),
    searches: scholarly.requests
      .slice(scholarlyBefore)
      .filter((r) => r.path === "/works" || r.path.endsWith("/search")),
  };
}

describe("research in the order's language", () => {
  it("a Ukrainian order sends its topic in Ukrainian (filtered to Ukrainian works) and in English, and its plan cites Ukrainian works", async () => {
    const topic = "Цифрова трансформація державного управління в Україні";
    const { sources, assigned, usage, translations, searches } = await plan(topic, "uk");

    // One translation call, recorded as the order's tokens.
    expect(translations).toHaveLength(1);
    expect(promptOf(translations[0]!.body)).toContain(`Topic: ${topic}`);
    expect(usage.filter((u) => u.purpose === "research-query")).toHaveLength(1);

    // The topic in Ukrainian, filtered to Ukrainian works where the index can filter…
    const openalex = searches.filter((r) => r.provider === "openalex");
    expect(openalex).toContainEqual(
      expect.objectContaining({ query: expect.objectContaining({ search: topic, filter: "language:uk" }) }),
    );
    // …and the English query (the fake writer's "translation" starts with "english"), unfiltered, to every index.
    for (const provider of ["openalex", "crossref", "semantic-scholar"] as const) {
      const english = searches.filter(
        (r) => r.provider === provider && (r.query.search ?? r.query.query ?? "").startsWith(`english ${topic}`),
      );
      expect(english, provider).toHaveLength(1);
      expect(english[0]!.query.filter).toBeUndefined();
    }

    // The index's Ukrainian works are among the sources, with their language, and the plan assigns them.
    const ukrainian = sources.filter((s) => s.language === "uk");
    expect(ukrainian.length).toBeGreaterThanOrEqual(Math.ceil(sources.length * NATIVE_SHARE) - 1);
    expect(ukrainian.filter((s) => assigned.has(s.key)).length).toBeGreaterThan(0);
    expect(sources.some((s) => s.language === "en")).toBe(true);
  });

  it("an English order is researched as before: no translation, no language filter, no second topic query", async () => {
    const topic = "Digital transformation of public administration";
    const { sources, usage, translations, searches } = await plan(topic, "en");
    expect(translations).toEqual([]);
    expect(usage.map((u) => u.purpose)).toEqual(["outline"]);
    expect(searches.filter((r) => r.query.filter)).toEqual([]);
    expect(searches.filter((r) => (r.query.search ?? r.query.query ?? "") === topic)).toHaveLength(3);
    expect(searches.some((r) => (r.query.search ?? r.query.query ?? "").startsWith("english"))).toBe(false);
    expect(sources.every((s) => s.language !== "uk")).toBe(true);
  });

  it("offline (no model to translate), an Italian order's second query is the topic as typed: no made-up translation", async () => {
    const offline = { ...ctx, router: new LlmRouter([new OfflineWriter()]) };
    const topic = "Lavoro da remoto e produttività nelle piccole imprese";
    const { translations, searches, usage } = await plan(topic, "it", offline);
    expect(translations).toEqual([]);
    expect(usage.some((u) => u.purpose === "research-query")).toBe(false);
    const openalex = searches.filter((r) => r.provider === "openalex").map((r) => [r.query.search, r.query.filter]);
    expect(openalex).toContainEqual([topic, "language:it"]);
    expect(openalex).toContainEqual([topic, undefined]);
  });
});

describe("a share of the kept sources in the order's language", () => {
  const work = (language: string, relevance: number) => ({ language, relevance });

  it("brings the best relevant native works in place of the lowest-ranked others, keeping rank order", () => {
    const ranked = [
      ...Array.from({ length: 9 }, () => work("en", 0.9)),
      work("en", 0.8),
      work("uk", 0.1), // not relevant enough for a reserved place
      work("uk", 0.6),
      work("uk", 0.5),
      work("uk", 0.4),
    ];
    const kept = keepWithNativeShare(ranked, 10, "uk");
    expect(kept).toHaveLength(10);
    expect(kept.filter((w) => w.language === "uk")).toEqual([ranked[11], ranked[12], ranked[13]]);
    expect(kept.map((w) => ranked.indexOf(w))).toEqual([0, 1, 2, 3, 4, 5, 6, 11, 12, 13]);
  });

  it("changes nothing for an English order, or when the native works already hold their share", () => {
    const ranked = [work("en", 1), work("uk", 0.9), work("uk", 0.9), work("en", 0.8), work("uk", 0.7)];
    expect(keepWithNativeShare(ranked, 3, "en")).toEqual(ranked.slice(0, 3));
    expect(keepWithNativeShare(ranked, 3, "uk")).toEqual(ranked.slice(0, 3));
  });
});
