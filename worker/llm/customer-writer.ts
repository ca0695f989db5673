// The writer of an order priced with the customer's own LLM key (issue 22, item 6): their provider first, with their
// key opened only here and only for the job at hand; TesiGo's chain after it only if they allowed it. Their calls
// never touch our circuit breakers, are marked as paid by them, and their key is scrubbed from every error.
import { byokKeyring, openLlmKey, type OpenedLlmKey } from "../../app/models/customer-llm-keys.server";
import type { Db } from "../../app/utils/db.server";
import { getEnv, type Env } from "../../app/utils/env.server";
import { callLimitSeconds } from "../../app/utils/job-expiry";
import { logger } from "../../app/utils/logger.server";
import { AnthropicProvider } from "./anthropic";
import { CustomerKeyRefusedError } from "./errors";
import { OpenAIProvider } from "./openai";
import { AllProvidersFailedError, type Completion, type CompletionRequest, type LlmProvider } from "./provider";
import { LlmRouter, type Writer } from "./router";

/**
 * `text` without the secret, nor its last 8 characters (providers echo a refused key whole, or masked down to its
 * start, which is the provider's common prefix, and its end).
 */
export function scrubSecret(text: string, secret: string): string {
  if (secret.length < 16) return text.split(secret).join("[redacted]");
  const pieces = [secret, secret.slice(-8)];
  return pieces.reduce((out, piece) => out.split(piece).join("[redacted]"), text);
}

/** The customer's provider: no breaker, its completions marked as theirs, its errors scrubbed and a refusal named. */
class CustomerKeyProvider implements LlmProvider {
  readonly name: string;
  readonly model: string;
  readonly breakerKey = null;

  constructor(
    private readonly inner: LlmProvider,
    private readonly apiKey: string,
    readonly provider: string,
  ) {
    this.name = `customer:${inner.name}`;
    this.model = inner.model;
  }

  longestCallMs(request: CompletionRequest): number {
    return this.inner.longestCallMs?.(request) ?? 0;
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    try {
      const completion = await this.inner.complete(request);
      return { ...completion, provider: this.name, paidByCustomer: true };
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 401 || status === 403) throw new CustomerKeyRefusedError(this.provider, "refused");
      throw scrubbed(error, this.apiKey);
    }
  }
}

/** The same failure (status, headers and kind kept for the router's classification) with the key taken out. */
function scrubbed(error: unknown, secret: string): unknown {
  if (!(error instanceof Error)) return new Error(scrubSecret(String(error), secret));
  const clean = (text: string | undefined) => !text || scrubSecret(text, secret) === text;
  if (clean(error.message) && clean(error.stack)) return error; // as it was: its class still tells how to retry
  const copy = new Error(scrubSecret(error.message, secret));
  copy.name = error.name === "Error" ? error.constructor.name : error.name;
  const { status, headers } = error as { status?: unknown; headers?: unknown };
  return Object.assign(copy, { status, headers, stack: scrubSecret(error.stack ?? "", secret) });
}

function customerProvider(key: OpenedLlmKey, env: Env): LlmProvider {
  const timeoutMs = env.LLM_TIMEOUT_SECONDS * 1000;
  const answerLimitMs = callLimitSeconds(env.LLM_TIMEOUT_SECONDS, true) * 1000;
  const common = { apiKey: key.apiKey, model: key.model, timeoutMs, answerLimitMs };
  const inner =
    key.provider === "anthropic"
      ? new AnthropicProvider({ ...common, baseURL: env.ANTHROPIC_BASE_URL })
      : key.provider === "openai"
        ? new OpenAIProvider({ ...common, baseURL: env.OPENAI_BASE_URL })
        : new OpenAIProvider({ ...common, name: "compat", baseURL: key.baseUrl ?? undefined });
  return new CustomerKeyProvider(inner, key.apiKey, key.provider);
}

/** The customer's writer, then ours only when they allowed it; a refusal of their key is said, never retried. */
export class OrderWriter implements Writer {
  constructor(
    private readonly customer: LlmRouter,
    private readonly ours: Writer | null,
    private readonly documentId: string,
  ) {}

  describe(): string[] {
    return [...this.customer.describe(), ...(this.ours?.describe() ?? [])];
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    try {
      return await this.customer.complete(request);
    } catch (error) {
      const theirs = error instanceof CustomerKeyRefusedError || error instanceof AllProvidersFailedError;
      if (!theirs || !this.ours) throw error;
      logger.warn(
        { documentId: this.documentId, reason: error instanceof CustomerKeyRefusedError ? error.why : "failed" },
        "the customer's key failed; TesiGo's writers write instead, as the customer allowed",
      );
      request.sink?.restart();
      return this.ours.complete(request);
    }
  }
}

export type OrderToWrite = { id: string; user_id: string; priced_with_own_key: boolean };

/**
 * The writer of one order: ours, unless the order was priced with the customer's own key. That key is opened now (it
 * lives in memory only for this job); a key deleted since pauses the order when no fallback can be allowed.
 */
export async function writerForOrder(ctx: { db: Db; router: Writer }, order: OrderToWrite): Promise<Writer> {
  if (!order.priced_with_own_key) return ctx.router;
  const env = getEnv();
  const key = await openLlmKey(ctx.db, order.user_id, byokKeyring(env));
  if (!key) throw new CustomerKeyRefusedError("LLM", "missing");
  const customer = new LlmRouter([customerProvider(key, env)]);
  return new OrderWriter(customer, key.fallbackAllowed ? ctx.router : null, order.id);
}
