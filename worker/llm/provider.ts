/** What the pipeline asks of a writer; `intent` lets the offline writer produce the same shape without a model. */
export type CompletionIntent =
  | { kind: "outline"; topic: string; language: string; sectionCount: number }
  /** Checking a text against the customer's requirements; only real models do this. */
  | { kind: "judge" }
  /** The topic of a non-English order put into English for the indexes' English query; only real models do this. */
  | { kind: "translate-query" }
  | {
      kind: "section";
      topic: string;
      language: string;
      heading: string;
      keyPoints: string[];
      targetWords: number;
      attempt: number;
      /** Keys of the sources this section may cite, as `[@key]`. */
      sourceKeys?: string[];
    };

export type CompletionRequest = {
  system: string;
  prompt: string;
  /** Ask for a JSON object as the whole answer. */
  json?: boolean;
  maxTokens?: number;
  intent: CompletionIntent;
  /**
   * "cheap": a small checking task (judging citations, the English research query) that the writer's cheap model does
   * (OPENAI_CHEAP_MODEL, ANTHROPIC_CHEAP_MODEL); a writer without one (a compatible server, a customer's key) uses its
   * model. Absent: the writing model.
   */
  tier?: "cheap";
  /** Aborts the call (the job's deadline); providers pass it to their SDK. */
  signal?: AbortSignal;
  /**
   * Receives the answer's text as it is written: a provider that can stream asks for a streamed answer and hands on
   * every piece. The completion's `text` stays the answer; this only lets work on it start early.
   */
  sink?: TextSink;
};

/** Where a streamed answer goes while it arrives (a section's checks start on its finished paragraphs). */
export interface TextSink {
  /** A new try begins (the router retries, or falls back to the next writer): what came before is void. */
  restart(): void;
  append(text: string): void;
}

/** What a provider's client is built with: `timeoutMs` is the wait for an answer and a streamed answer's longest pause; `answerLimitMs` a streamed answer in all. */
export type ProviderOptions = {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** The model of small checking tasks (`tier: "cheap"`); absent: `model`. */
  cheapModel?: string;
  timeoutMs?: number;
  answerLimitMs?: number;
};

export type Completion = {
  text: string;
  tokensIn: number;
  tokensOut: number;
  provider: string;
  model: string;
  /** Written with the customer's own key: the call's cost is theirs (token_usage.paid_by_customer). */
  paidByCustomer?: boolean;
};

export interface LlmProvider {
  /** e.g. "openai", "compat", "offline" */
  readonly name: string;
  readonly model: string;
  /** The model of `tier: "cheap"` requests; absent: `model`. */
  readonly cheapModel?: string;
  /** One circuit breaker per provider (e.g. "openai", "anthropic", "compat:localhost:11434"); null = never breaks. */
  readonly breakerKey: string | null;
  /** The longest this request may legally run (its timeout; streamed, its limit in all); absent: no limit worth a check. */
  longestCallMs?(request: CompletionRequest): number;
  complete(request: CompletionRequest): Promise<Completion>;
}

/** The model a provider answers this request with. */
export function modelFor(
  provider: Pick<LlmProvider, "model" | "cheapModel">,
  request: Pick<CompletionRequest, "tier">,
) {
  return request.tier === "cheap" && provider.cheapModel ? provider.cheapModel : provider.model;
}

export class AllProvidersFailedError extends Error {
  constructor(public readonly failures: { provider: string; error: string }[]) {
    super(`Every writer in the chain failed: ${failures.map((f) => `${f.provider}: ${f.error}`).join("; ")}`);
    this.name = "AllProvidersFailedError";
  }
}

/**
 * No writer was even asked: every one's circuit breaker is open. The job waits until the first may be asked again
 * (`until`) without spending one of its tries (worker/runner.ts), so an outage delays orders instead of failing them.
 */
export class ProvidersRestingError extends AllProvidersFailedError {
  constructor(
    failures: { provider: string; error: string }[],
    public readonly until: Date,
  ) {
    super(failures);
    this.name = "ProvidersRestingError";
  }
}
