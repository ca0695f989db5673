import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  test: {
    include: [
      "app/**/*.test.{ts,tsx}",
      "worker/**/*.test.ts",
      "db/**/*.test.ts",
      "scripts/**/*.test.ts",
      "tests/integration/**/*.test.ts",
      "tests/security/**/*.test.ts",
    ],
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/fail-on-console-error.ts", "tests/setup/child-coverage.ts"],
    env: { NODE_ENV: "test", LOG_LEVEL: "error" },
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 90_000,
    coverage: {
      provider: "v8",
      include: ["app/**/*.{ts,tsx,mjs}", "worker/**/*.{ts,mjs}", "db/**/*.ts"],
      exclude: ["**/*.test.{ts,tsx}"],
      reporter: ["text-summary", "json-summary", "json"],
      reportsDirectory: "coverage/vitest",
    },
  },
});
