import type { Env } from "../../app/utils/env.server";
import { logger } from "../../app/utils/logger.server";
import { OfflineWriter } from "./offline";
import { OpenAIProvider } from "./openai";
import { AllProvidersFailedError, type Completion, type CompletionRequest, type LlmProvider } from "./provider";

/**
 * Parses AI_FALLBACK_CHAIN, e.g. `openai:gpt-4o-mini,compat:llama3.1@http://localhost:11434/v1,offline`.
 * Without it: OpenAI when OPENAI_API_KEY is set, otherwise the offline writer (where allowed).
 */
export function buildProviderChain(env: Env): LlmProvider[] {
  const entries = env.AI_FALLBACK_CHAIN
    ? env.AI_FALLBACK_CHAIN.split(",").map((s) => s.trim()).filter(Boolean)
    : env.OPENAI_API_KEY
      ? [`openai:${env.OPENAI_MODEL}`]
      : ["offline"];
  return entries.map((entry) => providerFor(entry, env));
}

function providerFor(entry: string, env: Env): LlmProvider {
  const [kind, rest = ""] = splitOnce(entry, ":");
  switch (kind) {
    case "offline":
      if (!env.ALLOW_OFFLINE_PROVIDERS) throw new Error("AI_FALLBACK_CHAIN: the offline writer is not allowed here");
      return new OfflineWriter();
    case "openai":
      if (!env.OPENAI_API_KEY) throw new Error(`AI_FALLBACK_CHAIN: "${entry}" needs OPENAI_API_KEY`);
      return new OpenAIProvider({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, model: rest || env.OPENAI_MODEL });
    case "compat": {
      const [model, baseURL] = splitOnce(rest, "@");
      if (!model || !baseURL) throw new Error(`AI_FALLBACK_CHAIN: "${entry}" must look like compat:MODEL@BASE_URL`);
      // Local OpenAI-compatible servers (Ollama, vLLM) accept any key; hosted ones read OPENAI_COMPAT_API_KEY.
      return new OpenAIProvider({ name: "compat", apiKey: env.OPENAI_COMPAT_API_KEY ?? "none", baseURL, model, breakerKey: `compat:${new URL(baseURL).host}` });
    }
    default:
      throw new Error(`AI_FALLBACK_CHAIN: unknown provider "${kind}" (use openai, compat or offline)`);
  }
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at === -1 ? [value, ""] : [value.slice(0, at), value.slice(at + 1)];
}

/** Tries each writer in order; the first answer wins. (Retries and circuit breakers come with the engine issue.) */
export class LlmRouter {
  constructor(private readonly chain: LlmProvider[]) {
    if (chain.length === 0) throw new Error("The writer chain is empty");
  }

  describe(): string[] {
    return this.chain.map((p) => `${p.name}:${p.model}`);
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const failures: { provider: string; error: string }[] = [];
    for (const provider of this.chain) {
      try {
        return await provider.complete(request);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.warn({ provider: provider.name, model: provider.model, err: message }, "writer failed; trying the next");
        failures.push({ provider: `${provider.name}:${provider.model}`, error: message });
      }
    }
    throw new AllProvidersFailedError(failures);
  }
}
