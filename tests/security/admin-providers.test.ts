// Issue 18, item 6: /admin/providers over HTTP against the running app. An admin sees each breaker (state, failures,
// last error, when it half-opens), the daily token budget and its use, and the writer chain; forcing a breaker open or
// closed, or resetting it, is audited with its reason and obeyed by the worker's router; bad input changes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetBreaker } from "../../app/models/provider-breakers.server";
import { formatDateTime } from "../../app/utils/format";
import { AnthropicProvider } from "../../worker/llm/anthropic";
import { recordBreakerFailure } from "../../worker/llm/breaker";
import { OpenAIProvider } from "../../worker/llm/openai";
import type { CompletionRequest } from "../../worker/llm/provider";
import { LlmRouter } from "../../worker/llm/router";
import { startFakeAnthropic, type FakeAnthropic } from "../fakes/anthropic";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { type App, type Client, signedInCustomer, startApp } from "./app";

let app: App;
let admin: Client;
let adminId: string;
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  anthropic = await startFakeAnthropic();
  // The web process only: the page and its actions are what is tested; the router below is the worker's own code.
  app = await startApp({
    ROLE: "web",
    OPENAI_API_KEY: "sk-openai-fake",
    OPENAI_BASE_URL: openai.url,
    ANTHROPIC_API_KEY: "sk-ant-fake",
    ANTHROPIC_BASE_URL: anthropic.url,
    AI_FALLBACK_CHAIN: "openai:gpt-4o-mini,anthropic:claude-haiku-4-5",
    RESEARCH_PROVIDERS: "openalex",
    DAILY_TOKEN_LIMIT: "200000",
  });
  const signedIn = await signedInCustomer(app, "providers-admin@example.com");
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", signedIn.userId).execute();
  admin = signedIn.client;
  adminId = signedIn.userId;
});
afterAll(async () => {
  await app?.stop();
  await openai?.close();
  await anthropic?.close();
});

const SECTION: CompletionRequest = {
  system: "You write one section of an academic document.",
  prompt: "Write section 2, Causes. Length: about <words>60</words> words.",
  intent: {
    kind: "section",
    topic: "Urban heat islands",
    language: "en",
    heading: "Causes",
    keyPoints: [],
    targetWords: 60,
    attempt: 1,
  },
};

/** The worker's router over the app's database, as a worker process builds it: OpenAI first, then Anthropic. */
function workerRouter(now: () => Date = () => new Date()) {
  return new LlmRouter(
    [
      new OpenAIProvider({ apiKey: "sk-openai-fake", baseURL: openai.url, model: "gpt-4o-mini" }),
      new AnthropicProvider({ apiKey: "sk-ant-fake", baseURL: anthropic.url, model: "claude-haiku-4-5" }),
    ],
    { db: app.db, sleep: async () => {}, now },
  );
}

/** Which provider wrote, and how many calls each fake received meanwhile. */
async function writeOnce(now?: () => Date) {
  const before = { openai: openai.requests.length, anthropic: anthropic.requests.length };
  const result = await workerRouter(now).complete(SECTION);
  return {
    provider: result.provider,
    openaiCalls: openai.requests.length - before.openai,
    anthropicCalls: anthropic.requests.length - before.anthropic,
  };
}

async function trip(provider: string) {
  for (let i = 0; i < 5; i++) await recordBreakerFailure(app.db, provider, { error: "HTTP 503" });
}

const act = (intent: string, provider: string, reason = "OpenAI status page: incident 4711") =>
  admin.post("/admin/providers", { intent, provider, reason });

/** What a person sees: the page without its scripts (Remix's serialized data) and React's empty text separators. */
const visible = (html: string) => html.replace(/<script\b[\s\S]*?<\/script>/g, "").replaceAll("<!-- -->", "");

async function auditRows(action: string) {
  return app.db
    .selectFrom("audit_log")
    .select(["actor_user_id", "target_type", "target_id", "reason", "details"])
    .where("action", "=", action)
    .orderBy("id")
    .execute();
}

async function breakerRow(provider: string) {
  return app.db.selectFrom("provider_breakers").selectAll().where("provider", "=", provider).executeTakeFirst();
}

describe("the providers page", () => {
  it("shows a tripped breaker's state, failures, last error and half-open time, the token budget used today, and the chain", async () => {
    await trip("openai");
    const row = await breakerRow("openai");
    await app.db
      .insertInto("token_usage")
      .values({
        provider: "openai",
        model: "gpt-4o-mini",
        purpose: "section",
        tokens_in: 12_000,
        tokens_out: 30_345,
        cost_microdollars: "0",
      })
      .execute();

    const page = await admin.get("/admin/providers");
    expect(page.status).toBe(200);
    expect(visible(page.text)).toMatch(/data-breaker-state="open"/);
    expect(visible(page.text)).toContain("HTTP 503");
    expect(visible(page.text)).toContain(formatDateTime(new Date(row!.opened_at!.getTime() + 60_000)));
    expect(visible(page.text)).toContain("42,345"); // tokens used today
    expect(visible(page.text)).toContain("200,000"); // the daily limit
    expect(visible(page.text)).toContain("openai:gpt-4o-mini");
    expect(visible(page.text)).toContain("anthropic:claude-haiku-4-5");
    // The scholarly index is listed though it never failed, so it can be pinned before it does.
    expect(visible(page.text)).toContain("openalex");
    expect(page.text).toContain('action="/admin/providers"');
  });
});

