// A local stand-in for the OpenAI Chat Completions API, so tests drive the real `openai` SDK over HTTP.
// It answers outline prompts with JSON and section prompts with text of the asked length, at once or streamed as
// Server-Sent Events (`stream: true`); it can add latency, inject HTTP errors, hanging requests, malformed bodies, cut
// connections and short answers, and keeps every request it received.
// The answering helpers are exported so the other LLM fakes (tests/fakes/anthropic.ts) answer the same way.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { contentWords } from "../../worker/quality/common";
import { fakeWordsFor } from "./fake-words";

export type FakeRequest = { path: string; authorization: string | undefined; body: any };
/**
 * An HTTP error; or a request that is never answered (the client times out); or a 200 whose body is not JSON (for a
 * streaming request, an event stream whose data is not JSON); or a "cut" connection, destroyed mid-answer: a stream
 * stops after about half its content chunks, without its finish, usage and end events; any other answer is dropped
 * before it starts.
 */
export type Fault = HttpFault | { kind: "timeout" } | { kind: "malformed" } | { kind: "cut" };
export type HttpFault = { status: number; message?: string; retryAfterSeconds?: number };

export type FakeOpenAI = {
  url: string;
  requests: FakeRequest[];
  /** Date.now() at each request's arrival, in the order of `requests`. */
  requestsAt: number[];
  /** The next `count` calls answer with this fault. */
  failNext(fault: Fault, count?: number): void;
  /** From now on, calls without a queued fault take one from `draw` (undefined: answered normally). */
  failRandomly(draw: (() => Fault | undefined) | undefined): void;
  /** The next `count` section answers are far too short. */
  shortAnswersNext(count: number): void;
  /** The next `count` section answers also cite a key that is not among the document's sources. */
  inventCitationNext(count: number): void;
  /** The next `count` section answers copy the first source abstract offered in the prompt. */
  copySourceNext(count: number): void;
  /** The next `count` streamed answers leave out usage although it was asked for (compatible servers that ignore `stream_options`). */
  streamWithoutUsageNext(count: number): void;
  /** Answer streamed requests with 400, as a compatible server without streaming does (requests in one piece are answered). */
  refuseStreams(refuse: boolean): void;
  setLatency(ms: number): void;
  /**
   * Holds the next request until `release()`, then answers it as usual; `arrived` resolves with its body when it is
   * received. A test decides with it what happens while a call is in flight.
   */
  pauseNext(): { arrived: Promise<any>; release: () => void };
  /**
   * Answers every request made with this key 401, echoing the key in the message as OpenAI does (partly) — so a test
   * sees whether the app repeats it anywhere; `false` accepts it again.
   */
  refuseKey(key: string, refuse?: boolean): void;
  /** The key's next `calls` chat completions are answered as usual; from then on it is refused as by refuseKey. */
  refuseKeyAfter(key: string, calls: number): void;
  /** From now on the citation judge follows these rules where they give an answer (undefined: the defaults again). */
  judgeCitationsWith(rules: CitationRules | undefined): void;
  /** The next `count` citation judgements are JSON of the wrong shape. */
  malformedCitationJudgementsNext(count: number): void;
  /** Stops the server and ends every open connection, hanging ones included. */
  close(): Promise<void>;
};

/** The models `GET /models` lists (the cheap call that checks a customer's key). */
export const FAKE_OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o"];

