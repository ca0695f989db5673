// Checking tasks (the citation judge, the English research query) are asked of the writer's cheap model
// (OPENAI_CHEAP_MODEL, ANTHROPIC_CHEAP_MODEL); sections are written with the writing model; the token rows name the
// model that answered and are priced at its rate; a customer's own key answers everything with the model they chose.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { byokKeyring, saveLlmKey } from "../../app/models/customer-llm-keys.server";
import { getEnv, parseEnv } from "../../app/utils/env.server";
import { AnthropicProvider } from "../../worker/llm/anthropic";
import { writerForOrder } from "../../worker/llm/customer-writer";
import { buildProviderChain, LlmRouter, type Writer } from "../../worker/llm/router";
import { usageRow } from "../../worker/llm/usage";
import { judgeCitations } from "../../worker/quality/citation-judge";
import { sentencesOf } from "../../worker/quality/citation-claims";
import type { SourceTexts } from "../../worker/quality/source-texts";
import { englishQueryFor } from "../../worker/research/english-query";
import { startFakeAnthropic, type FakeAnthropic } from "../fakes/anthropic";
import { isCitationJudgeRequest, isEnglishQueryRequest, startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";

let database: TestDatabase;
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;

beforeAll(async () => {
  database = await createTestDatabase();
  openai = await startFakeOpenAI();
  anthropic = await startFakeAnthropic();
  // The customer's OpenAI key is used against OPENAI_BASE_URL (getEnv, read once, on the first call below).
  process.env.OPENAI_BASE_URL = openai.url;
});

afterAll(async () => {
  await openai?.close();
  await anthropic?.close();
  await database?.destroy();
});

const SOURCE: SourceTexts = {
  key: "smith2020",
  title: "Urban heat islands",
  abstract: "Urban heat islands raise night temperatures in dense districts by up to four degrees.",
  pages: null,
};
const SECTION_TEXT = "Dense districts are up to four degrees warmer at night [@smith2020]. Trees cool streets.";

function judge(writer: Writer) {
  return judgeCitations(writer, {
    sentences: sentencesOf(SECTION_TEXT, "en"),
    sources: new Map([[SOURCE.key, SOURCE]]),
    language: "en",
  });
}

const section = {
  system: "You write academic sections.",
  prompt: "Write the section.",
  intent: {
    kind: "section" as const,
    topic: "Urban heat",
    language: "en",
    heading: "Causes",
    keyPoints: ["density"],
    targetWords: 120,
    attempt: 1,
  },
};

const promptOf = (body: { messages?: { content: string }[] }) => body.messages?.map((m) => m.content).join("\n") ?? "";

function modelsAsked(test: (prompt: string) => boolean, from: number): unknown[] {
  return openai.requests
    .slice(from)
    .filter((r) => test(promptOf(r.body)))
    .map((r) => r.body.model);
}

describe("checking tasks on the cheap model", () => {
  it("judges citations and makes the English query with OPENAI_CHEAP_MODEL, writes with OPENAI_MODEL, and prices each at its rate", async () => {
    const env = parseEnv({
      ...process.env,
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODEL: "gpt-4o",
      AI_FALLBACK_CHAIN: "openai",
    });
    expect(env.OPENAI_CHEAP_MODEL).toBe("gpt-4o-mini"); // the default
    const router = new LlmRouter(buildProviderChain(env));
    expect(router.describe()).toEqual(["openai:gpt-4o+gpt-4o-mini"]);
    const from = openai.requests.length;

    const judgement = await judge(router);
    const query = await englishQueryFor(router, { topic: "Isole di calore urbane", discipline: null, language: "it" });
    const written = await router.complete(section);

    expect(modelsAsked(isCitationJudgeRequest, from)).toEqual(["gpt-4o-mini"]);
    expect(modelsAsked(isEnglishQueryRequest, from)).toEqual(["gpt-4o-mini"]);
    expect(openai.requests.at(-1)!.body.model).toBe("gpt-4o");
    expect(judgement.verdicts.map((v) => v.verdict)).toEqual(["supported"]);
    expect(judgement.completions.map((c) => c.model)).toEqual(["gpt-4o-mini"]);
    expect(query?.completion.model).toBe("gpt-4o-mini");
    expect(written.model).toBe("gpt-4o");

    // The usage row names the model that answered, at its price: 1M tokens each way of gpt-4o-mini cost $0.75.
    const of = (completion: typeof written) =>
      usageRow({
        documentId: "d",
        userId: "u",
        purpose: "p",
        completion: { ...completion, tokensIn: 1_000_000, tokensOut: 1_000_000 },
      });
    expect(of(judgement.completions[0]!)).toMatchObject({ model: "gpt-4o-mini", cost_microdollars: 750_000 });
    expect(of(written)).toMatchObject({ model: "gpt-4o", cost_microdollars: 12_500_000 });
  });

  it("a deployer can name another cheap model, or the writing model itself", async () => {
    for (const cheap of ["gpt-4.1-mini", "gpt-4o"]) {
      const env = parseEnv({
        ...process.env,
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: openai.url,
        OPENAI_MODEL: "gpt-4o",
        OPENAI_CHEAP_MODEL: cheap,
        AI_FALLBACK_CHAIN: "openai",
      });
      const from = openai.requests.length;
      await judge(new LlmRouter(buildProviderChain(env)));
      expect(modelsAsked(isCitationJudgeRequest, from)).toEqual([cheap]);
    }
  });

  it("a misnamed cheap model fails only the checking call, and the breaker's last error names the model", async () => {
    const env = parseEnv({
      ...process.env,
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: openai.url,
      OPENAI_CHEAP_MODEL: "gpt-4o-mimi",
      AI_FALLBACK_CHAIN: "openai",
    });
    const router = new LlmRouter(buildProviderChain(env), { db: database.db });
    openai.failNext({ status: 404, message: "The model `gpt-4o-mimi` does not exist" });
    await expect(judge(router)).rejects.toThrow(/openai:gpt-4o-mimi: HTTP 404/);
    const breaker = await database.db
      .selectFrom("provider_breakers")
      .select(["state", "last_error"])
      .where("provider", "=", "openai")
      .executeTakeFirstOrThrow();
    expect(breaker).toEqual({ state: "closed", last_error: "HTTP 404 for model gpt-4o-mimi" });
    expect((await router.complete(section)).model).toBe("gpt-4o-mini");
  });

  it("Anthropic answers a cheap request with its cheap model and a writing request with its model", async () => {
    const provider = new AnthropicProvider({
      apiKey: "sk-ant-test",
      baseURL: anthropic.url,
      model: "claude-sonnet-4-6",
      cheapModel: "claude-haiku-4-5",
    });
    const from = anthropic.requests.length;
    const cheap = await provider.complete({ ...section, tier: "cheap" });
    const writing = await provider.complete(section);
    expect(anthropic.requests.slice(from).map((r) => r.body.model)).toEqual(["claude-haiku-4-5", "claude-sonnet-4-6"]);
    expect([cheap.model, writing.model]).toEqual(["claude-haiku-4-5", "claude-sonnet-4-6"]);
  });

  it("a compatible server does the checking with its one model", async () => {
    const env = parseEnv({ ...process.env, AI_FALLBACK_CHAIN: `compat:llama3.1@${openai.url}` });
    const from = openai.requests.length;
    await judge(new LlmRouter(buildProviderChain(env)));
    expect(modelsAsked(isCitationJudgeRequest, from)).toEqual(["llama3.1"]);
  });

  it("an order written with the customer's own key is judged with the model they chose, on their bill", async () => {
    const db = database.db;
    const user = await insertUser(db);
    const [sealWith] = byokKeyring(getEnv());
    await saveLlmKey(
      db,
      user.id,
      { provider: "openai", model: "gpt-4.1", baseUrl: null, apiKey: "sk-customer-0123456789", fallbackAllowed: false },
      sealWith!,
    );
    const ours = new LlmRouter(buildProviderChain(parseEnv({ ...process.env, AI_FALLBACK_CHAIN: "offline" })));
    const writer = await writerForOrder(
      { db, router: ours },
      { id: "00000000-0000-4000-8000-000000000001", user_id: user.id, priced_with_own_key: true },
    );
    const from = openai.requests.length;
    const judgement = await judge(writer);
    const asked = openai.requests.slice(from).filter((r) => isCitationJudgeRequest(promptOf(r.body)));
    expect(asked.map((r) => [r.body.model, r.authorization])).toEqual([["gpt-4.1", "Bearer sk-customer-0123456789"]]);
    expect(judgement.completions.map((c) => [c.model, c.paidByCustomer])).toEqual([["gpt-4.1", true]]);
  });
});
