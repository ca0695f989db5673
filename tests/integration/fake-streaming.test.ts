// The LLM fakes' streaming answers, read by the real SDKs: the same text and usage as a whole answer, spread over the
// latency, and the faults a streaming writer has to survive (cut connections, broken events). No database needed.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropic, type FakeAnthropic } from "../fakes/anthropic";
import { fakeOutline, fakeProse, fakeSection, startFakeOpenAI, textChunks, type FakeOpenAI } from "../fakes/openai";

const TOPIC = "Urban heat islands in Mediterranean cities";
const SECTION = `Document topic: <topic>${TOPIC}</topic>. Language: English (<language>en</language>).\nWrite section 2, "Causes".\nLength: about <words>300</words> words.`;
const OUTLINE = `Plan a thesis on the topic <topic>${TOPIC}</topic>.\nReturn exactly <sections>5</sections> sections: the first is the introduction and the last the conclusion.`;
const LATENCY_MS = 400;

/** The error an async step rejects with (fails the test when it resolves). */
async function failureOf(step: () => Promise<unknown>): Promise<any> {
  try {
    await step();
  } catch (error) {
    return error;
  }
  throw new Error("the step succeeded; a failure was expected");
}

function paragraphsOf(text: string): string[] {
  return text.split("\n\n");
}

function sentencesOf(paragraph: string): number {
  return paragraph.split(/(?<=\.)\s+/).length;
}

describe("fakeProse", () => {
  it("writes paragraphs of 6 to 10 sentences, exactly the asked number of words", () => {
    const text = fakeProse(1400, "a seed");
    const paragraphs = paragraphsOf(text);

    expect(text.trim().split(/\s+/)).toHaveLength(1400);
    expect(text).toBe(text.trim());
    expect(paragraphs.length).toBeGreaterThan(10);
    for (const paragraph of paragraphs.slice(0, -1)) {
      expect(paragraph).toMatch(/^[A-Z]/);
      expect(paragraph).not.toMatch(/\n/);
      expect(sentencesOf(paragraph)).toBeGreaterThanOrEqual(6);
      expect(sentencesOf(paragraph)).toBeLessThanOrEqual(10);
    }
    // The lengths vary, as a writer's would.
    expect(new Set(paragraphs.slice(0, -1).map(sentencesOf)).size).toBeGreaterThan(2);
  });

  it("is the same for a seed and different for another", () => {
    expect(fakeProse(300, "one")).toBe(fakeProse(300, "one"));
    expect(fakeProse(300, "one")).not.toBe(fakeProse(300, "two"));
  });

  it("keeps a short text in one paragraph and cites the keys it is given", () => {
    expect(fakeProse(40, "short")).not.toContain("\n");
    expect(fakeProse(300, "cited", ["smith2020"])).toContain("[@smith2020].");
  });

  it("keeps a section's key points in its first paragraph and its exact length", () => {
    const prompt = `${SECTION}\nCover these key points: <key-points>causes of heat; effects on health</key-points>.`;
    const text = fakeSection(prompt);

    expect(text.split(/\s+/)).toHaveLength(300);
    expect(paragraphsOf(text)[0]).toMatch(
      /^This section considers causes of heat\. This section considers effects on health\. /,
    );
  });

  it("chunks a text into runs of 4 to 8 words that join back byte for byte", () => {
    const text = fakeProse(500, "chunks");
    const chunks = textChunks(text);

    expect(chunks.join("")).toBe(text);
    for (const chunk of chunks.slice(0, -1)) {
      const words = chunk.trim().split(/\s+/).length;
      expect(words).toBeGreaterThanOrEqual(4);
      expect(words).toBeLessThanOrEqual(8);
    }
    expect(chunks.some((chunk) => /\S\n\n\S/.test(chunk) || chunk.endsWith("\n\n"))).toBe(true);
  });
});

type OpenAIRead = {
  chunks: OpenAI.ChatCompletionChunk[];
  text: string;
  deltaTimes: number[];
  finishReason: string | null;
  usage: OpenAI.CompletionUsage | null;
  endedAt: number;
};

/** Reads a streamed chat completion to its end, noting when each content delta arrived. */
async function readOpenAI(
  stream: AsyncIterable<OpenAI.ChatCompletionChunk>,
  read: Partial<OpenAIRead> = {},
): Promise<OpenAIRead> {
  const result: OpenAIRead = Object.assign(read, {
    chunks: [],
    text: "",
    deltaTimes: [],
    finishReason: null,
    usage: null,
    endedAt: 0,
  });
  for await (const chunk of stream) {
    result.chunks.push(chunk);
    const choice = chunk.choices[0];
    if (choice?.delta.content) {
      result.text += choice.delta.content;
      result.deltaTimes.push(Date.now());
    }
    if (choice?.finish_reason) result.finishReason = choice.finish_reason;
    if (chunk.usage) result.usage = chunk.usage;
  }
  result.endedAt = Date.now();
  return result;
}

