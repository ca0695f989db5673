// Ports and data folders of the servers Playwright starts (playwright.config.ts) and the specs read (mail folder).
// Below 32768, outside Linux' range of ephemeral ports: an outgoing connection can never be holding one of them.
export const E2E = {
  fakeOpenAIPort: 23110,
  fakeStripePort: 23120,
  fakeScholarlyPort: 23125,
  stripeWebhookSecret: "whsec_e2e_local_fake_stripe",
  /** METRICS_TOKEN of the apps: monitoring's key to /health/detailed's details. */
  metricsToken: "e2e-monitoring-token-0123456789abcdef",
  apps: {
    openai: { port: 23101, pgPort: 23341, dataDir: ".data-e2e/openai" },
    offline: { port: 23102, pgPort: 23342, dataDir: ".data-e2e/offline" },
    // admin.spec.ts: its own app, whose writer is a fake OpenAI the spec starts and can make fail.
    admin: { port: 23103, pgPort: 23344, dataDir: ".data-e2e/admin" },
  },
  adminFakeOpenAIPort: 23112,
  // live.spec.ts: two web processes and one worker on one database (tests/setup/web-process.ts starts them), writing
  // through their own fake OpenAI server slowly enough to watch: one section at a time, 1 s per LLM call.
  live: {
    webPorts: [23131, 23132],
    pgPort: 23343,
    fakeOpenAIPort: 23111,
    latencyMs: 1000,
    sectionConcurrency: 1,
    dataDir: ".data-e2e/live",
  },
} as const;
