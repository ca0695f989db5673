import { defineConfig } from "@playwright/test";
import { E2E } from "./tests/e2e/servers";

// Two app servers, each with its own embedded Postgres: one writes with the real `openai` SDK against the fake
// OpenAI server, the other with the offline writer, exactly as `npm start` does without keys. They run the compiled
// server (build/server.js, made by `npm run build`, which `npm test` runs first), as production does.
const app = (name: keyof typeof E2E.apps, extra: Record<string, string>) => {
  const { port, pgPort, dataDir } = E2E.apps[name];
  return {
    command: `rm -rf ${dataDir} && node build/server.js`,
    url: `http://localhost:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    // SIGTERM lets the app stop in order, its embedded Postgres last (SIGKILL would leave Postgres running).
    gracefulShutdown: { signal: "SIGTERM" as const, timeout: 20_000 },
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    env: {
      ...(process.env as Record<string, string>),
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      PORT: String(port),
      // This machine only: a test server has the dev payment, /dev/mail and the development secrets on.
      HOST: "127.0.0.1",
      APP_URL: `http://localhost:${port}`,
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      SECTION_CONCURRENCY: "3",
      // Many sign-ins from 127.0.0.1 in one run; the limits themselves are tested in tests/integration/.
      RATE_LIMIT_PER_MINUTE: "10000",
      SIGNIN_LIMIT_PER_15_MINUTES: "1000",
      DATABASE_URL: "",
      SMTP_URL: "",
      METRICS_TOKEN: E2E.metricsToken,
      ...extra,
    },
  };
};

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 120_000,
  expect: { timeout: 45_000 },
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    // First, so its one long file starts at once while the other worker takes the rest.
    { name: "live", testMatch: /live\.spec\.ts/, use: { baseURL: `http://localhost:${E2E.live.webPorts[0]}` } },
    {
      name: "openai",
      testIgnore: /(offline|layout|live|admin|editing)\.spec\.ts/,
      use: { baseURL: `http://localhost:${E2E.apps.openai.port}` },
    },
    {
      name: "offline",
      testMatch: /(offline|layout|editing)\.spec\.ts/,
      use: { baseURL: `http://localhost:${E2E.apps.offline.port}` },
    },
    { name: "admin", testMatch: /admin\.spec\.ts/, use: { baseURL: `http://localhost:${E2E.apps.admin.port}` } },
  ],
  webServer: [
    {
      command: `node --import tsx tests/fakes/openai.ts --port ${E2E.fakeOpenAIPort} --latency 1500`,
      port: E2E.fakeOpenAIPort,
      reuseExistingServer: false,
      stdout: "ignore",
    },
    {
      command: `node --import tsx tests/fakes/stripe.ts --port ${E2E.fakeStripePort} --webhook-url http://localhost:${E2E.apps.openai.port}/api/stripe/webhook --webhook-secret ${E2E.stripeWebhookSecret}`,
      port: E2E.fakeStripePort,
      reuseExistingServer: false,
      stdout: "ignore",
    },
    {
      command: `node --import tsx tests/fakes/scholarly.ts --port ${E2E.fakeScholarlyPort}`,
      port: E2E.fakeScholarlyPort,
      reuseExistingServer: false,
      stdout: "ignore",
    },
    app("openai", {
      // Sources from the local OpenAlex / Crossref / Semantic Scholar stand-ins.
      RESEARCH_PROVIDERS: "openalex,crossref,semantic-scholar",
      OPENALEX_URL: `http://127.0.0.1:${E2E.fakeScholarlyPort}/openalex`,
      CROSSREF_URL: `http://127.0.0.1:${E2E.fakeScholarlyPort}/crossref`,
      SEMANTIC_SCHOLAR_URL: `http://127.0.0.1:${E2E.fakeScholarlyPort}/s2`,
      OPENAI_API_KEY: "sk-e2e-fake",
      OPENAI_BASE_URL: `http://127.0.0.1:${E2E.fakeOpenAIPort}/v1`,
      AI_FALLBACK_CHAIN: "",
      STRIPE_SECRET_KEY: "sk_test_e2e_fake",
      STRIPE_WEBHOOK_SECRET: E2E.stripeWebhookSecret,
      STRIPE_API_URL: `http://127.0.0.1:${E2E.fakeStripePort}`,
    }),
    // As `npm start` with no keys and no network: the offline writer, and no source provider.
    app("offline", { OPENAI_API_KEY: "", AI_FALLBACK_CHAIN: "", RESEARCH_PROVIDERS: "none" }),
    // The admin walkthrough's app: dev payments, no sources, and a writer the spec itself runs (and makes fail).
    app("admin", {
      OPENAI_API_KEY: "sk-e2e-admin-fake",
      OPENAI_BASE_URL: `http://127.0.0.1:${E2E.adminFakeOpenAIPort}/v1`,
      AI_FALLBACK_CHAIN: "",
      RESEARCH_PROVIDERS: "none",
    }),
    {
      // Two web processes + one worker on one embedded Postgres, for live.spec.ts; ready when the last web answers.
      command:
        `rm -rf ${E2E.live.dataDir} && node --import tsx tests/setup/web-process.ts --data-dir ${E2E.live.dataDir} --pg-port ${E2E.live.pgPort} ` +
        `${E2E.live.webPorts.map((p) => `--web-port ${p}`).join(" ")} --fake-openai-port ${E2E.live.fakeOpenAIPort} ` +
        `--latency ${E2E.live.latencyMs} --section-concurrency ${E2E.live.sectionConcurrency}`,
      url: `http://localhost:${E2E.live.webPorts.at(-1)}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: "SIGTERM" as const, timeout: 30_000 },
      stdout: "ignore" as const,
      stderr: "pipe" as const,
      env: { ...(process.env as Record<string, string>), DATABASE_URL: "" },
    },
  ],
});
