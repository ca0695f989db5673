import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.server";

const strong = {
  SESSION_SECRET: "q8Vb2Lx9Rk4Zt7Mw1Np6Hs3Jd5Fg0Yc2Ue8",
  TOTP_SECRET: "9f2c4e6a8b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a",
};

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseEnv", () => {
  it("gives a development setup that needs nothing set", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ NODE_ENV: "development", ROLE: "all", PORT: 3000, APP_URL: "http://localhost:3000" });
    // A development server stays on this machine unless told otherwise.
    expect(env.HOST).toBe("127.0.0.1");
    expect(parseEnv({ HOST: "0.0.0.0" }).HOST).toBe("0.0.0.0");
    expect(env.ALLOW_DEV_PAYMENT).toBe(true);
    expect(env.ALLOW_OFFLINE_PROVIDERS).toBe(true);
    expect(env.TOTP_SECRET).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names the variable that is wrong", () => {
    expect(problemsOf({ PORT: "eighty" })[0]).toMatch(/^PORT: /);
    expect(problemsOf({ ROLE: "cook" })[0]).toBe("ROLE: must be all, web or worker");
    expect(problemsOf({ DATABASE_URL: "mysql://x" })[0]).toMatch(/^DATABASE_URL: must start with postgres/);
    expect(problemsOf({ TOTP_SECRET: "abc" })[0]).toMatch(/^TOTP_SECRET: must be 64 hexadecimal/);
    expect(problemsOf({ ALLOW_DEV_PAYMENT: "maybe" })[0]).toBe("ALLOW_DEV_PAYMENT: must be true or false");
  });

  it("BYOK: on by default outside production with a development key, off in production; on there it needs BYOK_ENCRYPTION_KEY of 32 bytes", () => {
    expect(parseEnv({})).toMatchObject({ BYOK_ENABLED: true, BYOK_DISCOUNT: 0.4 });
    expect(parseEnv({}).BYOK_ENCRYPTION_KEY).toMatch(/^[0-9a-f]{64}$/);
    const production = {
      ...strong,
      NODE_ENV: "production",
      APP_URL: "https://tesigo.example",
      SMTP_URL: "smtp://mail.example:587",
      OPENAI_API_KEY: "sk-live",
    };
    expect(parseEnv(production)).toMatchObject({ BYOK_ENABLED: false, BYOK_ENCRYPTION_KEY: undefined });
    expect(problemsOf({ ...production, BYOK_ENABLED: "true" })).toEqual([
      expect.stringMatching(/^BYOK_ENCRYPTION_KEY: is required in production with BYOK_ENABLED=true/),
    ]);
    const key = Buffer.alloc(32, 7).toString("base64");
    expect(parseEnv({ ...production, BYOK_ENABLED: "true", BYOK_ENCRYPTION_KEY: key }).BYOK_ENCRYPTION_KEY).toBe(key);
    expect(problemsOf({ BYOK_ENCRYPTION_KEY: "c2hvcnQ=" })[0]).toMatch(/^BYOK_ENCRYPTION_KEY: must be 32 bytes/);
    expect(problemsOf({ BYOK_DISCOUNT: "1.5" })[0]).toMatch(/^BYOK_DISCOUNT: /);
  });

  it("accepts a METRICS_TOKEN only when it is long enough to guess at", () => {
    expect(parseEnv({ METRICS_TOKEN: "m".repeat(32) }).METRICS_TOKEN).toBe("m".repeat(32));
    expect(problemsOf({ METRICS_TOKEN: "short" })[0]).toMatch(/^METRICS_TOKEN: must be at least 32 characters/);
  });

  it("refuses a job expiry shorter than the writer calls may legally take, naming both variables", () => {
    expect(problemsOf({ QUEUE_EXPIRE_SECONDS: "8" })).toEqual([
      "QUEUE_EXPIRE_SECONDS: must be at least 280 with LLM_TIMEOUT_SECONDS=90: a job's writer calls may legally run that long",
    ]);
    expect(problemsOf({ LLM_TIMEOUT_SECONDS: "5", QUEUE_EXPIRE_SECONDS: "24" })[0]).toMatch(
      /^QUEUE_EXPIRE_SECONDS: must be at least 25 /,
    );
    expect(parseEnv({ LLM_TIMEOUT_SECONDS: "5", QUEUE_EXPIRE_SECONDS: "25" }).QUEUE_EXPIRE_SECONDS).toBe(25);
  });

  it("asks for the bucket and both keys with S3_URL, and for no S3 setting without it", () => {
    expect(problemsOf({ S3_URL: "http://minio:9000", S3_BUCKET: "files" })).toEqual([
      "S3_ACCESS_KEY_ID: is required with S3_URL (files are stored in that bucket)",
      "S3_SECRET_ACCESS_KEY: is required with S3_URL (files are stored in that bucket)",
    ]);
    const s3 = { S3_URL: "http://minio:9000", S3_BUCKET: "files", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" };
    expect(parseEnv(s3).S3_REGION).toBe("us-east-1");
    expect(parseEnv({}).S3_URL).toBeUndefined();
  });

  it("schedules backups only with BACKUP_DIR, daily by default, and refuses a schedule that is not cron", () => {
    expect(parseEnv({}).BACKUP_DIR).toBeUndefined();
    expect(parseEnv({ BACKUP_DIR: "/backups" })).toMatchObject({ BACKUP_KEEP: 7, BACKUP_SCHEDULE: "15 3 * * *" });
    expect(problemsOf({ BACKUP_SCHEDULE: "daily" })[0]).toMatch(/^BACKUP_SCHEDULE: must be a cron expression/);
    expect(problemsOf({ BACKUP_KEEP: "0" })[0]).toMatch(/^BACKUP_KEEP: /);
  });

  it("treats an empty variable as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });

  describe("in production", () => {
    const production = {
      NODE_ENV: "production",
      OPENAI_API_KEY: "sk-live",
      APP_URL: "https://tesigo.example.com",
      SMTP_URL: "smtp://mailer:pass@smtp.example.com:587",
      ...strong,
    };

    it("accepts strong, distinct secrets and switches the dev payment off", () => {
      const env = parseEnv(production);
      expect(env.isProduction).toBe(true);
      expect(env.ALLOW_DEV_PAYMENT).toBe(false);
      expect(env.ALLOW_OFFLINE_PROVIDERS).toBe(false);
      expect(env.HOST).toBe("0.0.0.0");
    });

    it("requires the secrets", () => {
      const problems = problemsOf({ ...production, SESSION_SECRET: undefined, TOTP_SECRET: undefined });
      expect(problems).toContain("SESSION_SECRET: is required in production (run npm run generate-secrets)");
      expect(problems).toContain("TOTP_SECRET: is required in production (run npm run generate-secrets)");
    });

    it("refuses short secrets and secrets with weak words", () => {
      expect(problemsOf({ ...production, SESSION_SECRET: "too-short-but-sixteen" })).toEqual([
        "SESSION_SECRET: must be at least 32 characters in production",
      ]);
      for (const word of ["secret", "password", "test", "admin", "changeme"]) {
        expect(
          problemsOf({ ...production, SESSION_SECRET: `Xy7${word.toUpperCase()}q8Vb2Lx9Rk4Zt7Mw1Np6Hs3Jd5F` }),
        ).toEqual([`SESSION_SECRET: must not contain the word "${word}"`]);
      }
    });

    it("refuses the same value for two secrets", () => {
      const same = strong.TOTP_SECRET;
      expect(problemsOf({ ...production, SESSION_SECRET: same })).toEqual([
        "SESSION_SECRET and TOTP_SECRET: each secret must be different",
      ]);
    });

    it("refuses the offline writer unless explicitly allowed", () => {
      expect(problemsOf({ ...production, OPENAI_API_KEY: undefined })[0]).toMatch(
        /^OPENAI_API_KEY \/ ANTHROPIC_API_KEY \/ AI_FALLBACK_CHAIN: production needs a real LLM provider/,
      );
      expect(problemsOf({ ...production, AI_FALLBACK_CHAIN: "openai:gpt-4o-mini,offline" })[0]).toMatch(
        /^AI_FALLBACK_CHAIN: the offline writer is refused/,
      );
      const demo = parseEnv({ ...production, OPENAI_API_KEY: undefined, ALLOW_OFFLINE_PROVIDERS: "true" });
      expect(demo.ALLOW_OFFLINE_PROVIDERS).toBe(true);
    });

    it("refuses to start without an https APP_URL", () => {
      expect(problemsOf({ ...production, APP_URL: undefined })).toEqual([
        "APP_URL: is required in production: the https:// address customers open (used in links and emails)",
      ]);
      expect(problemsOf({ ...production, APP_URL: "http://tesigo.example.com" })).toEqual([
        "APP_URL: must be an https:// address in production",
      ]);
    });

    it("refuses to start without SMTP_URL (sign-in codes must reach the customer)", () => {
      expect(problemsOf({ ...production, SMTP_URL: undefined })).toEqual([
        "SMTP_URL: is required in production: sign-in codes and receipts are sent by email",
      ]);
    });

    it("keeps the dev payment off unless explicitly allowed", () => {
      expect(parseEnv({ ...production, ALLOW_DEV_PAYMENT: "true" }).ALLOW_DEV_PAYMENT).toBe(true);
    });

    it("never lets customers' webhook URLs reach private addresses (allowed by default elsewhere)", () => {
      expect(parseEnv(production).WEBHOOK_ALLOW_PRIVATE_URLS).toBe(false);
      expect(problemsOf({ ...production, WEBHOOK_ALLOW_PRIVATE_URLS: "true" })).toEqual([
        "WEBHOOK_ALLOW_PRIVATE_URLS: must not be on in production (customers' URLs could reach our network)",
      ]);
      expect(parseEnv({}).WEBHOOK_ALLOW_PRIVATE_URLS).toBe(true);
    });

    it("never lets open-access PDF links reach a private origin in production; elsewhere only the origins listed", () => {
      expect(parseEnv(production).FULLTEXT_PRIVATE_ORIGINS).toEqual([]);
      expect(problemsOf({ ...production, FULLTEXT_PRIVATE_ORIGINS: "http://127.0.0.1:4030" })).toEqual([
        "FULLTEXT_PRIVATE_ORIGINS: must not be set in production (outside data could reach our network)",
      ]);
      expect(
        parseEnv({ FULLTEXT_PRIVATE_ORIGINS: "http://127.0.0.1:4030, http://mirror.local" }).FULLTEXT_PRIVATE_ORIGINS,
      ).toEqual(["http://127.0.0.1:4030", "http://mirror.local"]);
      expect(problemsOf({ FULLTEXT_PRIVATE_ORIGINS: "http://127.0.0.1:4030/path" })).toEqual([
        "FULLTEXT_PRIVATE_ORIGINS: must list origins such as http://127.0.0.1:4030, comma-separated",
      ]);
      expect(parseEnv({})).toMatchObject({ FULLTEXT_ENABLED: true, FULLTEXT_MAX_BYTES: 20 * 1024 * 1024 });
    });
  });
});
