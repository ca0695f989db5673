// The writer chain as plain data, parsed from the environment in this one place: the worker builds an SDK client for
// each writer (worker/llm/router.ts), /health/detailed lists them without building any.
import type { Env } from "./env.server";

/** The offline demo writer's model, as documents, logs and the health check name it. */
export const OFFLINE_WRITER_MODEL = "offline-demo-1";

export type WriterProvider = "openai" | "anthropic" | "compat" | "offline";

export type WriterDescription = {
  provider: WriterProvider;
  model: string;
  /** The model of small checking tasks (CompletionRequest.tier "cheap"); absent: `model` does them too. */
  cheapModel?: string;
  /** Where its API answers; undefined: the provider's own. */
  baseURL?: string;
  /** The variable the worker reads its key from (a compat server may have none set); null: it needs no key. */
  apiKeyVariable: "OPENAI_API_KEY" | "ANTHROPIC_API_KEY" | "OPENAI_COMPAT_API_KEY" | null;
};

export type ChainEnv = Pick<
  Env,
  | "AI_FALLBACK_CHAIN"
  | "ALLOW_OFFLINE_PROVIDERS"
  | "OPENAI_API_KEY"
  | "OPENAI_BASE_URL"
  | "OPENAI_MODEL"
  | "OPENAI_CHEAP_MODEL"
  | "OPENAI_COMPAT_API_KEY"
  | "ANTHROPIC_API_KEY"
  | "ANTHROPIC_BASE_URL"
  | "ANTHROPIC_MODEL"
  | "ANTHROPIC_CHEAP_MODEL"
>;

/**
 * Parses AI_FALLBACK_CHAIN, e.g. `openai:gpt-4o-mini,anthropic:claude-sonnet-4-6,compat:llama3.1@http://localhost:11434/v1`.
 * Without it: OpenAI when OPENAI_API_KEY is set, then Anthropic when ANTHROPIC_API_KEY is set; otherwise the offline
 * writer (where allowed). Throws what no worker could run: a provider without its key, an unknown one, a bad address.
 */
export function describeProviderChain(env: ChainEnv): WriterDescription[] {
  const entries = env.AI_FALLBACK_CHAIN
    ? env.AI_FALLBACK_CHAIN.split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [
        ...(env.OPENAI_API_KEY ? [`openai:${env.OPENAI_MODEL}`] : []),
        ...(env.ANTHROPIC_API_KEY ? [`anthropic:${env.ANTHROPIC_MODEL}`] : []),
      ];
  if (entries.length === 0) entries.push("offline");
  return entries.map((entry) => describeWriter(entry, env));
}

function describeWriter(entry: string, env: ChainEnv): WriterDescription {
  const [provider, rest] = splitOnce(entry, ":");
  switch (provider) {
    case "offline":
      if (!env.ALLOW_OFFLINE_PROVIDERS) throw new Error("AI_FALLBACK_CHAIN: the offline writer is not allowed here");
      return { provider, model: OFFLINE_WRITER_MODEL, apiKeyVariable: null };
    case "openai":
      if (!env.OPENAI_API_KEY) throw new Error(`AI_FALLBACK_CHAIN: "${entry}" needs OPENAI_API_KEY`);
      return {
        provider,
        model: rest || env.OPENAI_MODEL,
        cheapModel: env.OPENAI_CHEAP_MODEL,
        baseURL: env.OPENAI_BASE_URL,
        apiKeyVariable: "OPENAI_API_KEY",
      };
    case "anthropic":
      if (!env.ANTHROPIC_API_KEY) throw new Error(`AI_FALLBACK_CHAIN: "${entry}" needs ANTHROPIC_API_KEY`);
      return {
        provider,
        model: rest || env.ANTHROPIC_MODEL,
        cheapModel: env.ANTHROPIC_CHEAP_MODEL,
        baseURL: env.ANTHROPIC_BASE_URL,
        apiKeyVariable: "ANTHROPIC_API_KEY",
      };
    case "compat": {
      const [model, baseURL] = splitOnce(rest, "@");
      if (!model || !URL.canParse(baseURL))
        throw new Error(`AI_FALLBACK_CHAIN: "${entry}" must look like compat:MODEL@BASE_URL`);
      // Local OpenAI-compatible servers (Ollama, vLLM) accept any key; hosted ones read OPENAI_COMPAT_API_KEY. Their
      // one model does the checking tasks too: a server runs the models it was given, and bills none by the token.
      return { provider, model, baseURL, apiKeyVariable: "OPENAI_COMPAT_API_KEY" };
    }
    default:
      throw new Error(`AI_FALLBACK_CHAIN: unknown provider "${provider}" (use openai, anthropic, compat or offline)`);
  }
}

/** The circuit breaker a writer answers to (a compatible server's is per host); null: the offline writer never breaks. */
export function writerBreakerKey(writer: Pick<WriterDescription, "provider" | "baseURL">): string | null {
  if (writer.provider === "offline") return null;
  if (writer.provider === "compat") return `compat:${new URL(writer.baseURL!).host}`;
  return writer.provider;
}

/**
 * Every circuit breaker an admin may pin: the configured writers' (compatible servers per host), then the scholarly
 * indexes named by RESEARCH_PROVIDERS, whose calls the same breakers guard.
 */
export function breakerProviders(env: ChainEnv & Pick<Env, "RESEARCH_PROVIDERS">): string[] {
  let writers: (string | null)[] = [];
  try {
    writers = describeProviderChain(env).map(writerBreakerKey);
  } catch {
    // A chain this process cannot run (a key set on the workers only) names no writer; their breaker rows remain.
  }
  const indexes = env.RESEARCH_PROVIDERS === "none" ? [] : env.RESEARCH_PROVIDERS.split(",");
  return [...new Set([...writers, ...indexes].filter((key): key is string => Boolean(key)))];
}

/** `provider:model` (and `+cheapModel` when checking tasks use another), as the health check and the worker's log list a writer. */
export function writerLabel(writer: Pick<WriterDescription, "provider" | "model" | "cheapModel">): string {
  const cheap = writer.cheapModel && writer.cheapModel !== writer.model ? `+${writer.cheapModel}` : "";
  return `${writer.provider}:${writer.model}${cheap}`;
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at === -1 ? [value, ""] : [value.slice(0, at), value.slice(at + 1)];
}
