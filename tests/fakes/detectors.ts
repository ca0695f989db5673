// Local stand-ins for the GPTZero and Originality.ai APIs, on one server (GPTZERO_URL = ORIGINALITY_URL = its url).
// Each answers in its service's shape with a score set per provider (a number, or a function of the text; by default
// the marker `[ai=NN]` in the text, else 10), can inject faults, and keeps every request with the key it carried.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { answerFault, closeServer, numberArg, readJson, type Fault } from "./openai";

export type DetectorProvider = "gptzero" | "originality";
export type DetectorRequest = {
  provider: DetectorProvider;
  path: string;
  apiKey: string | undefined;
  text: string;
  body: any;
};
/** 0–100, as the app reports it; the fake answers with probabilities (score / 100), as the services do. */
export type ScoreRule = number | ((text: string) => number);

export type FakeDetectors = {
  url: string;
  requests: DetectorRequest[];
  setScore(provider: DetectorProvider, score: ScoreRule): void;
  /** The next `count` calls to `provider` answer with this fault. */
  failNext(provider: DetectorProvider, fault: Fault, count?: number): void;
  /** Forgets the faults not yet used: every call is answered again. */
  clearFaults(): void;
  close(): Promise<void>;
};

export const GPTZERO_FAKE_PATH = "/v2/predict/text";
export const ORIGINALITY_FAKE_PATH = "/api/v1/scan/ai";
export const DEFAULT_FAKE_AI_SCORE = 10;

/** `[ai=NN]` in the text sets its score; otherwise the default. */
export function markedScore(text: string): number {
  const marked = /\[ai=(\d{1,3})\]/.exec(text);
  return marked ? Math.min(100, Number(marked[1])) : DEFAULT_FAKE_AI_SCORE;
}

export async function startFakeDetectors(options: { port?: number; apiKey?: string } = {}): Promise<FakeDetectors> {
  const requests: DetectorRequest[] = [];
  const scores: Record<DetectorProvider, ScoreRule> = { gptzero: markedScore, originality: markedScore };
  const faults: Record<DetectorProvider, Fault[]> = { gptzero: [], originality: [] };

  const server: Server = createServer(async (req, res) => {
    const body = await readJson(req);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const provider: DetectorProvider | null =
      req.url === GPTZERO_FAKE_PATH ? "gptzero" : req.url === ORIGINALITY_FAKE_PATH ? "originality" : null;
    if (req.method !== "POST" || !provider) return send(404, { error: `No fake for ${req.method} ${req.url}` });
    const header = provider === "gptzero" ? "x-api-key" : "x-oai-api-key";
    const apiKey = req.headers[header] as string | undefined;
    const text: string = provider === "gptzero" ? (body.document ?? "") : (body.content ?? "");
    requests.push({ provider, path: req.url ?? "", apiKey, text, body });

    if (!apiKey || (options.apiKey && apiKey !== options.apiKey)) {
      return provider === "gptzero"
        ? send(401, { error: "Invalid API key" })
        : send(401, { success: false, error: "Unauthorized" });
    }
    if (!text.trim())
      return send(
        400,
        provider === "gptzero" ? { error: "document is required" } : { success: false, error: "content is required" },
      );
    const fault = faults[provider].shift();
    if (fault) {
      return answerFault(res, fault, '{"documents": [', (f) => ({ error: f.message ?? `Injected ${f.status}` }));
    }
    const rule = scores[provider];
    const p = Math.max(0, Math.min(100, typeof rule === "function" ? rule(text) : rule)) / 100;
    if (provider === "gptzero") {
      return send(200, {
        version: "2025-fake",
        documents: [
          {
            average_generated_prob: p,
            completely_generated_prob: p,
            overall_burstiness: 0,
            class_probabilities: { ai: p, human: 1 - p, mixed: 0 },
            predicted_class: p >= 0.5 ? "ai" : "human",
            confidence_category: "high",
            paragraphs: [],
            sentences: [],
          },
        ],
      });
    }
    send(200, {
      success: true,
      public_link: "https://app.originality.ai/share/fake",
      title: "",
      score: { original: 1 - p, ai: p },
      credits_used: Math.ceil(text.split(/\s+/).length / 100),
      credits: 1000,
      content: text,
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setScore: (provider, score) => {
      scores[provider] = score;
    },
    failNext: (provider, fault, count = 1) => {
      for (let i = 0; i < count; i++) faults[provider].push(fault);
    },
    clearFaults: () => {
      faults.gptzero.length = 0;
      faults.originality.length = 0;
    },
    close: () => closeServer(server),
  };
}

// `tsx tests/fakes/detectors.ts --port 4030` runs it on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startFakeDetectors({ port: numberArg("port") ?? 4030 }).then((fake) => {
    console.log(`fake GPTZero and Originality.ai listening at ${fake.url}`);
    process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
  });
}
