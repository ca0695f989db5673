// Real web processes (`ROLE=web node --import tsx server.ts`) against one database, for the socket benchmark and the
// end-to-end cluster. Run on its own it starts a whole cluster and keeps it up until SIGTERM:
//   node --import tsx tests/setup/web-process.ts --data-dir .data-e2e/live --pg-port 23343 \
//     --web-port 23131 --web-port 23132 --fake-openai-port 23111 --latency 1500 --section-concurrency 1
// = one embedded Postgres, the fake OpenAI server, two web processes and one worker; it writes
// `<data-dir>/cluster.json` ({ databaseUrl, webs }) for the specs.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "../../db/embedded";
import { startFakeOpenAI } from "../fakes/openai";
import { freePort, spawnWorker, stopProcess } from "./worker-process";

export type WebProcess = { process: ChildProcess; port: number; url: string; output: () => string };

/** A web process (built app required: `npm run build`); ready when its /healthz answers. */
export async function spawnWeb(env: Record<string, string>, options: { port?: number } = {}): Promise<WebProcess> {
  const port = options.port ?? (await freePort());
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      ROLE: "web",
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_URL: `http://localhost:${port}`,
      // Many sign-ins and polls from 127.0.0.1; the limits themselves are tested in tests/integration/.
      RATE_LIMIT_PER_MINUTE: "100000",
      SIGNIN_LIMIT_PER_15_MINUTES: "1000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The web process exited early (${child.exitCode}):\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`The web process did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { process: child, port, url: `http://localhost:${port}`, output: () => output };
}

/** The VmRSS of a process, in kB (Linux). */
export async function rssKb(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  return Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
}

async function runCluster() {
  const { values } = parseArgs({
    options: {
      "data-dir": { type: "string" },
      "pg-port": { type: "string" },
      "web-port": { type: "string", multiple: true },
      "fake-openai-port": { type: "string" },
      latency: { type: "string", default: "1500" },
      "section-concurrency": { type: "string", default: "1" },
    },
  });
  const dataDir = path.resolve(values["data-dir"]!);
  mkdirSync(dataDir, { recursive: true });
  const children: ChildProcess[] = [];
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, "pg"),
    port: Number(values["pg-port"]),
    database: "tesigo",
  });
  const fake = await startFakeOpenAI({ port: Number(values["fake-openai-port"]), latencyMs: Number(values.latency) });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map((c) => stopProcess(c)));
    await fake.close();
    await embedded.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());

  try {
    const shared = {
      DATABASE_URL: embedded.url,
      DATA_DIR: dataDir,
      SMTP_URL: "",
      OPENAI_API_KEY: "sk-e2e-fake",
      OPENAI_BASE_URL: fake.url,
      AI_FALLBACK_CHAIN: "",
      STRIPE_SECRET_KEY: "",
      SECTION_CONCURRENCY: values["section-concurrency"]!,
    };
    const [firstPort, ...otherPorts] = (values["web-port"] ?? []).map(Number);
    // The first web process migrates; the others and the worker start on a ready database.
    const webs = [await spawnWeb(shared, { port: firstPort })];
    children.push(webs[0].process);
    const [worker, ...others] = await Promise.all([
      spawnWorker(shared),
      ...otherPorts.map((port) => spawnWeb(shared, { port })),
    ]);
    webs.push(...others);
    children.push(worker.process, ...others.map((w) => w.process));
    writeFileSync(
      path.join(dataDir, "cluster.json"),
      JSON.stringify({ databaseUrl: embedded.url, webs: webs.map((w) => w.url) }),
    );
    console.log(`cluster ready: ${webs.map((w) => w.url).join(", ")} + 1 worker`);
    for (const child of children) {
      child.once("exit", (code) => {
        if (!stopping) {
          console.error(`a cluster process exited (${code})`);
          void stop();
        }
      });
    }
  } catch (error) {
    console.error(error);
    await stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void runCluster();
