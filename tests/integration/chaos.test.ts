import { spawn } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";

// A small run of `npm run chaos` (scripts/chaos.ts): three paid orders through a web process and two workers while a
// fifth of the LLM and source calls fail, a worker is SIGKILLed and Postgres restarts. The README gives a large run's
// figures; this one proves on every change that nothing is lost or done twice.
function withoutNodeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_ENV: _unset, ...rest } = env;
  return rest as unknown as NodeJS.ProcessEnv;
}

it("loses no order and does nothing twice under faults, a killed worker and a Postgres restart", async () => {
  const args = ["--orders", "3", "--faults", "0.2", "--kills", "1", "--max-pages", "6", "--seed", "11"];
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/chaos.ts", ...args, "--stall-seconds", "180"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    // Without the test runner's NODE_ENV=test, as `npm run chaos` runs: it then uses the production build as it is
    // instead of rebuilding build/ in test mode under the other tests' running processes.
    env: { ...withoutNodeEnv(process.env), LOG_LEVEL: "fatal" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const summary = output
    .trim()
    .split("\n")
    .reverse()
    .find((line) => line.startsWith('{"orders"'));
  expect(summary, output).toBeDefined();
  const figures = JSON.parse(summary!);
  expect(figures, output).toMatchObject({
    orders: 3,
    lost: 0,
    chargedTwice: 0,
    sectionsWrittenTwice: 0,
    refundsTwice: 0,
    kills: 1,
    databaseRestarts: 1,
    unexpectedWorkerExits: 0,
  });
  expect(figures.delivered + figures.refunded).toBe(3);
  expect(code, output).toBe(0);
}, 900_000);
