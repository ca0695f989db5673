// Ports and data folders of the servers Playwright starts (playwright.config.ts) and the specs read (mail folder).
export const E2E = {
  fakeOpenAIPort: 43110,
  fakeStripePort: 43120,
  fakeScholarlyPort: 43125,
  stripeWebhookSecret: "whsec_e2e_local_fake_stripe",
  apps: {
    openai: { port: 43101, pgPort: 54341, dataDir: ".data-e2e/openai" },
    offline: { port: 43102, pgPort: 54342, dataDir: ".data-e2e/offline" },
  },
  // live.spec.ts: two web processes and one worker on one database (tests/setup/web-process.ts starts them), writing
  // through their own fake OpenAI server slowly enough to watch: one section at a time, 1 s per LLM call.
  live: { webPorts: [43131, 43132], pgPort: 54343, fakeOpenAIPort: 43111, latencyMs: 1000, sectionConcurrency: 1, dataDir: ".data-e2e/live" },
} as const;
