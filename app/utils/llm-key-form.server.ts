// Saving a customer's own LLM key from /account/llm-key: the address refused where it may not be called, the key
// checked with one cheap call, then sealed and saved — and the customer's paused orders resumed — in one transaction.
import type { CustomerLlmProvider } from "../../db/schema";
import { message } from "../i18n/messages";
import { byokKeyring, saveLlmKey } from "../models/customer-llm-keys.server";
import { resumeOrdersWaitingForKey } from "../models/paused-orders.server";
import type { Db } from "./db.server";
import { getEnv } from "./env.server";
import { checkLlmKey } from "./llm-key-check.server";
import { assertPublicUrl, RefusedUrlError } from "./public-address.server";

export type LlmKeyInput = {
  provider: CustomerLlmProvider;
  model: string | undefined;
  baseUrl: string | undefined;
  apiKey: string;
  fallbackAllowed: boolean;
};

export type LlmKeySaved =
  | { ok: true; resumed: number }
  | { ok: false; status: number; fieldErrors?: Record<string, string[]>; formErrors?: string[] };

export async function checkAndSaveLlmKey(db: Db, userId: string, input: LlmKeyInput): Promise<LlmKeySaved> {
  const env = getEnv();
  const fieldError = (field: string, key: string): LlmKeySaved => ({
    ok: false,
    status: 400,
    fieldErrors: { [field]: [message(key)] },
  });
  let baseURL: string | undefined;
  let model = input.model;
  if (input.provider === "compat") {
    if (!input.baseUrl) return fieldError("baseUrl", "byok:errors.baseUrlRequired");
    if (!model) return fieldError("model", "byok:errors.modelRequired");
    // In production the server we would call must be public (no server-side request forgery); a host that does not
    // resolve is left to the key check, which says it could not reach it.
    const refusal = await assertPublicUrl(input.baseUrl, { allowPrivate: !env.isProduction }).then(
      () => null,
      (error: unknown) => (error instanceof RefusedUrlError ? error.reason : Promise.reject(error)),
    );
    if (refusal === "invalid") return fieldError("baseUrl", "byok:errors.baseUrlInvalid");
    if (refusal === "private") return fieldError("baseUrl", "byok:errors.baseUrlPrivate");
    baseURL = input.baseUrl;
  } else {
    model ??= input.provider === "openai" ? env.OPENAI_MODEL : env.ANTHROPIC_MODEL;
    baseURL = input.provider === "openai" ? env.OPENAI_BASE_URL : env.ANTHROPIC_BASE_URL;
  }

  const check = await checkLlmKey({ provider: input.provider, apiKey: input.apiKey, baseURL });
  if (!check.ok) {
    const host = baseURL ? new URL(baseURL).host : input.provider === "openai" ? "api.openai.com" : "api.anthropic.com";
    const formError =
      check.reason === "refused"
        ? message("byok:errors.refused")
        : check.reason === "unreachable"
          ? message("byok:errors.unreachable", { host })
          : message("byok:errors.failed", { status: check.status ?? 0 });
    // The customer's key is wrong (400); the provider failed or could not be reached (502).
    return { ok: false, status: check.reason === "refused" ? 400 : 502, formErrors: [formError] };
  }

  const [sealWith] = byokKeyring(env);
  if (!sealWith) throw new Error("BYOK_ENCRYPTION_KEY is not set although BYOK_ENABLED is");
  const resumed = await db.transaction().execute(async (trx) => {
    await saveLlmKey(
      trx,
      userId,
      {
        provider: input.provider,
        model,
        baseUrl: baseURL ?? null,
        apiKey: input.apiKey,
        fallbackAllowed: input.fallbackAllowed,
      },
      sealWith,
    );
    return resumeOrdersWaitingForKey(trx, userId);
  });
  return { ok: true, resumed: resumed.length };
}
