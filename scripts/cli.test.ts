// Every command-line program in scripts/ ends by itself once its work is done: each runs here, as `npm run …` would
// run it, on a small input, and must exit 0 within its time limit (a handle left open fails the test).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { startEmbeddedPostgres } from "../db/embedded";
import { createTestDatabase, type TestDatabase } from "../tests/setup/database";
import { freePort } from "../tests/setup/worker-process";

const ROOT = path.resolve(import.meta.dirname, "..");

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean };

/** `node --import tsx <script> …args` with the environment a person has (no NODE_ENV: builds stay in their mode). */
function runCli(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs: number },
): Promise<Run> {
  const { NODE_ENV: _unset, ...inherited } = process.env;
  const env = { ...inherited, LOG_LEVEL: "fatal", ...options.env } as unknown as NodeJS.ProcessEnv;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    // SIGINT, as Ctrl-C: the benchmarks then stop their children and embedded Postgres before exiting.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGINT");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    }, options.timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
}

function expectFinished(run: Run) {
  expect(run.timedOut, `still running at its time limit; it printed:\n${run.stdout}\n${run.stderr}`).toBe(false);
  expect(run.code, run.stderr).toBe(0);
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.destroy());

describe("every CLI in scripts/ exits when its work is done", () => {
  it("generate-secrets prints the secrets and exits", async () => {
    const run = await runCli("scripts/generate-secrets.ts", [], { timeoutMs: 30_000 });
    expectFinished(run);
    expect(run.stdout).toMatch(/^SESSION_SECRET=.+\nTOTP_SECRET=[0-9a-f]{64}\nMETRICS_TOKEN=.+$/m);
  });

  it("audit judges npm audit's report (or says the registry gave none) in plain lines and exits", async () => {
    const run = await runCli("scripts/audit.ts", [], { timeoutMs: 150_000 });
    expect(run.timedOut).toBe(false);
    expect(run.stdout).toMatch(/^npm audit(: NOT CHECKED — | \(production dependencies\): )/);
    // 1 only for a high or critical advisory it names.
    expect(run.code === 0 || /high or critical, not accepted:\n {2}(high|critical)/.test(run.stdout)).toBe(true);
  }, 160_000);

  it("migrate takes an empty database through every migration, then finds it up to date, and exits", async () => {
    const empty = await createTestDatabase({ empty: true });
    try {
      const env = { DATABASE_URL: empty.url };
      const first = await runCli("scripts/migrate.ts", [], { env, timeoutMs: 60_000 });
      expectFinished(first);
      const migrations = readdirSync(path.join(ROOT, "db/migrations")).filter((f) => /^\d{4}_.*\.ts$/.test(f));
      expect(first.stdout).toContain(`Applied: ${migrations.map((f) => f.replace(/\.ts$/, "")).join(", ")}`);
      const again = await runCli("scripts/migrate.ts", [], { env, timeoutMs: 30_000 });
      expectFinished(again);
      expect(again.stdout).toContain("The database is up to date.");
    } finally {
      await empty.destroy();
    }
  }, 120_000);

  it("quality checks a text and exits", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "tesigo-cli-")), "text.txt");
    writeFileSync(
      file,
      "Rail travel across Europe has grown steadily. Night trains returned to several routes after a long pause.\n",
    );
    const run = await runCli("scripts/quality.ts", ["--text", file, "--lang", "en", "--no-db"], { timeoutMs: 60_000 });
    expectFinished(run);
    expect(lastJsonLine(run.stdout)).toHaveProperty("grammarErrorsPer1000");
  });

  it("eval --golden --fake prints its figures over the delivered orders, each order's outcome, and exits", async () => {
    const run = await runCli("scripts/eval.ts", ["--golden", "--fake", "--orders", "1"], { timeoutMs: 120_000 });
    expectFinished(run);
    expect(lastJsonLine(run.stdout)).toMatchObject({
      ordered: 1,
      documents: 1,
      deliveredRate: 1,
      outcomes: [{ language: "en", outcome: "delivered", reason: null }],
    });
  }, 150_000);

  it("eval of one document answers and exits", async () => {
    const run = await runCli("scripts/eval.ts", ["00000000-0000-4000-8000-000000000000"], {
      env: { DATABASE_URL: database.url },
      timeoutMs: 30_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.code).not.toBeNull();
  });

  it("bench:pipeline measures a small order and exits", async () => {
    const run = await runCli(
      "scripts/bench/pipeline.ts",
      ["--pages", "5", "--latency-ms", "100", "--concurrency", "2"],
      { timeoutMs: 150_000 },
    );
    expectFinished(run);
    expect(lastJsonLine(run.stdout)).toMatchObject({ pages: 5 });
  }, 180_000);

  it("bench:sockets measures a few sockets and exits", async () => {
    const run = await runCli(
      "scripts/bench/sockets.ts",
      ["--sockets", "20", "--documents", "2", "--rate", "20", "--seconds", "1"],
      {
        timeoutMs: 120_000,
      },
    );
    expectFinished(run);
    expect(lastJsonLine(run.stdout)).toMatchObject({ sockets: 20, connected: 20 });
  }, 150_000);

  it("create-admin grants and revokes the role, creating the account when needed, and says so in one line", async () => {
    const env = { DATABASE_URL: database.url };
    const granted = await runCli("scripts/create-admin.ts", ["Grace@Example.com"], { env, timeoutMs: 30_000 });
    expectFinished(granted);
    expect(granted.stdout.trim()).toBe(
      "grace@example.com is now an admin (a new account: they sign in with a code sent to it).",
    );
    const revoked = await runCli("scripts/create-admin.ts", ["grace@example.com", "--revoke"], {
      env,
      timeoutMs: 30_000,
    });
    expectFinished(revoked);
    expect(revoked.stdout.trim()).toBe("grace@example.com is no longer an admin.");
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query("select role from users where email = 'grace@example.com'");
      expect(rows).toEqual([{ role: "customer" }]);
      const audit = await client.query("select action from audit_log order by id");
      expect(audit.rows.map((r) => r.action)).toEqual(["user.admin_granted", "user.admin_revoked"]);
    } finally {
      await client.end();
    }
    const wrong = await runCli("scripts/create-admin.ts", ["not-an-address"], { env, timeoutMs: 30_000 });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("Usage: npm run create-admin -- EMAIL [--revoke]");
  }, 120_000);

  it("create-admin works on the embedded database whether or not a server has it open", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "tesigo-cli-admin-"));
    const env = { DATABASE_URL: "", DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    const alone = await runCli("scripts/create-admin.ts", ["first@example.com"], { env, timeoutMs: 90_000 });
    expectFinished(alone);
    expect(alone.stdout).toContain("first@example.com is now an admin");
    // The server's Postgres, as a running TesiGo holds it: the command reaches it over its TCP port.
    const running = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "pg"),
      port: Number(env.EMBEDDED_PG_PORT),
    });
    try {
      const beside = await runCli("scripts/create-admin.ts", ["second@example.com"], { env, timeoutMs: 60_000 });
      expectFinished(beside);
      expect(beside.stdout).toContain("second@example.com is now an admin");
      const client = new pg.Client({ connectionString: running.url });
      await client.connect();
      const { rows } = await client.query("select email from users where role = 'admin' order by email");
      await client.end();
      expect(rows.map((r) => r.email)).toEqual(["first@example.com", "second@example.com"]);
    } finally {
      await running.stop();
    }
  }, 180_000);
  it("backup, restore and move-files work on the embedded database, exit when done and print one line each", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "tesigo-cli-backup-"));
    const env = { DATABASE_URL: "", DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    expectFinished(await runCli("scripts/create-admin.ts", ["keeper@example.com"], { env, timeoutMs: 90_000 }));
    const file = path.join(dataDir, "embedded.backup.gz");
    const backup = await runCli("scripts/backup.ts", [file], { env, timeoutMs: 60_000 });
    expectFinished(backup);
    expect(backup.stdout.trim().split("\n")).toHaveLength(1);
    expect(backup.stdout).toMatch(/^Backed up \d+ tables \(\d+ rows, migration \w+\) to /);
    const refused = await runCli("scripts/restore.ts", [file], { env, timeoutMs: 60_000 });
    expect(refused.timedOut).toBe(false);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("The database has accounts already: nothing was restored.");
    const restore = await runCli("scripts/restore.ts", [file, "--force"], { env, timeoutMs: 60_000 });
    expectFinished(restore);
    expect(restore.stdout.trim()).toMatch(/^Restored .+: \d+ tables, \d+ rows\.$/);
    const move = await runCli("scripts/move-files.ts", [], { env, timeoutMs: 60_000 });
    expectFinished(move);
    expect(move.stdout.trim()).toMatch(/^Moved 0 file\(s\) from .+ to the database; 0 were there already/);
    const usage = await runCli("scripts/backup.ts", [], { env, timeoutMs: 30_000 });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Usage: npm run backup -- FILE");
  }, 300_000);
});
