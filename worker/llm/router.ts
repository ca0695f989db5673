import type { Db } from "../../app/utils/db.server";
import type { Env } from "../../app/utils/env.server";
import { callLimitSeconds } from "../../app/utils/job-expiry";
import { logger } from "../../app/utils/logger.server";
import { recordLlmCall } from "../../app/utils/metrics.server";
import { describeProviderChain, writerBreakerKey, type WriterDescription } from "../../app/utils/provider-chain.server";
import { AnthropicProvider } from "./anthropic";
import { checkBreaker, recordBreakerFailure, recordBreakerSuccess, type BreakerState } from "./breaker";
import { classifyError, CustomerKeyRefusedError } from "./errors";
import { OfflineWriter } from "./offline";
import { OpenAIProvider } from "./openai";
import {
  AllProvidersFailedError,
  modelFor,
  ProvidersRestingError,
  type Completion,
  type CompletionRequest,
  type LlmProvider,
} from "./provider";
import { abortableSleep } from "../sleep";
import { deadlineOf } from "../deadline";

/** The writers AI_FALLBACK_CHAIN (or the keys set) names (app/utils/provider-chain.server.ts), each with its client. */
export function buildProviderChain(env: Env): LlmProvider[] {
  return describeProviderChain(env).map((writer) => providerFor(writer, env));
}

function providerFor(writer: WriterDescription, env: Env): LlmProvider {
  const timeoutMs = env.LLM_TIMEOUT_SECONDS * 1000;
  const answerLimitMs = callLimitSeconds(env.LLM_TIMEOUT_SECONDS, true) * 1000;
  const apiKey = writer.apiKeyVariable ? env[writer.apiKeyVariable] : undefined;
  const { model, cheapModel, baseURL } = writer;
  switch (writer.provider) {
    case "offline":
      return new OfflineWriter();
    case "openai":
      return new OpenAIProvider({ apiKey: apiKey!, baseURL, model, cheapModel, timeoutMs, answerLimitMs });
    case "anthropic":
      return new AnthropicProvider({ apiKey: apiKey!, baseURL, model, cheapModel, timeoutMs, answerLimitMs });
    case "compat":
      // Local OpenAI-compatible servers accept any key.
      return new OpenAIProvider({
        name: "compat",
        apiKey: apiKey ?? "none",
        baseURL,
        model,
        timeoutMs,
        answerLimitMs,
        breakerKey: writerBreakerKey(writer)!,
      });
  }
}

/** A counting semaphore: at most `limit` calls to one provider at a time from this process. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    return () => {
      this.active--;
      this.waiting.shift()?.();
    };
  }
}

export type RouterOptions = {
  /** Where the breakers live; without it (unit tests of a single writer) no breaker is consulted. */
  db?: Db;
  /** Delays before the 2nd, 3rd and 4th try of one provider; each gets up to +25 % jitter. */
  retryDelaysMs?: number[];
  /** Calls in flight per provider in this process. */
  concurrency?: number | Record<string, number>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => Date;
};

export const DEFAULT_RETRY_DELAYS_MS = [2000, 4000, 8000];

/** What the pipeline writes with: the router of TesiGo's chain, or an order's own (worker/llm/customer-writer.ts). */
export type Writer = Pick<LlmRouter, "complete" | "describe">;

/**
 * The one retry mechanism: each provider in chain order gets up to 4 tries (delays 2, 4, 8 s with jitter, or what
 * Retry-After says) on 408/409/429/5xx, timeouts, connection errors and malformed bodies; other errors go straight to
 * the next provider. A provider whose circuit breaker is open is skipped without a call. Within a job, no try (nor
 * the pause before it) starts that could not end, at the call's legal longest, before the job's deadline: the job
 * fails then and pg-boss retries it, instead of the call being cut off mid-way.
 */
export class LlmRouter {
  private readonly semaphores = new Map<string, Semaphore>();
  private readonly retryDelaysMs: number[];
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => Date;

  constructor(
    private readonly chain: LlmProvider[],
    private readonly options: RouterOptions = {},
  ) {
    if (chain.length === 0) throw new Error("The writer chain is empty");
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
  }

