import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { minimumExpirySeconds } from "./job-expiry";
import { DEFAULT_UPLOAD_QUOTA_MB, DEFAULT_UPLOAD_READ_TIMEOUT_SECONDS } from "./upload-limits";

const WEAK_WORDS = ["secret", "password", "test", "admin", "changeme"];
// Development-only defaults: each contains a weak word on purpose, so production refuses them.
const DEV_SESSION_SECRET = "dev-only-session-secret-do-not-use-in-production";
const DEV_TOTP_SECRET = "0".repeat(63) + "1";
const DEV_BYOK_ENCRYPTION_KEY = "0".repeat(63) + "2";

function isPriceTable(value: string): boolean {
  try {
    const parsed = JSON.parse(value);
    return (
      typeof parsed === "object" &&
      parsed !== null &&
      Object.values(parsed).every(
        (p) => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === "number" && n >= 0),
      )
    );
  } catch {
    return false;
  }
}

/** 32 bytes as hex or base64: the length AES-256 needs. */
function isEncryptionKey(value: string): boolean {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return true;
  return /^[A-Za-z0-9+/]{43}=?$/.test(value) && Buffer.from(value, "base64").length === 32;
}

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const url = z.url({ message: "must be a URL such as https://example.com" });
const optionalUrl = url.optional();

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  ROLE: z.enum(["all", "web", "worker"], { message: "must be all, web or worker" }).default("all"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Default: 127.0.0.1 outside production (a development server stays on this machine), 0.0.0.0 in production. */
  HOST: z.string().min(1).optional(),
  APP_URL: optionalUrl,
  /** Express "trust proxy": which proxies may set X-Forwarded-For (client addresses for rate limits and consents). */
  TRUST_PROXY: z.string().min(1).default("loopback"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  /** S3-compatible storage for delivered files and uploads (https://s3.example.com); unset = the `files` table. */
  S3_URL: optionalUrl,
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  /** Where the worker writes the scheduled backup; unset = no scheduled backup (npm run backup still works). */
  BACKUP_DIR: z.string().min(1).optional(),
  /** How many scheduled backups BACKUP_DIR keeps (the oldest are deleted after each new one). */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(10_000).default(7),
  /** When the scheduled backup runs: a cron expression in UTC. */
  BACKUP_SCHEDULE: z
    .string()
    .regex(/^\S+( \S+){4}$/, 'must be a cron expression of five fields, such as "15 3 * * *"')
    .default("15 3 * * *"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  SESSION_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  TOTP_SECRET: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hexadecimal characters (run npm run generate-secrets)")
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z.string().min(3).default("TesiGo <no-reply@tesigo.local>"),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini"),
  /** The model of small checking tasks (citation judging, the English research query) on the `openai` provider. */
  OPENAI_CHEAP_MODEL: z.string().min(1).default("gpt-4o-mini"),
  OPENAI_COMPAT_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: optionalUrl,
  /** Not claude-sonnet-4-5: it reached end of life on 2026-11-30 (decision 052). */
  ANTHROPIC_MODEL: z.string().min(1).default("claude-sonnet-4-6"),
  /** The model of small checking tasks on the `anthropic` provider. */
  ANTHROPIC_CHEAP_MODEL: z.string().min(1).default("claude-haiku-4-5"),
  LLM_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(600).default(90),
  /** Calls in flight per provider and process: "16", or per provider "openai=20,anthropic=8,default=16". */
  PROVIDER_CONCURRENCY: z
    .string()
    .regex(/^(\d+|([a-z]+=\d+)(,[a-z]+=\d+)*)$/, 'must be a number or a list such as "openai=20,anthropic=8"')
    .default("16"),
  /** Tokens (in + out) per UTC day; 0 = no limit. */
  DAILY_TOKEN_LIMIT: z.coerce.number().int().min(0).default(0),
  DAILY_TOKEN_LIMIT_PER_USER: z.coerce.number().int().min(0).default(0),
  /** Prices per million tokens as JSON, e.g. {"gpt-4o-mini":[0.15,0.6]}; merged over the built-in table. */
  MODEL_PRICES: z
    .string()
    .optional()
    .refine((v) => v === undefined || isPriceTable(v), 'must be JSON like {"model":[inputPerMillion,outputPerMillion]}')
    .transform((v) => (v === undefined ? {} : (JSON.parse(v) as Record<string, [number, number]>))),
  /** Scholarly source providers, comma-separated, or "none" (the document then says it has no references). */
  RESEARCH_PROVIDERS: z
    .string()
    .regex(
      /^(none|(openalex|crossref|semantic-scholar)(,(openalex|crossref|semantic-scholar))*)$/,
      'must list openalex, crossref and/or semantic-scholar, or be "none"',
    )
    .default("openalex,crossref,semantic-scholar"),
  OPENALEX_URL: optionalUrl,
  CROSSREF_URL: optionalUrl,
  SEMANTIC_SCHOLAR_URL: optionalUrl,
  SEMANTIC_SCHOLAR_API_KEY: z.string().min(1).optional(),
  /** Contact address sent to OpenAlex and Crossref (their "polite pool"). */
  RESEARCH_MAILTO: z.string().email().optional(),
  /** Fetch the open-access PDF of found sources and keep its text page by page (worker/research/full-text.ts). */
  FULLTEXT_ENABLED: booleanFlag.default(true),
  /** A PDF is not read past this many bytes (it is then recorded as too large). */
  FULLTEXT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(200 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  /** Longest one open-access PDF may take to download (its reading has UPLOAD_READ_TIMEOUT_SECONDS, as an upload's). */
  FULLTEXT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  /** Origins on a private network open-access PDFs may come from (a local mirror, tests' stand-ins); never production. */
  FULLTEXT_PRIVATE_ORIGINS: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v.split(",").every((o) => /^https?:\/\/[^/\s]+$/.test(o.trim())),
      "must list origins such as http://127.0.0.1:4030, comma-separated",
    )
    .transform((v) => (v ? v.split(",").map((o) => new URL(o.trim()).origin) : [])),
  QUALITY_MIN_UNIQUENESS: z.coerce.number().min(0).max(100).default(85),
  QUALITY_MAX_GRAMMAR_ERRORS: z.coerce.number().min(0).max(1000).default(10),
  QUALITY_MAX_AI_DETECTION_SCORE: z.coerce.number().min(0).max(100).default(55),
  /** Citation-support gate: the least share of a section's citations its sources support (partly counts half). */
  CITATION_SUPPORT_MIN: z.coerce.number().min(0).max(1).default(0.9),
  /** Longest wait for one answer of LanguageTool or an AI detector; the gate then has no score for that text. */
  QUALITY_HTTP_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(30),
  LANGUAGETOOL_URL: optionalUrl,
  GPTZERO_API_KEY: z.string().min(1).optional(),
  GPTZERO_URL: url.default("https://api.gptzero.me"),
  ORIGINALITY_API_KEY: z.string().min(1).optional(),
  ORIGINALITY_URL: url.default("https://api.originality.ai"),
  QUALITY_GATES_MAX_CONTEXT_SECTIONS: z.coerce.number().int().min(0).max(50).default(10),
  /** Overrides every queue's job expiry (seconds); for tests of crash recovery. */
  QUEUE_EXPIRE_SECONDS: z.coerce.number().int().min(5).max(3600).optional(),
  /** How often pg-boss looks for expired jobs (seconds). */
  QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
  AI_FALLBACK_CHAIN: z.string().min(1).optional(),
  ALLOW_OFFLINE_PROVIDERS: booleanFlag.optional(),
  ALLOW_DEV_PAYMENT: booleanFlag.optional(),
  /** The price of one regeneration beyond an order's free ones, in the order's currency's cents. */
  REGENERATION_PRICE_CENTS: z.coerce.number().int().min(50).max(100_000).default(500),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_/, "must be a Stripe secret key (sk_… or rk_…)")
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_/, "must be a Stripe webhook signing secret (whsec_…)")
    .optional(),
  /** Where the stripe SDK sends its requests; only tests and local Stripe mocks set it. */
  STRIPE_API_URL: optionalUrl,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  API_ACCOUNT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Webhook endpoints may be private or loopback addresses (a local receiver); never in production. */
  WEBHOOK_ALLOW_PRIVATE_URLS: booleanFlag.optional(),
  /** The first retry of a failed webhook delivery waits 1–2 × this; each next one twice as long (10 retries). */
  WEBHOOK_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(56),
  /** Memory for rendered pages kept by each web process (app/utils/page-cache.server.ts); 0 keeps none. */
  PAGE_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(64),
  /** Sign-in codes a client address may ask per 15 minutes (it may type 3× as many wrong codes). */
  SIGNIN_LIMIT_PER_15_MINUTES: z.coerce.number().int().min(1).max(1000).default(5),
  /** Codes mailed to one address per hour, unless asked from a browser that has signed in as that address before. */
  SIGNIN_CODES_PER_EMAIL_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(5),
  PARTIAL_COMPLETION_THRESHOLD: z.coerce.number().min(0).max(1).default(0.85),
  SECTION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Megabytes of requirements files a customer may keep stored. */
  UPLOAD_QUOTA_MB: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_UPLOAD_QUOTA_MB),
  /** Longest a PDF's or DOCX's text may take to read before the file is refused. */
  UPLOAD_READ_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(DEFAULT_UPLOAD_READ_TIMEOUT_SECONDS),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Customers may save their own LLM key (/account/llm-key); default on outside production, off in production. */
  BYOK_ENABLED: booleanFlag.optional(),
  /** The key-encryption key of customers' LLM keys: 32 bytes as 64 hex characters or base64. */
  BYOK_ENCRYPTION_KEY: z
    .string()
    .refine(
      isEncryptionKey,
      "must be 32 bytes written as 64 hexadecimal characters or base64 (openssl rand -base64 32)",
    )
    .optional(),
  /** The previous BYOK_ENCRYPTION_KEY during a rotation: still decrypts, and npm run byok:rotate re-encrypts from it. */
  BYOK_ENCRYPTION_KEY_OLD: z
    .string()
    .refine(isEncryptionKey, "must be 32 bytes written as 64 hexadecimal characters or base64")
    .optional(),
  /** Share taken off the price of an order written with the customer's own key (0.4 = 40 % off). */
  BYOK_DISCOUNT: z.coerce.number().min(0).max(0.9).default(0.4),
  /** Bearer token of monitoring: opens /metrics and shows /health/detailed's details. */
  METRICS_TOKEN: z.string().min(32, "must be at least 32 characters (npm run generate-secrets prints one)").optional(),
});

