import { describe, it, expect } from "vitest";
import { parseEnv } from "../app/utils/env.server";
import { generateSecrets } from "./generate-secrets";

describe("generateSecrets", () => {
  it("gives values that production accepts", () => {
    const secrets = generateSecrets();
    expect(secrets.SESSION_SECRET.length).toBeGreaterThanOrEqual(48);
    expect(secrets.TOTP_SECRET).toMatch(/^[0-9a-f]{64}$/);
    const env = parseEnv({
      NODE_ENV: "production",
      ALLOW_OFFLINE_PROVIDERS: "true",
      APP_URL: "https://tesigo.example.com",
      SMTP_URL: "smtp://mailer:pass@smtp.example.com:587",
      ...secrets,
    });
    expect(env.SESSION_SECRET).toBe(secrets.SESSION_SECRET);
    expect(env.TOTP_SECRET).toBe(secrets.TOTP_SECRET);
    expect(env.METRICS_TOKEN).toBe(secrets.METRICS_TOKEN);
  });

  it("gives different values on every call", () => {
    const first = generateSecrets();
    const second = generateSecrets();
    expect(second.SESSION_SECRET).not.toBe(first.SESSION_SECRET);
    expect(second.TOTP_SECRET).not.toBe(first.TOTP_SECRET);
  });
});