describe("an admin's pins are obeyed by every worker's router", () => {
  // Each test starts from a closed, unpinned OpenAI whatever the one before left.
  beforeEach(async () => {
    await resetBreaker(app.db, "openai");
  });

  it("forced open over HTTP, OpenAI is skipped without a call, now and a day later, and Anthropic writes; audited with the reason", async () => {
    expect((await writeOnce()).provider).toBe("openai");
    const forced = await act("force_open", "openai");
    expect(forced.status, forced.text).toBe(200);
    expect(visible(forced.text)).toContain("is forced open");

    expect(await writeOnce()).toEqual({ provider: "anthropic", openaiCalls: 0, anthropicCalls: 1 });
    const tomorrow = () => new Date(Date.now() + 86_400_000);
    expect(await writeOnce(tomorrow)).toEqual({ provider: "anthropic", openaiCalls: 0, anthropicCalls: 1 });

    expect(await auditRows("provider.forced_open")).toEqual([
      {
        actor_user_id: adminId,
        target_type: "provider",
        target_id: "openai",
        reason: "OpenAI status page: incident 4711",
        details: { before: { state: "closed", forced: null, recentFailures: 0 } },
      },
    ]);
    const page = await admin.get("/admin/providers");
    expect(visible(page.text)).toContain("Forced open by providers-admin@example.com");
  });

  it("reset over HTTP, a pinned-open OpenAI is called again; the reset is audited", async () => {
    await act("force_open", "openai");
    const reset = await act("reset", "openai", "incident 4711 resolved");
    expect(reset.status, reset.text).toBe(200);
    expect(await writeOnce()).toEqual({ provider: "openai", openaiCalls: 1, anthropicCalls: 0 });
    expect(await breakerRow("openai")).toMatchObject({ state: "closed", forced_state: null, failure_times: [] });
    const [entry] = (await auditRows("provider.reset")).slice(-1);
    expect(entry).toMatchObject({ target_id: "openai", reason: "incident 4711 resolved", actor_user_id: adminId });
  });

  it("forced closed over HTTP, a tripped OpenAI is called at once, and failures after never open it; audited", async () => {
    await trip("openai");
    expect(await writeOnce()).toEqual({ provider: "anthropic", openaiCalls: 0, anthropicCalls: 1 });

    const forced = await act("force_closed", "openai", "the failures were ours, not OpenAI's");
    expect(forced.status, forced.text).toBe(200);
    expect(await writeOnce()).toEqual({ provider: "openai", openaiCalls: 1, anthropicCalls: 0 });
    // However often it fails from now on, it stays closed until an admin resets it.
    await trip("openai");
    expect(await writeOnce()).toEqual({ provider: "openai", openaiCalls: 1, anthropicCalls: 0 });
    expect(await auditRows("provider.forced_closed")).toEqual([
      expect.objectContaining({
        target_id: "openai",
        reason: "the failures were ours, not OpenAI's",
        details: { before: { state: "open", forced: null, recentFailures: 5 } },
      }),
    ]);
  });
});

describe("bad input is refused with a message and changes nothing", () => {
  it("a made-up or malformed provider name, a missing reason, or an unknown action answers 400 and pins nothing", async () => {
    const auditBefore = await app.db
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .execute();
    const breakersBefore = await app.db.selectFrom("provider_breakers").selectAll().orderBy("provider").execute();

    for (const provider of ["openai'; drop table provider_breakers; --", "../../etc/passwd", "mistral"]) {
      const reply = await act("force_open", provider);
      expect(reply.status, provider).toBe(400);
      expect(visible(reply.text)).toContain("No provider is called");
    }
    const empty = await act("force_open", "");
    expect(empty.status).toBe(400);
    expect(visible(empty.text)).toContain("Choose a provider.");

    const noReason = await admin.post("/admin/providers", { intent: "force_open", provider: "anthropic" });
    expect(noReason.status).toBe(400);
    expect(visible(noReason.text)).toContain("Say why: it goes into the audit log.");
    const shortReason = await act("force_open", "anthropic", "no");
    expect(shortReason.status).toBe(400);
    expect(visible(shortReason.text)).toContain("Say why in a few words");

    const unknown = await act("explode", "anthropic");
    expect(unknown.status).toBe(400);
    expect(visible(unknown.text)).toContain("Choose force open, force closed or reset.");

    expect(
      await app.db
        .selectFrom("audit_log")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .execute(),
    ).toEqual(auditBefore);
    expect(await app.db.selectFrom("provider_breakers").selectAll().orderBy("provider").execute()).toEqual(
      breakersBefore,
    );
  });
});

describe("only an admin pins a provider", () => {
  it("a customer's complete, valid force-open form is answered as an unknown URL and pins nothing", async () => {
    const { client } = await signedInCustomer(app);
    const audited = (await auditRows("provider.forced_open")).length;
    const form = { intent: "force_open", provider: "anthropic", reason: "take the competitor's writer down" };
    const reply = await client.post("/admin/providers", form);
    expect(reply.status).toBe((await client.post("/no-such-page-here", form)).status);
    expect(await breakerRow("anthropic")).toBeUndefined();
    expect(await auditRows("provider.forced_open")).toHaveLength(audited);
  });
});