describe("the fake Chat Completions API, streamed to the openai SDK", () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  const messages = (prompt: string): OpenAI.ChatCompletionMessageParam[] => [{ role: "user", content: prompt }];
  const streamed = (prompt: string, extra: Partial<OpenAI.ChatCompletionCreateParamsStreaming> = {}) =>
    client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: messages(prompt),
      stream: true,
      stream_options: { include_usage: true },
      ...extra,
    });

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    // No retries, so each fault is seen as it is; the SDK's own error logging off (a broken event logs before it throws).
    client = new OpenAI({ apiKey: "sk-fake-key", baseURL: fake.url, maxRetries: 0, logLevel: "off" });
  });

  afterAll(async () => {
    await fake?.close();
  });

  it("streams the whole answer's content in chunks, then the finish, the usage and [DONE]", async () => {
    const whole = await client.chat.completions.create({ model: "gpt-4o-mini", messages: messages(SECTION) });
    const read = await readOpenAI(await streamed(SECTION));

    expect(fake.requests.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(read.text).toBe(whole.choices[0].message.content);
    expect(read.text).toContain("\n\n");
    expect(read.usage).toEqual(whole.usage);
    expect(read.finishReason).toBe("stop");
    const [first, ...rest] = read.chunks;
    expect(first).toMatchObject({
      object: "chat.completion.chunk",
      model: "gpt-4o-mini",
      choices: [{ delta: { role: "assistant", content: "" } }],
    });
    const usageChunk = rest.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    const finishChunk = rest.at(-2)!;
    expect(finishChunk.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    // Several content chunks of a few words, not one per word nor one for all.
    const contentChunks = rest.slice(0, -2);
    expect(contentChunks.length).toBeGreaterThan(30);
    expect(contentChunks.length).toBeLessThan(100);
    expect(contentChunks.every((chunk) => chunk.usage === null)).toBe(true);
  });

  it("has no usage chunk when include_usage is not asked", async () => {
    const read = await readOpenAI(await streamed(SECTION, { stream_options: undefined }));

    expect(read.usage).toBeNull();
    expect(read.finishReason).toBe("stop");
    expect(read.chunks.at(-1)!.choices[0].finish_reason).toBe("stop");
  });

  it("streams an outline as the same JSON", async () => {
    const read = await readOpenAI(await streamed(OUTLINE, { response_format: { type: "json_object" } }));

    expect(read.text).toBe(fakeOutline(OUTLINE));
  });

  it("consumes a short answer on a streaming call as on any other", async () => {
    fake.shortAnswersNext(1);
    const short = await readOpenAI(await streamed(SECTION));
    const full = await readOpenAI(await streamed(SECTION));

    expect(short.text).toBe(fakeSection(SECTION, true));
    expect(full.text).toBe(fakeSection(SECTION));
  });

  it("spreads the content over the latency and ends no sooner than a whole answer", async () => {
    fake.setLatency(LATENCY_MS);
    try {
      const startedAt = Date.now();
      const read = await readOpenAI(await streamed(SECTION));

      expect(read.text).toBe(fakeSection(SECTION));
      // The deltas came over many separate reads, the first one before the end.
      expect(new Set(read.deltaTimes).size).toBeGreaterThan(3);
      expect(read.deltaTimes[0]).toBeLessThan(read.deltaTimes.at(-1)!);
      expect(read.endedAt - startedAt).toBeGreaterThanOrEqual(LATENCY_MS);
    } finally {
      fake.setLatency(0);
    }
  });

  it("lets a client hang up mid-stream and goes on serving", async () => {
    fake.setLatency(LATENCY_MS);
    try {
      let deltas = 0;
      for await (const chunk of await streamed(SECTION)) {
        if (chunk.choices[0]?.delta.content && ++deltas === 2) break;
      }
      expect(deltas).toBe(2);
    } finally {
      fake.setLatency(0);
    }
    const read = await readOpenAI(await streamed(SECTION));
    expect(read.finishReason).toBe("stop");
  });

  it("answers a streaming call with an injected HTTP error or no answer at all", async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 3 });
    const limited = await failureOf(() => streamed(SECTION));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers.get("retry-after")).toBe("3");

    fake.failNext({ kind: "timeout" });
    const quick = new OpenAI({ apiKey: "sk-fake-key", baseURL: fake.url, maxRetries: 0, timeout: 300 });
    const hung = await failureOf(() =>
      quick.chat.completions.create({ model: "gpt-4o-mini", messages: messages(SECTION), stream: true }),
    );
    expect(hung).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it("makes the SDK throw a SyntaxError on an event that is not JSON", async () => {
    fake.failNext({ kind: "malformed" });
    const stream = await streamed(SECTION);
    const error = await failureOf(() => readOpenAI(stream));

    expect(error).toBeInstanceOf(SyntaxError);
  });

  it("cuts a stream halfway: the SDK throws (undici's TypeError 'terminated') after part of the text, with no finish", async () => {
    fake.failNext({ kind: "cut" });
    const read: Partial<OpenAIRead> = {};
    const error = await failureOf(async () => readOpenAI(await streamed(SECTION), read));

    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("terminated");
    const full = fakeSection(SECTION);
    expect(read.text!.length).toBeGreaterThan(0);
    expect(read.text!.length).toBeLessThan(full.length);
    expect(full.startsWith(read.text!)).toBe(true);
    expect(read.finishReason).toBeNull();
    expect(read.usage).toBeNull();
  });

  it("cuts a whole answer before it starts: the SDK throws APIConnectionError", async () => {
    fake.failNext({ kind: "cut" });
    const error = await failureOf(() =>
      client.chat.completions.create({ model: "gpt-4o-mini", messages: messages(SECTION) }),
    );

    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});

