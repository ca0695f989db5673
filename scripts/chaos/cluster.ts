// The system under fire: a throwaway Postgres that can be restarted, the local fake providers with faults at random,
// one web process and several worker processes that can be killed and started again.
import { rmSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../db/embedded";
import { startFakeOpenAI, type FakeOpenAI } from "../../tests/fakes/openai";
import { randomFaults } from "../../tests/fakes/random-faults";
import { startFakeScholarly, type FakeScholarly } from "../../tests/fakes/scholarly";
import { startFakeStripe, type FakeStripe } from "../../tests/fakes/stripe";
import { freePort, spawnWorker, stopProcess } from "../../tests/setup/worker-process";

type Process = Awaited<ReturnType<typeof spawnWorker>>;
export const CHAOS_WEBHOOK_SECRET = "whsec_chaos";

export type ClusterOptions = {
  dir: string;
  workers: number;
  faultShare: number;
  random: () => number;
  log: (line: string) => void;
};

export type Cluster = {
  databaseUrl: string;
  webUrl: string;
  stripe: FakeStripe;
  llm: FakeOpenAI;
  scholarly: FakeScholarly;
  /** The settings the web and worker processes run with (this process uses them too, to start Checkout). */
  env: Record<string, string>;
  /** SIGKILLs worker `index` and starts a new one in its place. */
  killWorker(index: number): Promise<void>;
  /** Stops Postgres (a fast shutdown: open connections are cut) and starts it again on the same data. */
  restartDatabase(): Promise<void>;
  /** Web or worker processes that exited without being killed by us, started again (as a container's restart policy would). */
  unexpectedExits(): number;
  /** The last lines the processes printed, for a failed run's report. */
  output(): string;
  stop(): Promise<void>;
};

const lastWords = (process: Process) => process.output().trim().split("\n").slice(-40).join("\n");

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const pgPort = await freePort();
  const pgOptions = { dataDir: path.join(options.dir, "pg"), port: pgPort, database: "chaos" };
  let database: EmbeddedDatabase = await startEmbeddedPostgres(pgOptions);
  const draw = options.faultShare > 0 ? randomFaults(options.faultShare, options.random) : undefined;
  const llm = await startFakeOpenAI({ latencyMs: 200 });
  llm.failRandomly(draw);
  const scholarly = await startFakeScholarly();
  scholarly.failRandomly(draw);
  const webPort = await freePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  const stripe = await startFakeStripe({
    webhookUrl: `${webUrl}/api/stripe/webhook`,
    webhookSecret: CHAOS_WEBHOOK_SECRET,
    latencyMs: 0,
  });
  stripe.setRefundEvents("after-answer");

  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    DATA_DIR: path.join(options.dir, "data"),
    APP_URL: webUrl,
    SESSION_SECRET: "chaos-run-session-secret-0123456789",
    SMTP_URL: "",
    OPENAI_API_KEY: "sk-chaos",
    OPENAI_BASE_URL: llm.url,
    AI_FALLBACK_CHAIN: "openai",
    ...scholarly.env,
    STRIPE_SECRET_KEY: "sk_test_chaos",
    STRIPE_WEBHOOK_SECRET: CHAOS_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    SECTION_CONCURRENCY: "4",
    // A hanging call is given up after 5 s, and a killed worker's jobs come back within ~20 s.
    LLM_TIMEOUT_SECONDS: "5",
    QUEUE_EXPIRE_SECONDS: "25",
    QUEUE_MAINTENANCE_SECONDS: "2",
    LOG_LEVEL: "warn",
  };
  const entry = ["--max-semi-space-size=8", "build/server.js"];
  let web = await spawnWorker({ ...env, ROLE: "web" }, entry, { port: webPort });
  const workers: Process[] = [];
  const killed = new Set<Process>();
  let exits = 0;
  let stopping = false;
  const logs: string[] = [];

  const startWorker = async (index: number) => {
    const worker = await spawnWorker({ ...env, ROLE: "worker" }, entry);
    workers[index] = worker;
    worker.process.once("exit", (code, signal) => {
      logs.push(worker.output().slice(-4000));
      if (stopping || killed.has(worker)) return;
      exits++;
      options.log(
        `worker ${index + 1} exited (${signal ?? code}) on its own; starting it again:\n${lastWords(worker)}`,
      );
      void restartWhenPossible(index);
    });
  };
  // As a container's restart policy: try again until the worker starts (Postgres may be restarting meanwhile).
  const restartWhenPossible = async (index: number) => {
    for (let attempt = 1; !stopping; attempt++) {
      try {
        return await startWorker(index);
      } catch (error) {
        if (attempt === 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  };
  for (let i = 0; i < options.workers; i++) await startWorker(i);
  const watchWeb = () =>
    web.process.once("exit", (code, signal) => {
      if (stopping) return;
      exits++;
      options.log(`the web process exited (${signal ?? code}) on its own; starting it again:\n${lastWords(web)}`);
      void (async () => {
        for (let attempt = 1; !stopping && attempt <= 20; attempt++) {
          try {
            web = await spawnWorker({ ...env, ROLE: "web" }, entry, { port: webPort });
            return watchWeb();
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
          }
        }
      })();
    });
  watchWeb();

  return {
    databaseUrl: database.url,
    webUrl,
    stripe,
    llm,
    scholarly,
    env,
    async killWorker(index) {
      const worker = workers[index]!;
      killed.add(worker);
      await stopProcess(worker.process, "SIGKILL");
      await startWorker(index);
    },
    async restartDatabase() {
      await database.stop();
      database = await startEmbeddedPostgres(pgOptions);
    },
    unexpectedExits: () => exits,
    output: () => [...logs, web.output().slice(-4000), ...workers.map((w) => w.output().slice(-4000))].join("\n"),
    async stop() {
      stopping = true;
      await Promise.all([...workers.map((w) => stopProcess(w.process, "SIGKILL")), stopProcess(web.process)]);
      await Promise.all([llm.close(), scholarly.close(), stripe.close()]);
      await database.stop();
      rmSync(options.dir, { recursive: true, force: true });
    },
  };
}
