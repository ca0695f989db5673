// The one cheap call that checks a customer's LLM key before it is saved: the provider's list of models, through its
// own SDK (nothing is written, no tokens are spent). Its answer is reduced to a reason the form can say.
import OpenAI from "openai";
import type { CustomerLlmProvider } from "../../db/schema";

export type KeyCheck = { ok: true } | { ok: false; reason: "refused" | "unreachable" | "failed"; status?: number };

export type KeyToCheck = { provider: CustomerLlmProvider; apiKey: string; baseURL: string | undefined };

const CHECK_TIMEOUT_MS = 15_000;

export async function checkLlmKey({ provider, apiKey, baseURL }: KeyToCheck): Promise<KeyCheck> {
  try {
    if (provider === "anthropic") {
      const { default: Anthropic } = await import("@anthropic-ai/sdk");
      const client = new Anthropic({ apiKey, baseURL, maxRetries: 0, timeout: CHECK_TIMEOUT_MS, logLevel: "off" });
      await client.models.list({ limit: 1 });
    } else {
      const client = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: CHECK_TIMEOUT_MS, logLevel: "off" });
      await client.models.list();
    }
    return { ok: true };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status === 401 || status === 403) return { ok: false, reason: "refused", status };
    if (typeof status === "number") return { ok: false, reason: "failed", status };
    // No HTTP answer at all: DNS, connection refused, timeout (the SDKs' APIConnectionError and its timeout subclass).
    return { ok: false, reason: "unreachable" };
  }
}
