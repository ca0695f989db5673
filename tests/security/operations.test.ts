// Operations (issue 16, items 13, 15 and 19): what a deployment shows and refuses. The app runs in production mode here,
// as deployed: strong secrets, an https APP_URL, mail through SMTP (the local fake), a production build.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSmtp } from "../fakes/smtp";
import { spawnWorker, stopProcess } from "../setup/worker-process";
import { type App, Client, HARNESS_SESSION_SECRET, signedInCustomer, startApp } from "./app";

const ROOT = path.resolve(import.meta.dirname, "../..");
const METRICS_TOKEN = "monitoring-key-4f9c2a7e1b8d3f6a0c5e9b2d7a1f4c8e";
const TOTP_SECRET = "7d1e9a3c5b2f8e6d4a0c9b7e5f3a1d8c6e4b2a0f9d7c5e3b1a8f6d4c2e0b9a7d";

let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
let app: App;

/** Everything production needs; a test removes or changes one thing. */
function productionEnv(smtpUrl: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    APP_URL: "https://tesigo.example.com",
    SMTP_URL: smtpUrl,
    SESSION_SECRET: HARNESS_SESSION_SECRET,
    TOTP_SECRET,
    ALLOW_OFFLINE_PROVIDERS: "true",
    METRICS_TOKEN,
    // Above the old fixed 150 s expiry: the app's queues must follow it.
    LLM_TIMEOUT_SECONDS: "120",
  };
}

beforeAll(async () => {
  smtp = await startFakeSmtp();
  app = await startApp(productionEnv(smtp.url));
});
afterAll(async () => {
  await app?.stop();
  await smtp?.close();
});

type Exit = { code: number | null; output: string };

/** Runs `node <args>` with `env` until it exits (it must, within 30 s): for servers that should refuse to start. */
function runToExit(args: string[], env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: "warn",
        ROLE: "all",
        PORT: "1",
        HOST: "127.0.0.1",
        DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "tesigo-refused-")),
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`still running after 30 s:\n${output}`));
    }, 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// A database nobody listens on: a server that gets past its checks fails there, and exits.
const NO_DATABASE = "postgres://nobody:nothing@127.0.0.1:1/none";

describe("/health/detailed", () => {
  it("a stranger learns the status only: no model names, queue counts or raw errors", async () => {
    const reply = await new Client(app).get("/health/detailed");
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ status: "ok" });
  });

  it("a wrong bearer token, a token without Bearer, or a signed-in customer also get the status only", async () => {
    const stranger = new Client(app);
    for (const authorization of [
      `Bearer ${METRICS_TOKEN.slice(0, -1)}x`,
      `Bearer ${METRICS_TOKEN}extra`,
      METRICS_TOKEN,
      "Bearer ",
    ]) {
      expect(JSON.parse((await stranger.get("/health/detailed", { authorization })).text)).toEqual({ status: "ok" });
    }
    const { client } = await signedInCustomer(app);
    expect(JSON.parse((await client.get("/health/detailed")).text)).toEqual({ status: "ok" });
  });

  it("monitoring with METRICS_TOKEN and a signed-in admin see every check", async () => {
    const monitoring = await new Client(app).get("/health/detailed", { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(monitoring.status).toBe(200);
    const body = JSON.parse(monitoring.text);
    expect(body).toMatchObject({
      status: "ok",
      role: "all",
      checks: { database: { status: "ok" }, providers: { chain: ["offline:offline-demo-1"] } },
    });

    const { client, userId } = await signedInCustomer(app);
    await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", userId).execute();
    expect(JSON.parse((await client.get("/health/detailed")).text)).toMatchObject({
      checks: { providers: { chain: ["offline:offline-demo-1"] } },
    });
  });

  it("a worker's own /health/detailed shows its checks only with the token", async () => {
    const worker = await spawnWorker({
      ...productionEnv(smtp.url),
      DATABASE_URL: app.databaseUrl,
      DATA_DIR: app.dataDir,
      SECTION_CONCURRENCY: "1",
    });
    try {
      const url = `http://127.0.0.1:${worker.port}/health/detailed`;
      expect(await (await fetch(url)).json()).toEqual({ status: "ok" });
      expect(
        await (await fetch(url, { headers: { authorization: "Bearer not-the-token-at-all-0123456789abcdef" } })).json(),
      ).toEqual({ status: "ok" });
      expect(await (await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).json()).toMatchObject({
        role: "worker",
        checks: { queue: { status: "ok" } },
      });
    } finally {
      await stopProcess(worker.process);
    }
  });
});

