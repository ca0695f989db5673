// The LLM providers with their real SDKs against the local fakes: answers, usage, and the shape of every failure the
// router has to classify (status, headers, retry-after, timeouts, broken bodies, aborts). No database needed.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { AnthropicProvider } from "../../worker/llm/anthropic";
import { classifyError, IncompleteAnswerError } from "../../worker/llm/errors";
import { OpenAIProvider } from "../../worker/llm/openai";
import type { CompletionRequest, LlmProvider, TextSink } from "../../worker/llm/provider";
import { LlmRouter } from "../../worker/llm/router";
import { watchIdle } from "../../worker/llm/stream";
import { startFakeAnthropic, type FakeAnthropic } from "../fakes/anthropic";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";

const TOPIC = "Urban heat islands in Mediterranean cities";

function sectionRequest(words: number): CompletionRequest {
  return {
    system: "You write one section of an academic document. Write continuous academic prose; no headings, no lists.",
    prompt: `Document topic: <topic>${TOPIC}</topic>. Language: English (<language>en</language>).\nWrite section 2, "Causes".\nLength: about <words>${words}</words> words.`,
    maxTokens: 800,
    intent: {
      kind: "section",
      topic: TOPIC,
      language: "en",
      heading: "Causes",
      keyPoints: [],
      targetWords: words,
      attempt: 1,
    },
  };
}

function outlineRequest(count: number): CompletionRequest {
  return {
    system: "You are an academic editor who plans long documents.",
    prompt: `Plan a thesis on the topic <topic>${TOPIC}</topic>.\nReturn exactly <sections>${count}</sections> sections: the first is the introduction and the last the conclusion.`,
    json: true,
    intent: { kind: "outline", topic: TOPIC, language: "en", sectionCount: count },
  };
}

/** The error a call rejects with (fails the test when it resolves). */
async function failureOf(call: Promise<unknown>): Promise<any> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("the call succeeded; a failure was expected");
}

function expectSections(text: string, count: number) {
  const outline = JSON.parse(text) as { sections: { heading: string }[] };
  expect(outline.sections).toHaveLength(count);
  expect(outline.sections[0].heading).toBe("Introduction");
  expect(outline.sections.at(-1)!.heading).toBe("Conclusion");
}