type AnthropicRead = { events: Anthropic.RawMessageStreamEvent[]; text: string; deltaTimes: number[]; endedAt: number };

/** Reads a streamed message to its end, noting when each text delta arrived. */
async function readAnthropic(
  stream: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  read: Partial<AnthropicRead> = {},
): Promise<AnthropicRead> {
  const result: AnthropicRead = Object.assign(read, { events: [], text: "", deltaTimes: [], endedAt: 0 });
  for await (const event of stream) {
    result.events.push(event);
    if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
      result.text += event.delta.text;
      result.deltaTimes.push(Date.now());
    }
  }
  result.endedAt = Date.now();
  return result;
}

describe("the fake Messages API, streamed to @anthropic-ai/sdk", () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  const params = (prompt: string) => ({
    model: "claude-haiku-4-5",
    max_tokens: 800,
    messages: [{ role: "user" as const, content: prompt }],
  });
  const streamed = (prompt: string) => client.messages.create({ ...params(prompt), stream: true });

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    client = new Anthropic({ apiKey: "sk-ant-fake", baseURL: fake.url, maxRetries: 0, logLevel: "off" });
  });

  afterAll(async () => {
    await fake?.close();
  });

  it("streams the whole answer's text between message_start and message_stop, with the same usage", async () => {
    const whole = await client.messages.create(params(SECTION));
    const read = await readAnthropic(await streamed(SECTION));
    const wholeText = whole.content[0].type === "text" ? whole.content[0].text : "";

    expect(fake.requests.at(-1)!.body.stream).toBe(true);
    expect(read.text).toBe(wholeText);
    expect(read.text).toContain("\n\n");
    const types = read.events.map((event) => event.type);
    expect(types.slice(0, 2)).toEqual(["message_start", "content_block_start"]);
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(new Set(types.slice(2, -3))).toEqual(new Set(["content_block_delta"]));
    const start = read.events[0] as Anthropic.RawMessageStartEvent;
    expect(start.message.usage.input_tokens).toBe(whole.usage.input_tokens);
    const end = read.events.at(-2) as Anthropic.RawMessageDeltaEvent;
    expect(end.delta.stop_reason).toBe("end_turn");
    expect(end.usage.output_tokens).toBe(whole.usage.output_tokens);
  });

  it("streams a fenced outline as it would answer it whole", async () => {
    fake.fenceJsonNext(1);
    const read = await readAnthropic(
      await client.messages.create({ ...params(OUTLINE), system: "Answer with one JSON object.", stream: true }),
    );

    expect(read.text).toBe(`\`\`\`json\n${fakeOutline(OUTLINE)}\n\`\`\``);
  });

  it("spreads the text over the latency and ends no sooner than a whole answer", async () => {
    fake.setLatency(LATENCY_MS);
    try {
      const startedAt = Date.now();
      const read = await readAnthropic(await streamed(SECTION));

      expect(read.text).toBe(fakeSection(SECTION));
      expect(new Set(read.deltaTimes).size).toBeGreaterThan(3);
      expect(read.deltaTimes[0]).toBeLessThan(read.deltaTimes.at(-1)!);
      expect(read.endedAt - startedAt).toBeGreaterThanOrEqual(LATENCY_MS);
    } finally {
      fake.setLatency(0);
    }
  });

  it("answers a streaming call with an injected HTTP error", async () => {
    fake.failNext({ status: 529, message: "Overloaded" });
    const error = await failureOf(() => streamed(SECTION));

    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error.status).toBe(529);
  });

  it("makes the SDK throw a SyntaxError on an event that is not JSON", async () => {
    fake.failNext({ kind: "malformed" });
    const stream = await streamed(SECTION);
    const error = await failureOf(() => readAnthropic(stream));

    expect(error).toBeInstanceOf(SyntaxError);
  });

  it("cuts a stream halfway: the SDK throws (undici's TypeError 'terminated') after part of the text, with no message_stop", async () => {
    fake.failNext({ kind: "cut" });
    const read: Partial<AnthropicRead> = {};
    const error = await failureOf(async () => readAnthropic(await streamed(SECTION), read));

    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("terminated");
    const full = fakeSection(SECTION);
    expect(read.text!.length).toBeGreaterThan(0);
    expect(read.text!.length).toBeLessThan(full.length);
    expect(full.startsWith(read.text!)).toBe(true);
    const types = read.events!.map((event) => event.type);
    expect(types).not.toContain("message_delta");
    expect(types).not.toContain("message_stop");
  });

  it("cuts a whole answer before it starts: the SDK throws APIConnectionError", async () => {
    fake.failNext({ kind: "cut" });
    const error = await failureOf(() => client.messages.create(params(SECTION)));

    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
  });
});