describe("a job is never cut off while its writer call may still legally run", () => {
  it("the running app's queues expire only after their calls' legal longest (LLM_TIMEOUT_SECONDS=120)", async () => {
    const rows = await app.db
      .withSchema("pgboss")
      .selectFrom("queue" as never)
      .select(["name as name", "expire_seconds as expire"] as never[])
      .where("name" as never, "in", ["document.plan", "section.write", "document.review"] as never)
      .execute();
    const expiry = Object.fromEntries(
      (rows as unknown as { name: string; expire: number }[]).map((r) => [r.name, r.expire]),
    );
    // A streamed section may take 2 × 120 s in all; plan and review make two 120 s calls one after the other; the
    // runner aborts a job 5 s before its expiry.
    expect(expiry["section.write"]).toBeGreaterThanOrEqual(240 + 5);
    expect(expiry["document.plan"]).toBeGreaterThanOrEqual(240 + 5);
    expect(expiry["document.review"]).toBeGreaterThanOrEqual(240 + 5);
  });

  it("a server whose QUEUE_EXPIRE_SECONDS is shorter than its calls may take refuses to start, naming both variables", async () => {
    const refused = await runToExit(["--import", "tsx", "server.ts"], {
      ...productionEnv(smtp.url),
      DATABASE_URL: NO_DATABASE,
      LLM_TIMEOUT_SECONDS: "60",
      QUEUE_EXPIRE_SECONDS: "100",
    });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("QUEUE_EXPIRE_SECONDS: must be at least 190 with LLM_TIMEOUT_SECONDS=60");
  });
});

describe("a deployment that is not what it seems refuses or warns", () => {
  it("production refuses to boot without an https APP_URL, or without SMTP_URL (sign-in codes would go nowhere)", async () => {
    const base = { ...productionEnv("smtp://mailer:pass@127.0.0.1:2525"), DATABASE_URL: NO_DATABASE };
    const plainHttp = await runToExit(["--import", "tsx", "server.ts"], {
      ...base,
      APP_URL: "http://tesigo.example.com",
    });
    expect(plainHttp.code).toBe(1);
    expect(plainHttp.output).toContain("APP_URL: must be an https:// address in production");
    const noAppUrl = await runToExit(["--import", "tsx", "server.ts"], { ...base, APP_URL: "" });
    expect(noAppUrl.code).toBe(1);
    expect(noAppUrl.output).toContain("APP_URL: is required in production");
    const noSmtp = await runToExit(["--import", "tsx", "server.ts"], { ...base, SMTP_URL: "" });
    expect(noSmtp.code).toBe(1);
    expect(noSmtp.output).toContain("SMTP_URL: is required in production");
  });

  it("a development server bound to every interface warns loudly that the dev payment, /dev/mail and dev secrets are open", async () => {
    const development = {
      NODE_ENV: "",
      SESSION_SECRET: "",
      TOTP_SECRET: "",
      SMTP_URL: "",
      ALLOW_DEV_PAYMENT: "",
      DATABASE_URL: NO_DATABASE,
    };
    const exposed = await runToExit(["--import", "tsx", "server.ts"], { ...development, HOST: "0.0.0.0" });
    expect(exposed.output).toContain(
      "WARNING: TesiGo is not in production mode (NODE_ENV=development; unset means development) and listens on 0.0.0.0",
    );
    for (const feature of ["the dev payment", "/dev/mail", "the development secrets"])
      expect(exposed.output).toContain(feature);
    // The same server kept to this machine has nothing to warn about.
    const loopback = await runToExit(["--import", "tsx", "server.ts"], { ...development, HOST: "127.0.0.1" });
    expect(loopback.output).toContain("TesiGo failed to start"); // it got as far as the database
    expect(loopback.output).not.toContain("WARNING");
  });

  it("the compiled server in production refuses a bundle built for development, with a message saying how to build", async () => {
    // The real build/server.js beside a bundle made for development (as a benchmark under NODE_ENV=test leaves one).
    const root = mkdtempSync(path.join(os.tmpdir(), "tesigo-devbundle-"));
    try {
      cpSync(path.join(ROOT, "build"), path.join(root, "build"), { recursive: true });
      writeFileSync(path.join(root, "build", "index.js"), 'export const mode = "development";\n');
      writeFileSync(path.join(root, "package.json"), '{ "type": "module" }\n');
      symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
      const refused = await runToExit([path.join(root, "build", "server.js")], {
        ...productionEnv(smtp.url),
        DATABASE_URL: NO_DATABASE,
      });
      expect(refused.code).toBe(1);
      expect(refused.output).toContain(
        "build/ holds a bundle built with NODE_ENV=development, and production cannot serve it",
      );
      expect(refused.output).toContain("NODE_ENV=production npm run build");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