describe("AnthropicProvider with @anthropic-ai/sdk against the fake Messages API", () => {
  let fake: FakeAnthropic;
  let provider: AnthropicProvider;
  let quick: AnthropicProvider;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    provider = new AnthropicProvider({ apiKey: "sk-ant-fake", baseURL: fake.url, model: "claude-haiku-4-5" });
    quick = new AnthropicProvider({
      apiKey: "sk-ant-fake",
      baseURL: fake.url,
      model: "claude-haiku-4-5",
      timeoutMs: 300,
    });
  });

  afterAll(async () => {
    await fake?.close();
  });

  it("writes a section of the asked length and reports usage", async () => {
    const request = sectionRequest(120);
    const completion = await provider.complete(request);

    expect(completion.text.split(/\s+/)).toHaveLength(120);
    expect(completion).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5" });
    expect(completion.tokensOut).toBe(Math.ceil(completion.text.length / 4));
    expect(completion.tokensIn).toBe(Math.ceil((request.system + request.prompt).length / 4));

    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe("/v1/messages");
    expect(sent.apiKey).toBe("sk-ant-fake");
    // SDK 1.x sends the key as `Authorization: Bearer …`, not `x-api-key`.
    expect(sent.authVia).toBe("authorization");
    expect(sent.body).toMatchObject({
      model: "claude-haiku-4-5",
      max_tokens: 800,
      system: request.system,
      messages: [{ role: "user", content: request.prompt }],
    });
    expect(provider.breakerKey).toBe("anthropic");
  });

  it("asks for one JSON object in json mode and returns parseable JSON", async () => {
    const completion = await provider.complete(outlineRequest(6));

    expectSections(completion.text, 6);
    const sent = fake.requests.at(-1)!;
    expect(sent.body.system).toContain("You are an academic editor");
    expect(sent.body.system).toMatch(/one JSON object/);
    expect(sent.body.max_tokens).toBe(4096);
  });

  it("strips a ```json fence around the answer", async () => {
    fake.fenceJsonNext(1);
    const completion = await provider.complete(outlineRequest(5));

    expect(completion.text.startsWith("{")).toBe(true);
    expectSections(completion.text, 5);
  });

  it("throws OverloadedError (529) with status and headers, and the SDK does not retry", async () => {
    const before = fake.requests.length;
    fake.failNext({ status: 529, message: "Overloaded" });
    const error = await failureOf(provider.complete(sectionRequest(50)));

    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error.name).toBe("OverloadedError");
    expect(error.status).toBe(529);
    expect(error.type).toBe("overloaded_error");
    expect(error.headers).toBeInstanceOf(Headers);
    expect(fake.requests.length).toBe(before + 1);
  });

  it("throws RateLimitError (429) whose headers carry retry-after", async () => {
    const before = fake.requests.length;
    fake.failNext({ status: 429, retryAfterSeconds: 7 });
    const error = await failureOf(provider.complete(sectionRequest(50)));

    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.name).toBe("RateLimitError");
    expect(error.status).toBe(429);
    expect(error.headers).toBeInstanceOf(Headers);
    expect(error.headers.get("retry-after")).toBe("7");
    expect(fake.requests.length).toBe(before + 1);
  });

  it("throws InternalServerError (500)", async () => {
    fake.failNext({ status: 500 });
    const error = await failureOf(provider.complete(sectionRequest(50)));

    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error.name).toBe("InternalServerError");
    expect(error.status).toBe(500);
    expect(error.type).toBe("api_error");
    expect(error.headers.get("retry-after")).toBeNull();
  });

  it("throws APIConnectionTimeoutError when the server never answers", async () => {
    const before = fake.requests.length;
    fake.failNext({ kind: "timeout" });
    const startedAt = Date.now();
    const error = await failureOf(quick.complete(sectionRequest(50)));

    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(error.name).toBe("APIConnectionTimeoutError");
    expect(error.status).toBeUndefined();
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(fake.requests.length).toBe(before + 1);
  });

  it("throws a SyntaxError on a body that is not JSON", async () => {
    fake.failNext({ kind: "malformed" });
    const error = await failureOf(provider.complete(sectionRequest(50)));

    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.status).toBeUndefined();
  });

  it("stops when the signal aborts", async () => {
    fake.setLatency(2_000);
    try {
      const controller = new AbortController();
      const startedAt = Date.now();
      setTimeout(() => controller.abort(), 50);
      const error = await failureOf(provider.complete({ ...sectionRequest(50), signal: controller.signal }));

      expect(error).toBeInstanceOf(Anthropic.APIUserAbortError);
      expect(error.name).toBe("APIUserAbortError");
      expect(Date.now() - startedAt).toBeLessThan(1_500);
    } finally {
      fake.setLatency(0);
    }
  });
});

