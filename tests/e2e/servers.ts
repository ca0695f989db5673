// Ports and data folders of the servers Playwright starts (playwright.config.ts) and the specs read (mail folder).
export const E2E = {
  fakeOpenAIPort: 43110,
  fakeStripePort: 43120,
  stripeWebhookSecret: "whsec_e2e_local_fake_stripe",
  apps: {
    openai: { port: 43101, pgPort: 54341, dataDir: ".data-e2e/openai" },
    offline: { port: 43102, pgPort: 54342, dataDir: ".data-e2e/offline" },
  },
} as const;