export async function startFakeOpenAI(options: { port?: number; latencyMs?: number } = {}): Promise<FakeOpenAI> {
  const requests: FakeRequest[] = [];
  const requestsAt: number[] = [];
  const faults: Fault[] = [];
  let drawFault: (() => Fault | undefined) | undefined;
  let shortAnswers = 0;
  let invented = 0;
  let copies = 0;
  let withoutUsage = 0;
  let citationRules: CitationRules | undefined;
  let malformedJudgements = 0;
  let refusingStreams = false;
  const refusedKeys = new Set<string>();
  const callsLeft = new Map<string, number>();
  let latencyMs = options.latencyMs ?? 0;
  const pauses: { arrive: (body: any) => void; released: Promise<void> }[] = [];

  const server: Server = createServer(async (req, res) => {
    const arrivedAt = Date.now();
    const body = await readJson(req);
    requests.push({ path: req.url ?? "", authorization: req.headers.authorization, body });
    requestsAt.push(arrivedAt);
    const pause = pauses.shift();
    if (pause) {
      pause.arrive(body);
      await pause.released;
    }
    const stream = body.stream === true;
    const waited = () => !latencyMs || waitUnlessGone(res, latencyMs);
    // A stream starts at once and spreads its text over the latency, so it is decided on arrival; every other answer
    // (a stream's refusals and faults included) comes whole after the latency.
    if (!stream && !(await waited())) return;
    const send = async (status: number, payload: unknown) => {
      if (stream && !(await waited())) return;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const left = key === undefined ? undefined : callsLeft.get(key);
    if (key && left !== undefined && req.url?.endsWith("/chat/completions")) {
      if (left === 0) refusedKeys.add(key);
      else callsLeft.set(key, left - 1);
    }
    if (key && refusedKeys.has(key)) {
      return send(401, {
        error: {
          message: `Incorrect API key provided: ${key}.`,
          type: "invalid_request_error",
          code: "invalid_api_key",
        },
      });
    }
    if (req.method === "GET" && req.url?.split("?")[0].endsWith("/models") && key) {
      return send(200, {
        object: "list",
        data: FAKE_OPENAI_MODELS.map((id) => ({ id, object: "model", created: 1700000000, owned_by: "fake" })),
      });
    }
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      return send(404, { error: { message: `No fake for ${req.method} ${req.url}`, type: "invalid_request_error" } });
    }
    if (!req.headers.authorization?.startsWith("Bearer ")) {
      return send(401, { error: { message: "Missing API key", type: "invalid_request_error" } });
    }
    if (stream && refusingStreams) {
      return send(400, {
        error: { message: "Unrecognized request argument supplied: stream_options", type: "invalid_request_error" },
      });
    }
    const fault = faults.shift() ?? drawFault?.();
    const cut = fault !== undefined && "kind" in fault && fault.kind === "cut";
    if (fault && !(stream && cut)) {
      if (stream && !(await waited())) return;
      const malformed = stream
        ? 'data: {"id": "chatcmpl-fake", "choices": [\n\n'
        : '{"id": "chatcmpl-fake", "choices": [';
      const errorBody = (f: HttpFault) => ({
        error: {
          message: f.message ?? `Injected ${f.status}`,
          type: f.status === 429 ? "rate_limit_exceeded" : "server_error",
        },
      });
      return answerFault(res, fault, malformed, errorBody, {}, stream ? EVENT_STREAM : undefined);
    }
    const prompt: string = body.messages?.map((m: { content: string }) => m.content).join("\n") ?? "";
    // What to answer is decided on arrival (the injected oddities are taken in order); the text itself is written when
    // the answer begins, as a model does, so a burst of requests is recorded as it arrives.
    let write: () => string;
    if (body.response_format?.type === "json_object" && isCitationJudgeRequest(prompt)) {
      const malformed = malformedJudgements > 0;
      if (malformed) malformedJudgements--;
      const rules = citationRules;
      write = () => (malformed ? JSON.stringify({ verdicts: "all fine" }) : fakeCitationJudgement(prompt, rules));
    } else if (body.response_format?.type === "json_object" && isJudgeRequest(prompt)) {
      write = () => fakeJudgement(prompt);
    } else if (body.response_format?.type === "json_object" && isEnglishQueryRequest(prompt)) {
      write = () => fakeEnglishQuery(prompt);
    } else if (body.response_format?.type === "json_object") {
      write = () => fakeOutline(prompt);
    } else {
      const short = shortAnswers > 0;
      if (short) shortAnswers--;
      const inventCitation = invented > 0;
      if (inventCitation) invented--;
      const copySource = copies > 0 && /<abstract>/.test(prompt);
      if (copySource) copies--;
      write = () => fakeSection(prompt, short, { inventCitation, copySource });
    }
    const usageOf = (content: string) => {
      const promptTokens = fakeTokens(prompt);
      const completionTokens = fakeTokens(content);
      return {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      };
    };
    const completion = {
      id: `chatcmpl-fake-${requests.length}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
    };
    if (stream) {
      const omitUsage = withoutUsage > 0;
      if (omitUsage) withoutUsage--;
      const withUsage = body.stream_options?.include_usage === true && !omitUsage;
      return streamAnswer(
        res,
        () => {
          const content = write();
          return chatCompletionStream(completion, content, withUsage ? usageOf(content) : undefined);
        },
        latencyMs,
        { cut },
      );
    }
    const content = write();
    const usage = usageOf(content);
    send(200, {
      ...completion,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage,
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    requestsAt,
    failNext: (fault, count = 1) => {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    failRandomly: (draw) => {
      drawFault = draw;
    },
    shortAnswersNext: (count) => {
      shortAnswers += count;
    },
    inventCitationNext: (count) => {
      invented += count;
    },
    refuseStreams: (refuse) => {
      refusingStreams = refuse;
    },
    streamWithoutUsageNext: (count) => {
      withoutUsage += count;
    },
    copySourceNext: (count) => {
      copies += count;
    },
    pauseNext: () => {
      let arrive!: (body: any) => void;
      let release!: () => void;
      const arrived = new Promise<any>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      pauses.push({ arrive, released });
      return { arrived, release };
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    refuseKey: (key, refuse = true) => {
      if (refuse) refusedKeys.add(key);
      else refusedKeys.delete(key);
    },
    refuseKeyAfter: (key, calls) => {
      callsLeft.set(key, calls);
    },
    judgeCitationsWith: (rules) => {
      citationRules = rules;
    },
    malformedCitationJudgementsNext: (count) => {
      malformedJudgements += count;
    },
    close: () => closeServer(server),
  };
}

/**
 * Answers an injected fault; a "timeout" is left unanswered until the client gives up or the server closes, a "cut"
 * drops the connection. `malformedType` is the content type of the malformed body (an event stream for a stream).
 */
export function answerFault(
  res: ServerResponse,
  fault: Fault,
  malformedBody: string,
  errorBody: (fault: HttpFault) => unknown,
  extraHeaders: Record<string, string> = {},
  malformedType = "application/json",
): void {
  if ("kind" in fault) {
    if (fault.kind === "timeout") return;
    if (fault.kind === "cut") {
      res.destroy();
      return;
    }
    res.writeHead(200, { "content-type": malformedType, ...extraHeaders });
    res.end(malformedBody);
    return;
  }
  res.writeHead(fault.status, {
    "content-type": "application/json",
    ...extraHeaders,
    ...(fault.retryAfterSeconds != null ? { "retry-after": String(fault.retryAfterSeconds) } : {}),
  });
  res.end(JSON.stringify(errorBody(fault)));
}

export const EVENT_STREAM = "text/event-stream; charset=utf-8";

/** A streamed answer as Server-Sent Events text: `opening` goes out at once, `parts` one per content chunk, `closing` last. */
export type StreamedAnswer = { opening: string; parts: string[]; closing: string };

// Chunks due within this long of each other go out in one write: 25 streams at once stay cheap on a small machine.
const STREAM_TICK_MS = 20;

/**
 * A model's first token comes after this share of a streamed call's latency (time to first token: the prompt is read
 * first); the rest of the text follows at a steady pace until the latency is over.
 */
export const FIRST_TOKEN_SHARE = 0.1;

/**
 * Sends a streamed answer the way a model produces it: the headers and `opening` with the first part after the time
 * to first token, the other parts at even intervals so that the last one, with `closing`, goes out `latencyMs` from
 * now (everything at once when 0). `cut` destroys the connection after about half the parts instead. Stops, its
 * timer cleared, when the client hangs up.
 */
export function streamAnswer(
  res: ServerResponse,
  answerOf: StreamedAnswer | (() => StreamedAnswer),
  latencyMs: number,
  options: { cut?: boolean; headers?: Record<string, string> } = {},
): void {
  const firstAt = Math.round(latencyMs * FIRST_TOKEN_SHARE);
  // The schedule counts from the request's arrival, however long writing the answer takes.
  const startedAt = Date.now() + firstAt;
  let answer: StreamedAnswer | undefined;
  let parts: string[] = [];
  let count = 0;
  // Part i (from 1) is due at firstAt + (i - 1)/(n - 1) of the rest, so the first at firstAt and the last at the latency.
  const dueAt = (i: number) =>
    parts.length > 1 ? ((i - 1) * (latencyMs - firstAt)) / (parts.length - 1) : latencyMs - firstAt;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => clearTimeout(timer);
  res.once("close", stop);
  const tick = () => {
    if (res.destroyed) return;
    if (!answer) {
      answer = typeof answerOf === "function" ? answerOf() : answerOf;
      parts = [...answer.parts];
      if (parts.length) parts[parts.length - 1] += answer.closing;
      else parts.push(answer.closing);
      count = options.cut ? Math.max(1, Math.floor(answer.parts.length / 2)) : parts.length;
      res.writeHead(200, { "content-type": EVENT_STREAM, "cache-control": "no-cache", ...options.headers });
      res.write(answer.opening);
    }
    const elapsed = Date.now() - startedAt;
    let due = sent;
    while (due < count && (latencyMs === 0 || dueAt(due + 1) <= elapsed)) due++;
    const batch = parts.slice(sent, due).join("");
    sent = due;
    if (sent < count) {
      if (batch) res.write(batch);
      // Parts due close together go in one write, but never later than the last one is due.
      const untilNext = Math.ceil(dueAt(sent + 1) - elapsed);
      const untilEnd = Math.ceil(dueAt(count) - elapsed);
      timer = setTimeout(tick, Math.max(1, Math.min(untilEnd, Math.max(STREAM_TICK_MS, untilNext))));
      return;
    }
    res.off("close", stop);
    // The written chunks must reach the client before the connection drops, so the cut waits for them to be flushed.
    if (options.cut) res.write(batch, () => res.destroy());
    else res.end(batch);
  };
  if (firstAt > 0) timer = setTimeout(tick, firstAt);
  else tick();
}

/** `text` in runs of 4 to 8 words, each with the whitespace after it, so the runs join back into `text` byte for byte. */
export function textChunks(text: string): string[] {
  const words = text.match(/^\s+|\S+\s*/g) ?? [];
  const chunks: string[] = [];
  for (let at = 0, i = 0; at < words.length; i++) {
    const size = 4 + (i % 5);
    chunks.push(words.slice(at, at + size).join(""));
    at += size;
  }
  return chunks;
}

type ChatUsage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

/**
 * A chat completion as the API streams it: a chunk with the role, the content a few words a chunk, a chunk with the
 * finish reason, with `usage` (asked by `stream_options.include_usage`) a last chunk without choices, then `[DONE]`.
 */
function chatCompletionStream(
  completion: { id: string; created: number; model: unknown },
  content: string,
  usage: ChatUsage | undefined,
): StreamedAnswer {
  // With include_usage every chunk carries `usage: null` but the last one.
  const chunk = (choices: unknown[], last?: ChatUsage) =>
    `data: ${JSON.stringify({ ...completion, object: "chat.completion.chunk", choices, ...(usage ? { usage: last ?? null } : {}) })}\n\n`;
  const choice = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });
  return {
    opening: chunk([choice({ role: "assistant", content: "", refusal: null })]),
    parts: textChunks(content).map((text) => chunk([choice({ content: text })])),
    closing: chunk([choice({}, "stop")]) + (usage ? chunk([], usage) : "") + "data: [DONE]\n\n",
  };
}

// The fakes read a prompt's data from its tags, the same in every language (worker/pipeline/prompt-texts/tags.ts).
function tagged(prompt: string, name: string): string | undefined {
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(prompt)?.[1];
}

/** A requirements judge's request: it asks for the judge's JSON shape, `{"checks":[…]}`. */
/** The request for a non-English order's English search query (worker/research/english-query.ts). */
export function isEnglishQueryRequest(prompt: string): boolean {
  return prompt.includes('{"query":string}') && /^Topic: /m.test(prompt);
}

/**
 * The fake's "translation": no model here, so the topic's words behind the marker word "english" — a query the
 * indexes' stand-in answers with other works than the topic's, and a test can recognise.
 */
export function fakeEnglishQuery(prompt: string): string {
  const topic = /^Topic: (.*)$/m.exec(prompt)?.[1] ?? "";
  return JSON.stringify({ query: `english ${topic}`.trim() });
}

export function isJudgeRequest(prompt: string): boolean {
  return prompt.includes('{"checks":[');
}

/** A citation judge's request: it asks for the citation judge's JSON shape, `{"sentences":[…],"claims":[…]}`. */
export function isCitationJudgeRequest(prompt: string): boolean {
  return prompt.includes('{"sentences":[{"n":');
}

/** One claim the fake citation judge is asked about: the sentence, the source it cites and that source's passages. */
export type CitationClaim = {
  n: number;
  sentence: string;
  source: string;
  passages: { page: number | null; text: string }[];
};
export type ClaimAnswer = {
  verdict: "supported" | "partly" | "unsupported";
  evidence?: string;
  page?: number | null;
  reason?: string;
};
/** A test's rules for the fake citation judge; a rule answering undefined leaves the claim or sentence to the defaults. */
export type CitationRules = {
  claim?: (claim: CitationClaim) => ClaimAnswer | undefined;
  needsCitation?: (sentence: string, cites: boolean) => boolean | undefined;
};

/**
 * A rule for tests: a claim is supported when it shares at least `supported` content words with the source's passages,
 * partly with at least `partly`, else unsupported (the fake writers' word salad shares none).
 */
export function overlapRule(supported = 3, partly = 1): NonNullable<CitationRules["claim"]> {
  return (claim) => {
    const words = new Set(claim.passages.flatMap((p) => contentWords(p.text)));
    const claimed = new Set(contentWords(claim.sentence.replace(/\[[^\]]*@[^\]]*\]/g, "")));
    const shared = [...claimed].filter((w) => words.has(w)).length;
    const verdict = shared >= supported ? "supported" : shared >= partly ? "partly" : "unsupported";
    return { verdict, reason: `${shared} words in common with the source` };
  };
}

/**
 * The citation judge: by default every claim is supported, with the first sentence of the source's first passage as
 * its evidence (the fake writers' claims are word salad: no rule on their words could judge them), and a sentence
 * needs a citation when it cites one or names a number. `rules` (judgeCitationsWith) decide where they answer.
 */
export function fakeCitationJudgement(prompt: string, rules?: CitationRules): string {
  const sentences: { n: number; text: string }[] = JSON.parse(tagged(prompt, "sentences") ?? "[]");
  const asked: { n: number; source: string }[] = JSON.parse(tagged(prompt, "claims") ?? "[]");
  const sources: { key: string; passages: { page: number | null; text: string }[] }[] = JSON.parse(
    tagged(prompt, "sources") ?? "[]",
  );
  const textOf = new Map(sentences.map((s) => [s.n, s.text]));
  const claims = asked.map((c) => {
    const passages = sources.find((s) => s.key === c.source)?.passages ?? [];
    const claim: CitationClaim = { n: c.n, sentence: textOf.get(c.n) ?? "", source: c.source, passages };
    const first = passages[0];
    const answer = rules?.claim?.(claim) ?? {
      verdict: "supported" as const,
      evidence: first?.text.split(/(?<=[.!?])\s/)[0] ?? "",
      page: first?.page ?? null,
      reason: "the source states it",
    };
    return { n: c.n, source: c.source, evidence: "", page: null, reason: "", ...answer };
  });
  const citing = new Set(asked.map((c) => c.n));
  return JSON.stringify({
    sentences: sentences.map((s) => ({
      n: s.n,
      needsCitation: rules?.needsCitation?.(s.text, citing.has(s.n)) ?? (citing.has(s.n) || /\d/.test(s.text)),
    })),
    claims,
  });
}

/** An outline's request: it asks for the outline's JSON shape or names its number of sections. */
export function isOutlineRequest(prompt: string): boolean {
  return prompt.includes('{"sections":[') || tagged(prompt, "sections") !== undefined;
}

/**
 * An outline of `<sections>N</sections>` (default 4) in the asked language (`<language>uk</language>`): first the
 * introduction, last the conclusion ("Introduction", "Conclusion" in English).
 */
export function fakeOutline(prompt: string): string {
  const count = Number(tagged(prompt, "sections") ?? 4);
  const topic = tagged(prompt, "topic") ?? "the topic";
  const lang = fakeWordsFor(tagged(prompt, "language"));
  return JSON.stringify({
    sections: Array.from({ length: count }, (_, i) => ({
      heading: i === 0 ? lang.introduction : i === count - 1 ? lang.conclusion : lang.chapter(i, topic),
      brief: lang.brief(i + 1, topic),
      keyPoints: ["a", "b", "c"].map((letter) => `${lang.point} ${i + 1}${letter}`),
    })),
  });
}

/**
 * Prose of `<words>N</words>` (default 200), exactly N words by whitespace split, in paragraphs; a short answer has a
 * fifth of them. In the prompt's language (`<language>uk</language>`), English when none is named.
 * The words are real words of that language, varied per prompt, so sections, orders and attempts do not repeat each other (the
 * uniqueness gate compares them all); the source keys offered in the prompt (`[@key]`) are cited.
 */
export function fakeSection(
  prompt: string,
  short = false,
  options: { inventCitation?: boolean; copySource?: boolean } = {},
): string {
  const asked = Number(tagged(prompt, "words") ?? 200);
  const language = tagged(prompt, "language");
  const lang = fakeWordsFor(language);
  const words = short ? Math.max(5, Math.floor(asked / 5)) : asked;
  // Seeded by the whole prompt: another order, section or attempt gets other words, as from a real model.
  const seed = prompt;
  // The sources offered are listed one per line as "[@key] Authors (year). Title."; keys named elsewhere (feedback) are not.
  const keys = [...new Set([...prompt.matchAll(/^\[@([A-Za-z0-9]+)\] /gm)].map((m) => m[1]))];
  if (options.copySource) {
    // A writer that copies a source's abstract word for word: the uniqueness gate must catch it.
    const abstract = tagged(prompt, "abstract");
    if (abstract) {
      // Copied at the asked length: the abstract again and again.
      const copied: string[] = [];
      while (copied.length < words) copied.push(...abstract.split(/\s+/));
      return copied.slice(0, words).join(" ");
    }
  }
  const cite = options.inventCitation ? ["invented2099", ...keys] : keys;
  // Like a model that follows the outline: each key point it was given is taken up in a sentence.
  const points = tagged(prompt, "key-points")?.split("; ") ?? [];
  const lead = points.map((p) => `${lang.considers} ${p}.`).join(" ");
  const leadWords = lead ? lead.split(/\s+/).length : 0;
  if (!lead || leadWords >= words) return fakeProse(words, seed, cite, language);
  return `${lead} ${fakeProse(words - leadWords, seed, cite, language)}`;
}

/**
 * A requirements judge that reads quotes: each sentence of the requirements is a constraint, met when every phrase in
 * double quotes appears in the text checked (sentences without quotes are taken as met).
 */
export function fakeJudgement(prompt: string): string {
  const requirements = tagged(prompt, "requirements") ?? "";
  const subject = (tagged(prompt, "text") ?? "").toLowerCase();
  const checks = requirements
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((constraint) => {
      const quoted = [...constraint.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      const missing = quoted.filter((q) => !subject.includes(q.toLowerCase()));
      return {
        constraint,
        met: missing.length === 0,
        evidence: missing.length ? `not found: ${missing.join(", ")}` : "found",
      };
    });
  return JSON.stringify({ checks });
}

export function fakeTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** `words` words of word salad in `language` (a code; English by default), seeded, citing `citations` in turn. */
export function fakeProse(words: number, seed = "", citations: string[] = [], language?: string): string {
  const { article, nouns, adjectives, links, verbs } = fakeWordsFor(language);
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  let state = h >>> 0;
  const next = (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const out: string[] = [];
  // Indexes of the words that end a paragraph: real prose comes in paragraphs of 6 to 10 sentences, checked one by one.
  const paragraphEnds = new Set<number>();
  let paragraphLeft = 6 + next(5);
  let sentence = 0;
  while (out.length < words) {
    // "The <adjective> <noun> of <noun> <verb> the <adjective> <noun>." with varied parts: 9 words a sentence (7
    // where the language has no article here).
    const word = () => nouns[next(nouns.length)];
    const adjective = () => adjectives[next(adjectives.length)];
    const parts = [
      article,
      adjective(),
      word(),
      links[next(links.length)],
      word(),
      verbs[next(verbs.length)],
      article,
      adjective(),
      word(),
    ].filter((part): part is string => part !== null);
    for (let i = 0; i < parts.length && out.length < words; i++) out.push(parts[i]);
    const cite =
      citations.length && sentence % 5 === 2 ? ` [@${citations[Math.floor(sentence / 5) % citations.length]}]` : "";
    out[out.length - 1] += `${cite}.`;
    sentence++;
    if (--paragraphLeft === 0 && out.length < words) {
      paragraphEnds.add(out.length - 1);
      paragraphLeft = 6 + next(5);
    }
  }
  // Sentences start with a capital letter.
  const capitalized = out.map((w, i) =>
    i === 0 || out[i - 1].endsWith(".") ? w.charAt(0).toUpperCase() + w.slice(1) : w,
  );
  return capitalized.map((w, i) => (i === 0 ? w : `${paragraphEnds.has(i - 1) ? "\n\n" : " "}${w}`)).join("");
}

export async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (!chunks.length) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return {};
  }
}

/** Waits `ms`; false (and no timer left behind) when the client hung up meanwhile, so its call changes nothing. */
export function waitUnlessGone(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off("close", onClose);
      resolve(true);
    }, ms);
    res.once("close", onClose);
  });
}

/** `server.close()` alone waits for hanging requests; ending every connection lets it finish at once. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** `--name value` from the command line, as a number. */
export function numberArg(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : Number(process.argv[at + 1]);
}

// `tsx tests/fakes/openai.ts --port 4010 --latency 150` runs it on its own (Playwright starts it this way).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startFakeOpenAI({ port: numberArg("port") ?? 4010, latencyMs: numberArg("latency") ?? 0 }).then((fake) => {
    console.log(`fake OpenAI listening at ${fake.url}`);
    process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
  });
}