describe("OpenAIProvider with the openai SDK against the fake Chat Completions API", () => {
  let fake: FakeOpenAI;
  let provider: OpenAIProvider;
  let quick: OpenAIProvider;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    provider = new OpenAIProvider({ apiKey: "sk-fake-key", baseURL: fake.url, model: "gpt-4o-mini" });
    quick = new OpenAIProvider({ apiKey: "sk-fake-key", baseURL: fake.url, model: "gpt-4o-mini", timeoutMs: 300 });
  });

  afterAll(async () => {
    await fake?.close();
  });

  it("writes a section of the asked length and an outline as JSON", async () => {
    const section = await provider.complete(sectionRequest(80));
    expect(section.text.split(/\s+/)).toHaveLength(80);
    expect(section.tokensOut).toBe(Math.ceil(section.text.length / 4));
    expect(fake.requests.at(-1)!.authorization).toBe("Bearer sk-fake-key");

    const outline = await provider.complete(outlineRequest(4));
    expectSections(outline.text, 4);
  });

  it("throws RateLimitError (429) whose headers carry retry-after, and the SDK does not retry", async () => {
    const before = fake.requests.length;
    fake.failNext({ status: 429, retryAfterSeconds: 7 });
    const error = await failureOf(provider.complete(sectionRequest(50)));

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    // openai v6 leaves `name` as "Error"; the class is only visible through instanceof / constructor.name.
    expect(error.name).toBe("Error");
    expect(error.constructor.name).toBe("RateLimitError");
    expect(error.status).toBe(429);
    expect(error.headers).toBeInstanceOf(Headers);
    expect(error.headers.get("retry-after")).toBe("7");
    expect(fake.requests.length).toBe(before + 1);
  });

  it("throws InternalServerError (500)", async () => {
    fake.failNext({ status: 500 });
    const error = await failureOf(provider.complete(sectionRequest(50)));

    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.constructor.name).toBe("InternalServerError");
    expect(error.status).toBe(500);
    expect(error.headers).toBeInstanceOf(Headers);
  });

  it("throws APIConnectionTimeoutError when the server never answers", async () => {
    const before = fake.requests.length;
    fake.failNext({ kind: "timeout" });
    const startedAt = Date.now();
    const error = await failureOf(quick.complete(sectionRequest(50)));

    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(error.constructor.name).toBe("APIConnectionTimeoutError");
    expect(error.status).toBeUndefined();
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(fake.requests.length).toBe(before + 1);
  });

  it("throws a SyntaxError on a body that is not JSON", async () => {
    fake.failNext({ kind: "malformed" });
    const error = await failureOf(provider.complete(sectionRequest(50)));

    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.status).toBeUndefined();
  });

  it("stops when the signal aborts", async () => {
    fake.setLatency(2_000);
    try {
      const controller = new AbortController();
      const startedAt = Date.now();
      setTimeout(() => controller.abort(), 50);
      const error = await failureOf(provider.complete({ ...sectionRequest(50), signal: controller.signal }));

      expect(error).toBeInstanceOf(OpenAI.APIUserAbortError);
      expect(Date.now() - startedAt).toBeLessThan(1_500);
    } finally {
      fake.setLatency(0);
    }
  });

  it("records when each request arrived, so tests can check the spacing of retries", async () => {
    const before = fake.requestsAt.length;
    await provider.complete(sectionRequest(10));
    await new Promise((r) => setTimeout(r, 120));
    await provider.complete(sectionRequest(10));

    expect(fake.requestsAt).toHaveLength(fake.requests.length);
    const [first, second] = fake.requestsAt.slice(before);
    expect(second - first).toBeGreaterThanOrEqual(100);
  });
});

describe("closing a fake", () => {
  it.each([
    [
      "anthropic",
      async () => {
        const fake = await startFakeAnthropic();
        return {
          fake,
          provider: new AnthropicProvider({ apiKey: "k", baseURL: fake.url, model: "claude-haiku-4-5" }) as LlmProvider,
        };
      },
    ],
    [
      "openai",
      async () => {
        const fake = await startFakeOpenAI();
        return {
          fake,
          provider: new OpenAIProvider({ apiKey: "k", baseURL: fake.url, model: "gpt-4o-mini" }) as LlmProvider,
        };
      },
    ],
  ] as const)(
    "%s: ends a hanging request at once, which the SDK reports as APIConnectionError",
    async (_name, start) => {
      const { fake, provider } = await start();
      fake.failNext({ kind: "timeout" });
      const call = failureOf(provider.complete(sectionRequest(50)));
      await expect.poll(() => fake.requests.length).toBe(1);

      const startedAt = Date.now();
      await fake.close();
      const error = await call;

      expect(Date.now() - startedAt).toBeLessThan(1_000);
      expect(error.constructor.name).toBe("APIConnectionError");
      expect(error.status).toBeUndefined();
    },
  );
});

