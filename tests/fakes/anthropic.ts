// A local stand-in for the Anthropic Messages API, so tests drive the real `@anthropic-ai/sdk` over HTTP.
// It answers like the OpenAI fake (tests/fakes/openai.ts): outlines as JSON, sections as prose of the asked length, at
// once or streamed as Server-Sent Events (`stream: true`); it can add latency, inject HTTP errors, hanging requests,
// malformed bodies, cut connections and short answers, and keeps every request.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  answerFault,
  closeServer,
  EVENT_STREAM,
  fakeCitationJudgement,
  fakeJudgement,
  isCitationJudgeRequest,
  fakeOutline,
  isJudgeRequest,
  isOutlineRequest,
  fakeSection,
  fakeTokens,
  numberArg,
  readJson,
  streamAnswer,
  textChunks,
  waitUnlessGone,
  type Fault,
  type HttpFault,
  type StreamedAnswer,
} from "./openai";

export type { Fault } from "./openai";
/** `apiKey` is read from `x-api-key` or from `authorization: Bearer …` (SDK 1.x sends the key the second way); `authVia` says which. */
export type FakeAnthropicRequest = {
  path: string;
  apiKey: string | undefined;
  authVia: "x-api-key" | "authorization" | undefined;
  body: any;
};

export type FakeAnthropic = {
  /** Base URL for the SDK's `baseURL` option (the SDK adds `/v1/messages`). */
  url: string;
  requests: FakeAnthropicRequest[];
  /** Date.now() at each request's arrival, in the order of `requests`. */
  requestsAt: number[];
  /** The next `count` calls answer with this fault. */
  failNext(fault: Fault, count?: number): void;
  /** The next `count` section answers are far too short. */
  shortAnswersNext(count: number): void;
  /** The next `count` outline answers come wrapped in a ```json fence, as Claude often writes them. */
  fenceJsonNext(count: number): void;
  setLatency(ms: number): void;
  /** Answers every request made with this key 401 (authentication_error); `false` accepts it again. */
  refuseKey(key: string, refuse?: boolean): void;
  /** Stops the server and ends every open connection, hanging ones included. */
  close(): Promise<void>;
};

type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

function errorTypeFor(status: number): ErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status === 529) return "overloaded_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

