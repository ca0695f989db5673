// AI detection over HTTP: GPTZero and/or Originality.ai, whichever has a key. With no key, or when every keyed
// provider fails, the score is null (shown as "N/A") and the gate passes: a made-up score would be worse than none.
// With both keyed, the higher score counts: a section must satisfy both detectors, as a customer's checker might be either.
import { logOf, round1, unchecked } from "./common";
import type { AiProviderConfig, QualityConfig, QualityGate, QualityLog } from "./types";

export type AiProvider = "gptzero" | "originality";
export type AiProviderScore = { provider: AiProvider; score: number | null; error?: string };
export type AiDetectionReport = {
  /** 0–100, one decimal: the highest provider score; null when no provider gave one. */
  score: number | null;
  providers: AiProviderScore[];
};
export type AiDetectionOptions = {
  gptzero?: AiProviderConfig | null;
  originality?: AiProviderConfig | null;
  timeoutMs?: number;
  log?: QualityLog;
  signal?: AbortSignal;
};

const DEFAULT_TIMEOUT_MS = 30_000;

export const GPTZERO_PATH = "/v2/predict/text";
export const ORIGINALITY_PATH = "/api/v1/scan/ai";

export async function detectAi(text: string, options: AiDetectionOptions): Promise<AiDetectionReport> {
  const calls: Promise<AiProviderScore>[] = [];
  if (options.gptzero) calls.push(askProvider("gptzero", () => gptzero(text, options.gptzero!, options), options));
  if (options.originality)
    calls.push(askProvider("originality", () => originality(text, options.originality!, options), options));
  const providers = await Promise.all(calls);
  const scores = providers.map((p) => p.score).filter((s): s is number => s !== null);
  return { score: scores.length ? round1(Math.max(...scores)) : null, providers };
}

async function askProvider(
  provider: AiProvider,
  call: () => Promise<number>,
  options: AiDetectionOptions,
): Promise<AiProviderScore> {
  try {
    return { provider, score: round1(await call()) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logOf(options).warn({ provider, err: message }, "AI detection unavailable");
    return { provider, score: null, error: message };
  }
}

async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  options: AiDetectionOptions,
): Promise<any> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(body),
    signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
  });
  if (!response.ok)
    throw new Error(`${new URL(url).host} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return response.json();
}

function endpoint(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

/** A probability in [0, 1] as a score in [0, 100]; anything else is an answer we do not understand. */
function percent(probability: unknown, what: string): number {
  if (typeof probability !== "number" || !Number.isFinite(probability) || probability < 0 || probability > 1) {
    throw new Error(`unexpected answer: ${what} is ${JSON.stringify(probability)}`);
  }
  return probability * 100;
}

/** GPTZero: `class_probabilities.ai` (current API), else `completely_generated_prob` (older answers). */
async function gptzero(text: string, provider: AiProviderConfig, options: AiDetectionOptions): Promise<number> {
  const body = await postJson(
    endpoint(provider.url, GPTZERO_PATH),
    { "x-api-key": provider.apiKey },
    { document: text },
    options,
  );
  const doc = body?.documents?.[0];
  const ai = doc?.class_probabilities?.ai ?? doc?.completely_generated_prob;
  return percent(ai, "documents[0].class_probabilities.ai");
}

/** Originality.ai: `score.ai`. */
async function originality(text: string, provider: AiProviderConfig, options: AiDetectionOptions): Promise<number> {
  const body = await postJson(
    endpoint(provider.url, ORIGINALITY_PATH),
    { "X-OAI-API-KEY": provider.apiKey },
    { content: text },
    options,
  );
  return percent(body?.score?.ai, "score.ai");
}

export function aiDetectionFeedback(report: AiDetectionReport, maximum: number): string[] {
  if (report.score === null || report.score <= maximum) return [];
  return [
    `An AI detector rated the previous answer ${report.score}% likely machine-written (at most ${maximum}% is accepted). ` +
      "Write more like a human scholar: vary sentence length and structure, make concrete claims tied to the cited sources, " +
      "and avoid stock phrases, symmetrical lists and generic summaries.",
  ];
}

export function aiDetectionGate(config: QualityConfig): QualityGate {
  return {
    name: "ai",
    async check(section, context) {
      const settings = context.config ?? config;
      if (!settings.gptzero && !settings.originality) return unchecked("ai");
      const report = await detectAi(section.text, {
        gptzero: settings.gptzero,
        originality: settings.originality,
        timeoutMs: settings.httpTimeoutMs,
        log: context.log,
        signal: context.signal,
      });
      if (report.score === null) return unchecked("ai");
      const passed = report.score <= settings.maxAiScore;
      return {
        gate: "ai",
        score: report.score,
        passed,
        feedback: passed ? [] : aiDetectionFeedback(report, settings.maxAiScore),
      };
    },
  };
}