/** A sink that keeps what it is given, try by try. */
function recordingSink() {
  const tries: string[][] = [];
  const sink: TextSink = {
    restart: () => void tries.push([]),
    append: (text) => {
      if (tries.length === 0) tries.push([]);
      tries.at(-1)!.push(text);
    },
  };
  return { sink, tries };
}

describe.each([
  [
    "openai",
    async () => {
      const fake = await startFakeOpenAI();
      const make = (timeoutMs?: number) =>
        new OpenAIProvider({ apiKey: "k", baseURL: fake.url, model: "gpt-4o-mini", timeoutMs });
      return { fake, make };
    },
  ],
  [
    "anthropic",
    async () => {
      const fake = await startFakeAnthropic();
      const make = (timeoutMs?: number) =>
        new AnthropicProvider({ apiKey: "k", baseURL: fake.url, model: "claude-haiku-4-5", timeoutMs });
      return { fake, make };
    },
  ],
] as const)("%s: a streamed answer (a request with a sink)", (name, start) => {
  let fake: FakeOpenAI | FakeAnthropic;
  let make: (timeoutMs?: number) => LlmProvider;

  beforeAll(async () => {
    ({ fake, make } = await start());
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("hands every piece to the sink as it arrives, and returns the same answer and usage as an answer in one piece", async () => {
    const provider = make();
    const whole = await provider.complete(sectionRequest(400));
    const { sink, tries } = recordingSink();
    fake.setLatency(300);
    try {
      const streamed = await provider.complete({ ...sectionRequest(400), sink });
      expect(streamed).toEqual(whole);
      expect(tries).toHaveLength(1);
      expect(tries[0].join("")).toBe(streamed.text);
      expect(tries[0].length).toBeGreaterThan(5);
      expect(fake.requests.at(-1)!.body.stream).toBe(true);
      if (name === "openai") expect(fake.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
    } finally {
      fake.setLatency(0);
    }
  });

  it("asks for an answer in one piece without a sink (outlines, JSON)", async () => {
    await make().complete(outlineRequest(4));
    expect(fake.requests.at(-1)!.body.stream).toBeUndefined();
  });

  it("throws IncompleteAnswerError, which the router retries, when the connection is cut mid-answer", async () => {
    fake.failNext({ kind: "cut" });
    const { sink, tries } = recordingSink();
    const error = await failureOf(make().complete({ ...sectionRequest(400), sink }));
    expect(error).toBeInstanceOf(IncompleteAnswerError);
    expect(classifyError(error).retryable).toBe(true);
    // Part of the answer had arrived.
    expect(tries[0]?.join("").length ?? 0).toBeGreaterThan(0);
  });

  it("throws a SyntaxError (retried as a malformed answer) when an event is not JSON", async () => {
    fake.failNext({ kind: "malformed" });
    const error = await failureOf(make().complete({ ...sectionRequest(50), sink: recordingSink().sink }));
    expect(error).toBeInstanceOf(SyntaxError);
    expect(classifyError(error).retryable).toBe(true);
  });

  it("keeps the SDK's timeout until the answer begins", async () => {
    fake.failNext({ kind: "timeout" });
    const error = await failureOf(make(300).complete({ ...sectionRequest(50), sink: recordingSink().sink }));
    expect(error.constructor.name).toBe("APIConnectionTimeoutError");
  });

  it("stops when the caller's signal aborts mid-answer", async () => {
    fake.setLatency(3_000);
    try {
      const controller = new AbortController();
      const { sink, tries } = recordingSink();
      const call = failureOf(make().complete({ ...sectionRequest(400), sink, signal: controller.signal }));
      await expect.poll(() => tries[0]?.length ?? 0).toBeGreaterThan(0);
      controller.abort();
      expect(await call).toBeInstanceOf(Error);
    } finally {
      fake.setLatency(0);
    }
  });

  it("through the router: a cut answer is asked again, and the sink starts over for the new try", async () => {
    fake.failNext({ kind: "cut" });
    const router = new LlmRouter([make()], { sleep: async () => {} });
    const { sink, tries } = recordingSink();
    const completion = await router.complete({ ...sectionRequest(400), sink });
    expect(tries).toHaveLength(2);
    expect(tries[1].join("")).toBe(completion.text);
    expect(tries[0].join("").length).toBeLessThan(completion.text.length);
  });
});

describe("OpenAIProvider streaming from a compatible server that ignores stream_options", () => {
  it("estimates the tokens (about 4 characters a token) when the stream brings no usage", async () => {
    const fake = await startFakeOpenAI();
    try {
      const provider = new OpenAIProvider({ name: "compat", apiKey: "none", baseURL: fake.url, model: "llama3.1" });
      const request = { ...sectionRequest(200), sink: recordingSink().sink };
      fake.streamWithoutUsageNext(1);
      const completion = await provider.complete(request);
      expect(completion.tokensOut).toBe(Math.ceil(completion.text.length / 4));
      expect(completion.tokensIn).toBe(Math.ceil((request.system + request.prompt).length / 4));
    } finally {
      await fake.close();
    }
  });
});

describe("OpenAIProvider and a compatible server that refuses streamed requests", () => {
  it("asks again in one piece, and from then on asks that server in one piece", async () => {
    const fake = await startFakeOpenAI();
    try {
      fake.refuseStreams(true);
      const provider = new OpenAIProvider({ name: "compat", apiKey: "none", baseURL: fake.url, model: "llama3.1" });
      const { sink, tries } = recordingSink();
      const first = await provider.complete({ ...sectionRequest(120), sink });
      expect(first.text.split(/\s+/)).toHaveLength(120);
      expect(fake.requests.map((r) => r.body.stream ?? false)).toEqual([true, false]);
      expect(tries.flat()).toEqual([]); // nothing streamed: the sink only gets what streams

      await provider.complete({ ...sectionRequest(60), sink });
      expect(fake.requests.map((r) => r.body.stream ?? false)).toEqual([true, false, false]);
    } finally {
      await fake.close();
    }
  });

  it("keeps streaming when the request is refused in one piece too (the request was the problem)", async () => {
    const fake = await startFakeOpenAI();
    try {
      const provider = new OpenAIProvider({ apiKey: "k", baseURL: fake.url, model: "gpt-4o-mini" });
      fake.failNext({ status: 400, message: "This model's maximum context length is exceeded" }, 2);
      const error = await failureOf(provider.complete({ ...sectionRequest(60), sink: recordingSink().sink }));
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      await provider.complete({ ...sectionRequest(60), sink: recordingSink().sink });
      expect(fake.requests.map((r) => r.body.stream ?? false)).toEqual([true, false, true]);
    } finally {
      await fake.close();
    }
  });
});

describe("watchIdle", () => {
  // On a fake clock: a busy machine must not turn 30 ms between pieces into more than the 80 ms timeout.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stops an answer when nothing arrives for the timeout, and not while pieces keep coming", () => {
    let stopped = false;
    const idle = watchIdle(80, () => (stopped = true));
    try {
      for (let i = 0; i < 5; i++) {
        vi.advanceTimersByTime(30);
        idle.touch();
      }
      expect(stopped).toBe(false);
      expect(idle.reason()).toBeNull();
      vi.advanceTimersByTime(79);
      expect(stopped).toBe(false);
      vi.advanceTimersByTime(1);
      expect(stopped).toBe(true);
      expect(idle.reason()).toMatch(/no text for/);
    } finally {
      idle.clear();
    }
  });
});