export async function startFakeAnthropic(options: { port?: number; latencyMs?: number } = {}): Promise<FakeAnthropic> {
  const requests: FakeAnthropicRequest[] = [];
  const requestsAt: number[] = [];
  const faults: Fault[] = [];
  let shortAnswers = 0;
  let fencedAnswers = 0;
  const refusedKeys = new Set<string>();
  let latencyMs = options.latencyMs ?? 0;
  let served = 0;

  const server: Server = createServer(async (req, res) => {
    const arrivedAt = Date.now();
    const body = await readJson(req);
    const headerKey = typeof req.headers["x-api-key"] === "string" ? req.headers["x-api-key"] : undefined;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const apiKey = headerKey ?? bearer;
    const authVia = headerKey ? "x-api-key" : bearer ? "authorization" : undefined;
    requests.push({ path: req.url ?? "", apiKey, authVia, body });
    requestsAt.push(arrivedAt);
    const requestId = `req_fake_${++served}`;
    const stream = body.stream === true;
    const waited = () => !latencyMs || waitUnlessGone(res, latencyMs);
    // A stream starts at once and spreads its text over the latency, so it is decided on arrival; every other answer
    // (a stream's refusals and faults included) comes whole after the latency.
    if (!stream && !(await waited())) return;
    const sendError = async (status: number, message: string) => {
      if (stream && !(await waited())) return;
      res.writeHead(status, { "content-type": "application/json", "request-id": requestId });
      res.end(JSON.stringify({ type: "error", error: { type: errorTypeFor(status), message }, request_id: requestId }));
    };
    if (apiKey && refusedKeys.has(apiKey)) return sendError(401, `invalid x-api-key: ${apiKey}`);
    if (req.method === "GET" && req.url?.split("?")[0].endsWith("/v1/models") && apiKey) {
      res.writeHead(200, { "content-type": "application/json", "request-id": requestId });
      const models = ["claude-sonnet-4-6", "claude-sonnet-4-5", "claude-haiku-4-5"].map((id) => ({
        type: "model",
        id,
        display_name: id,
        created_at: "2025-09-29T00:00:00Z",
      }));
      return res.end(
        JSON.stringify({ data: models, has_more: false, first_id: models[0]!.id, last_id: models.at(-1)!.id }),
      );
    }
    if (req.method !== "POST" || !req.url?.split("?")[0].endsWith("/v1/messages")) {
      return sendError(404, `No fake for ${req.method} ${req.url}`);
    }
    if (!apiKey) return sendError(401, "x-api-key or authorization header is required");
    if (!req.headers["anthropic-version"]) return sendError(400, "anthropic-version: header is required");
    const fault = faults.shift();
    const cut = fault !== undefined && "kind" in fault && fault.kind === "cut";
    if (fault && !(stream && cut)) {
      if (stream && !(await waited())) return;
      return answerFault(
        res,
        fault,
        stream
          ? 'event: message_start\ndata: {"type": "message_start", "message": {"id": "msg_1", "content": [\n\n'
          : '{"id": "msg_1", "content": [',
        (f: HttpFault) => ({
          type: "error",
          error: { type: errorTypeFor(f.status), message: f.message ?? `Injected ${f.status}` },
          request_id: requestId,
        }),
        { "request-id": requestId },
        stream ? EVENT_STREAM : undefined,
      );
    }
    const system = textOf(body.system);
    const prompt = (Array.isArray(body.messages) ? body.messages : [])
      .map((m: { content: unknown }) => textOf(m.content))
      .join("\n");
    let text: string;
    if (isCitationJudgeRequest(system)) {
      text = fakeCitationJudgement(prompt);
    } else if (isJudgeRequest(system)) {
      text = fakeJudgement(prompt);
    } else if (isOutlineRequest(`${system}\n${prompt}`)) {
      text = fakeOutline(prompt);
      if (fencedAnswers > 0) {
        fencedAnswers--;
        text = `\`\`\`json\n${text}\n\`\`\``;
      }
    } else {
      const short = shortAnswers > 0;
      if (short) shortAnswers--;
      text = fakeSection(prompt, short);
    }
    const message = { id: `msg_fake_${served}`, type: "message", role: "assistant", model: body.model };
    const usage = { input_tokens: fakeTokens(system + prompt), output_tokens: fakeTokens(text) };
    if (stream)
      return streamAnswer(res, messageStream(message, text, usage), latencyMs, {
        cut,
        headers: { "request-id": requestId },
      });
    res.writeHead(200, { "content-type": "application/json", "request-id": requestId });
    res.end(
      JSON.stringify({
        ...message,
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage,
      }),
    );
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsAt,
    failNext: (fault, count = 1) => {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    shortAnswersNext: (count) => {
      shortAnswers += count;
    },
    fenceJsonNext: (count) => {
      fencedAnswers += count;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    refuseKey: (key, refuse = true) => {
      if (refuse) refusedKeys.add(key);
      else refusedKeys.delete(key);
    },
    close: () => closeServer(server),
  };
}

/**
 * A message as the Messages API streams it: message_start (with the input tokens), one text block opened, filled a few
 * words a delta and closed, message_delta (stop reason and the output tokens), message_stop.
 */
function messageStream(
  message: Record<string, unknown>,
  text: string,
  usage: { input_tokens: number; output_tokens: number },
): StreamedAnswer {
  const event = (type: string, data: Record<string, unknown> = {}) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return {
    // The real message_start counts one output token already; message_delta then carries the total.
    opening:
      event("message_start", {
        message: {
          ...message,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
        },
      }) +
      event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }) +
      event("ping"),
    parts: textChunks(text).map((chunk) =>
      event("content_block_delta", { index: 0, delta: { type: "text_delta", text: chunk } }),
    ),
    closing:
      event("content_block_stop", { index: 0 }) +
      event("message_delta", {
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      }) +
      event("message_stop"),
  };
}

/** `system` and message `content` are a string or a list of content blocks. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((block) => (block && block.type === "text" && typeof block.text === "string" ? block.text : ""))
      .join("\n");
  }
  return "";
}

// `tsx tests/fakes/anthropic.ts --port 4011 --latency 150` runs it on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startFakeAnthropic({ port: numberArg("port") ?? 4011, latencyMs: numberArg("latency") ?? 0 }).then((fake) => {
    console.log(`fake Anthropic listening at ${fake.url}`);
    process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
  });
}