export type Env = Omit<
  z.infer<typeof schema>,
  "SESSION_SECRET" | "TOTP_SECRET" | "APP_URL" | "HOST" | "BYOK_ENABLED" | "BYOK_ENCRYPTION_KEY"
> & {
  HOST: string;
  SESSION_SECRET: string;
  TOTP_SECRET: string;
  APP_URL: string;
  ALLOW_OFFLINE_PROVIDERS: boolean;
  ALLOW_DEV_PAYMENT: boolean;
  BYOK_ENABLED: boolean;
  /** Set whenever BYOK_ENABLED (a development-only key outside production when unset). */
  BYOK_ENCRYPTION_KEY: string | undefined;
  WEBHOOK_ALLOW_PRIVATE_URLS: boolean;
  isProduction: boolean;
};

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Validates a set of environment variables; throws EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".") || "(environment)"}: ${i.message}`));
  }
  const raw = result.data;
  const isProduction = raw.NODE_ENV === "production";
  const problems: string[] = [];

  // A shorter expiry would hand a job to another worker (and abort it here) while its call may still legally run.
  const shortestExpiry = minimumExpirySeconds(raw.LLM_TIMEOUT_SECONDS);
  if (raw.QUEUE_EXPIRE_SECONDS !== undefined && raw.QUEUE_EXPIRE_SECONDS < shortestExpiry) {
    problems.push(
      `QUEUE_EXPIRE_SECONDS: must be at least ${shortestExpiry} with LLM_TIMEOUT_SECONDS=${raw.LLM_TIMEOUT_SECONDS}: a job's writer calls may legally run that long`,
    );
  }

  if (raw.S3_URL) {
    for (const name of ["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
      if (!raw[name]) problems.push(`${name}: is required with S3_URL (files are stored in that bucket)`);
    }
  }

  const secrets = { SESSION_SECRET: raw.SESSION_SECRET, TOTP_SECRET: raw.TOTP_SECRET };
  if (isProduction) {
    for (const [name, value] of Object.entries(secrets)) {
      if (!value) {
        problems.push(`${name}: is required in production (run npm run generate-secrets)`);
        continue;
      }
      if (value.length < 32) problems.push(`${name}: must be at least 32 characters in production`);
      const weak = WEAK_WORDS.find((w) => value.toLowerCase().includes(w));
      if (weak) problems.push(`${name}: must not contain the word "${weak}"`);
    }
    if (raw.SESSION_SECRET && raw.TOTP_SECRET && raw.SESSION_SECRET.toLowerCase() === raw.TOTP_SECRET.toLowerCase()) {
      problems.push("SESSION_SECRET and TOTP_SECRET: each secret must be different");
    }
    const hasProvider =
      Boolean(raw.OPENAI_API_KEY) ||
      Boolean(raw.ANTHROPIC_API_KEY) ||
      Boolean(raw.AI_FALLBACK_CHAIN && !/offline/.test(raw.AI_FALLBACK_CHAIN));
    if (!hasProvider && raw.ALLOW_OFFLINE_PROVIDERS !== true) {
      problems.push(
        "OPENAI_API_KEY / ANTHROPIC_API_KEY / AI_FALLBACK_CHAIN: production needs a real LLM provider (or ALLOW_OFFLINE_PROVIDERS=true for a demo)",
      );
    }
    if (raw.STRIPE_SECRET_KEY && !raw.STRIPE_WEBHOOK_SECRET) {
      problems.push("STRIPE_WEBHOOK_SECRET: is required with STRIPE_SECRET_KEY (payments are confirmed by webhooks)");
    }
    if (raw.AI_FALLBACK_CHAIN && /offline/.test(raw.AI_FALLBACK_CHAIN) && raw.ALLOW_OFFLINE_PROVIDERS !== true) {
      problems.push(
        "AI_FALLBACK_CHAIN: the offline writer is refused in production unless ALLOW_OFFLINE_PROVIDERS=true",
      );
    }
    // Sign-in links and receipts point here, and session cookies are Secure: plain http would leak or lose them.
    if (!raw.APP_URL)
      problems.push(
        "APP_URL: is required in production: the https:// address customers open (used in links and emails)",
      );
    else if (new URL(raw.APP_URL).protocol !== "https:")
      problems.push("APP_URL: must be an https:// address in production");
    // Customers' LLM keys must not be sealed with a key anyone reading the source knows.
    if (raw.BYOK_ENABLED && !raw.BYOK_ENCRYPTION_KEY)
      problems.push(
        "BYOK_ENCRYPTION_KEY: is required in production with BYOK_ENABLED=true (openssl rand -base64 32): customers' LLM keys are encrypted with it",
      );
    // Without SMTP the sign-in codes would only be written to the data folder, where no customer can read them.
    if (!raw.SMTP_URL)
      problems.push("SMTP_URL: is required in production: sign-in codes and receipts are sent by email");
    // A customer's webhook URL must never reach our own network (server-side request forgery).
    if (raw.WEBHOOK_ALLOW_PRIVATE_URLS)
      problems.push(
        "WEBHOOK_ALLOW_PRIVATE_URLS: must not be on in production (customers' URLs could reach our network)",
      );
    // Open-access URLs come from the indexes' data: in production none may reach our network.
    if (raw.FULLTEXT_PRIVATE_ORIGINS.length)
      problems.push("FULLTEXT_PRIVATE_ORIGINS: must not be set in production (outside data could reach our network)");
  }
  if (problems.length) throw new EnvError(problems);

  return {
    ...raw,
    SESSION_SECRET: raw.SESSION_SECRET ?? DEV_SESSION_SECRET,
    TOTP_SECRET: raw.TOTP_SECRET ?? DEV_TOTP_SECRET,
    APP_URL: (raw.APP_URL ?? `http://localhost:${raw.PORT}`).replace(/\/$/, ""),
    HOST: raw.HOST ?? (isProduction ? "0.0.0.0" : "127.0.0.1"),
    ALLOW_OFFLINE_PROVIDERS: raw.ALLOW_OFFLINE_PROVIDERS ?? !isProduction,
    ALLOW_DEV_PAYMENT: raw.ALLOW_DEV_PAYMENT ?? !isProduction,
    BYOK_ENABLED: raw.BYOK_ENABLED ?? !isProduction,
    BYOK_ENCRYPTION_KEY: raw.BYOK_ENCRYPTION_KEY ?? (isProduction ? undefined : DEV_BYOK_ENCRYPTION_KEY),
    WEBHOOK_ALLOW_PRIVATE_URLS: raw.WEBHOOK_ALLOW_PRIVATE_URLS ?? !isProduction,
    isProduction,
  };
}

/** Reads `.env` from the working directory if there is one; variables already set in the environment win. */
export function loadDotEnvFile(dir = process.cwd()) {
  const file = path.join(dir, ".env");
  if (existsSync(file)) process.loadEnvFile(file);
}

let cached: Env | undefined;

/** The validated configuration of this process, parsed once. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** True while a built-in development secret signs sessions or sign-in codes (anyone with the source can forge them). */
export function usesDevelopmentSecrets(env: Pick<Env, "SESSION_SECRET" | "TOTP_SECRET">): boolean {
  return env.SESSION_SECRET === DEV_SESSION_SECRET || env.TOTP_SECRET === DEV_TOTP_SECRET;
}

/** Only these values are ever sent to the browser. */
export function getPublicEnv() {
  const env = getEnv();
  return { NODE_ENV: env.NODE_ENV, APP_URL: env.APP_URL };
}