  /** `name:model`, and `+cheapModel` where checking tasks use another (the worker's start line lists them). */
  describe(): string[] {
    return this.chain.map((p) => {
      const cheap = p.cheapModel && p.cheapModel !== p.model ? `+${p.cheapModel}` : "";
      return `${p.name}:${p.model}${cheap}`;
    });
  }

  private semaphoreFor(provider: LlmProvider): Semaphore {
    const key = provider.breakerKey ?? provider.name;
    let semaphore = this.semaphores.get(key);
    if (!semaphore) {
      const c = this.options.concurrency;
      const limit = typeof c === "number" ? c : (c?.[provider.name] ?? c?.default ?? 16);
      semaphore = new Semaphore(limit);
      this.semaphores.set(key, semaphore);
    }
    return semaphore;
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const failures: { provider: string; error: string }[] = [];
    const db = this.options.db;
    // When each skipped writer's breaker lets callers in again; all skipped: the job waits for the first of them.
    const resting: Date[] = [];
    for (const provider of this.chain) {
      const model = modelFor(provider, request);
      const label = `${provider.name}:${model}`;
      const breaker = db ? provider.breakerKey : null;
      // The breaker's state as last seen: a success changes only a half-open breaker, so after a closed one (the
      // common case) nothing is read or written. A breaker that opens and turns half-open during one long call
      // misses that call's success; the next calls close it.
      let seen: BreakerState = "closed";
      if (breaker) {
        const check = await checkBreaker(db!, breaker, { now: this.now() });
        if (!check.allowed) {
          recordLlmCall(provider.name, model, "skipped");
          failures.push({ provider: label, error: "circuit open (skipped)" });
          resting.push(check.retryAt ?? this.now());
          continue;
        }
        seen = check.state;
      }
      const release = await this.semaphoreFor(provider).acquire();
      const deadline = deadlineOf(request.signal);
      const longestMs = provider.longestCallMs?.(request) ?? 0;
      const outOfTime = (pauseMs: number) => deadline !== null && Date.now() + pauseMs + longestMs > deadline;
      const noTimeLeft = () => {
        failures.push({
          provider: label,
          error: `no time left in this job for a call that may take ${Math.round(longestMs / 1000)} s (the job is retried)`,
        });
        return new AllProvidersFailedError(failures);
      };
      try {
        for (let attempt = 0; ; attempt++) {
          request.signal?.throwIfAborted();
          if (outOfTime(0)) throw noTimeLeft();
          request.sink?.restart();
          const started = performance.now();
          try {
            const completion = await provider.complete(request);
            recordLlmCall(provider.name, model, "success", (performance.now() - started) / 1000);
            if (breaker && seen !== "closed") await recordBreakerSuccess(db!, breaker, { now: this.now() });
            return completion;
          } catch (error) {
            recordLlmCall(provider.name, model, "failure", (performance.now() - started) / 1000);
            if (request.signal?.aborted) throw request.signal.reason; // the job's deadline, not the provider's fault
            if (error instanceof CustomerKeyRefusedError) throw error; // retrying a refused key only burns calls
            const kind = classifyError(error);
            failures.push({ provider: label, error: kind.reason });
            logger.warn(
              { provider: label, attempt: attempt + 1, reason: kind.reason, retryable: kind.retryable },
              "writer call failed",
            );
            // A refusal of the request (4xx) names the model: a misnamed OPENAI_CHEAP_MODEL shows on the admin's page.
            const clientError = kind.status !== null && kind.status < 500 && !kind.retryable;
            const state = breaker
              ? await recordBreakerFailure(db!, breaker, {
                  now: this.now(),
                  error: clientError ? `${kind.reason} for model ${model}` : kind.reason,
                })
              : "closed";
            seen = state;
            if (!kind.retryable || attempt >= this.retryDelaysMs.length || state === "open") break;
            const base = kind.retryAfterMs ?? this.retryDelaysMs[attempt];
            const pauseMs = Math.round(base * (1 + 0.25 * this.random()));
            if (outOfTime(pauseMs)) throw noTimeLeft();
            await this.sleep(pauseMs, request.signal);
          }
        }
      } finally {
        release();
      }
    }
    if (resting.length === this.chain.length)
      throw new ProvidersRestingError(failures, new Date(Math.min(...resting.map((d) => d.getTime()))));
    throw new AllProvidersFailedError(failures);
  }
}
