// A local stand-in for the OpenAI Chat Completions API, so tests drive the real `openai` SDK over HTTP.
// It answers outline prompts with JSON and section prompts with text of the asked length; it can add latency,
// inject HTTP errors and short answers, and keeps every request it received.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

export type FakeRequest = { path: string; authorization: string | undefined; body: any };
export type Fault = { status: number; message?: string; retryAfterSeconds?: number };

export type FakeOpenAI = {
  url: string;
  requests: FakeRequest[];
  /** The next `count` calls answer with this HTTP error. */
  failNext(fault: Fault, count?: number): void;
  /** The next `count` section answers are far too short. */
  shortAnswersNext(count: number): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
};

const WORDS =
  "research evidence analysis argument theory method context history society policy framework debate outcome practice data model".split(
    " ",
  );

export async function startFakeOpenAI(options: { port?: number; latencyMs?: number } = {}): Promise<FakeOpenAI> {
  const requests: FakeRequest[] = [];
  const faults: Fault[] = [];
  let shortAnswers = 0;
  let latencyMs = options.latencyMs ?? 0;

  const server: Server = createServer(async (req, res) => {
    const body = await readJson(req);
    requests.push({ path: req.url ?? "", authorization: req.headers.authorization, body });
    if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      return send(404, { error: { message: `No fake for ${req.method} ${req.url}`, type: "invalid_request_error" } });
    }
    if (!req.headers.authorization?.startsWith("Bearer ")) {
      return send(401, { error: { message: "Missing API key", type: "invalid_request_error" } });
    }
    const fault = faults.shift();
    if (fault) {
      return send(
        fault.status,
        { error: { message: fault.message ?? `Injected ${fault.status}`, type: "server_error" } },
        fault.retryAfterSeconds != null ? { "retry-after": String(fault.retryAfterSeconds) } : {},
      );
    }
    const prompt: string = body.messages?.map((m: { content: string }) => m.content).join("\n") ?? "";
    let content: string;
    if (body.response_format?.type === "json_object") {
      const count = Number(/exactly (\d+) sections/.exec(prompt)?.[1] ?? 4);
      const topic = /topic "([^"]+)"/.exec(prompt)?.[1] ?? "the topic";
      content = JSON.stringify({
        sections: Array.from({ length: count }, (_, i) => ({
          heading: i === 0 ? "Introduction" : i === count - 1 ? "Conclusion" : `Fake chapter ${i} on ${topic}`,
          brief: `What part ${i + 1} argues about ${topic}.`,
          keyPoints: [`point ${i + 1}a`, `point ${i + 1}b`, `point ${i + 1}c`],
        })),
      });
    } else {
      const asked = Number(/about (\d+) words/.exec(prompt)?.[1] ?? 200);
      const words = shortAnswers > 0 ? (shortAnswers--, Math.max(5, Math.floor(asked / 5))) : asked;
      content = fakeProse(words);
    }
    const promptTokens = Math.ceil(prompt.length / 4);
    const completionTokens = Math.ceil(content.length / 4);
    send(200, {
      id: `chatcmpl-fake-${requests.length}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (fault, count = 1) => {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    shortAnswersNext: (count) => {
      shortAnswers += count;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function fakeProse(words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const word = WORDS[(i * 7 + Math.floor(i / 3)) % WORDS.length];
    out.push(i % 12 === 11 ? `${word}.` : word);
  }
  const text = out.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1) + ".";
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (!chunks.length) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return {};
  }
}

// `tsx tests/fakes/openai.ts --port 4010 --latency 150` runs it on its own (Playwright starts it this way).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at === -1 ? undefined : Number(process.argv[at + 1]);
  };
  startFakeOpenAI({ port: arg("port") ?? 4010, latencyMs: arg("latency") ?? 0 }).then((fake) => {
    console.log(`fake OpenAI listening at ${fake.url}`);
    process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
  });
}
