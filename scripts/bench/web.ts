// `npm run bench:web [-- --seconds 10] [--connections 50] [--only documents-list,document-30]`
// The pages customers reload most, under load, on ONE production web process (`NODE_ENV=production ROLE=web
// build/server.js`) against a throwaway embedded Postgres. A worker with the offline writer first delivers a 30-page
// and a 200-page document to a signed-in customer, then stops; autocannon (in this process) then loads each page with
// N connections for S seconds after a short warm-up. Prints a table and ends with one JSON line:
//   {"pages":[{"name":…,"rps":…,"p50Ms":…,"p97_5Ms":…,"errors":…,"kB":…,"cpuMs":…,"pgCpuMs":…}],"cpus":…}
// "cpuMs" is the web process' CPU time per answered request (steady even when other work shares the machine),
// "pgCpuMs" Postgres' (all processes of the benchmark's cluster).
// "errors" counts connection errors, timeouts and every answer other than the one expected (200, or 304 where the
// request sends If-None-Match), 429s included.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { sql } from "kysely";
import { payWithDevPayment } from "../../app/models/checkout.server";
import { createDocument } from "../../app/models/documents.server";
import { recordConsents } from "../../app/models/users.server";
import { getSessionStorage } from "../../app/utils/session-cookie.server";
import { freePort, spawnWorker, stopProcess } from "../../tests/setup/worker-process";
import { buildIfNeeded } from "../build-if-needed.mjs";
import { startBenchDatabase } from "./bench-database";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    only: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const only = values.only?.split(",");

// The web process as production runs it: a production bundle (built first if a source changed or the last build was
// made for another mode), the compiled server, production settings and logging.
Reflect.deleteProperty(process.env, "NODE_ENV");
buildIfNeeded();
process.env.NODE_ENV = "test";
const SESSION_SECRET = randomBytes(32).toString("hex");
process.env.SESSION_SECRET = SESSION_SECRET;

const dataDir = mkdtempSync(path.join(os.tmpdir(), "tesigo-bench-web-"));
const { embedded, db, boss } = await startBenchDatabase(dataDir);

const children: Array<Awaited<ReturnType<typeof spawnWorker>>["process"]> = [];
const cleanUp = async () => {
  await Promise.all(children.map((c) => stopProcess(c)));
  await boss.stop({ graceful: false, wait: true }).catch(() => {});
  await db.destroy().catch(() => {});
  await embedded.stop();
  rmSync(dataDir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

type Row = {
  name: string;
  rps: number;
  p50Ms: number;
  p97_5Ms: number;
  errors: number;
  kB: number;
  cpuMs: number;
  pgCpuMs: number;
};

try {
  // The customer, signed in (a session row and its signed cookie) with consent given.
  const user = await db
    .insertInto("users")
    .values({ email: "bench-web@example.com", name: "Bench Customer" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordConsents(
    db,
    user.id,
    { essential: true, analytics: false, marketing: false },
    {
      ip: null,
      userAgent: null,
    },
  );
  const session = await db
    .insertInto("sessions")
    .values({ user_id: user.id, expires_at: sql`now() + interval '1 day'` })
    .returning("id")
    .executeTakeFirstOrThrow();
  const storage = getSessionStorage();
  const cookieSession = await storage.getSession();
  cookieSession.set("sessionId", session.id);
  const cookie = (await storage.commitSession(cookieSession)).split(";")[0]!;

  // Two delivered documents, written by the offline writer in a worker process that stops once they are delivered.
  process.stdout.write("Delivering a 30-page and a 200-page document with the offline writer… ");
  const deliveredAt = performance.now();
  const worker = await spawnWorker({ DATABASE_URL: embedded.url, DATA_DIR: dataDir, SECTION_CONCURRENCY: "8" });
  children.push(worker.process);
  const documents: Record<30 | 200, string> = { 30: "", 200: "" };
  for (const pages of [30, 200] as const) {
    const document = await createDocument(db, user.id, {
      topic: `Rail freight and the energy transition in Europe (${pages} pages)`,
      pages,
      language: "en",
    });
    if (!(await payWithDevPayment(db, document.id, user.id))) throw new Error("The dev payment was refused.");
    documents[pages] = document.id;
  }
  await untilDelivered(Object.values(documents));
  await stopProcess(worker.process);
  console.log(`done in ${((performance.now() - deliveredAt) / 1000).toFixed(0)} s.`);

  const port = await freePort();
  const web = await spawnWorker(
    {
      NODE_ENV: "production",
      ROLE: "web",
      LOG_LEVEL: "info",
      DATABASE_URL: embedded.url,
      DATA_DIR: dataDir,
      APP_URL: `https://127.0.0.1:${port}`,
      SESSION_SECRET,
      TOTP_SECRET: randomBytes(32).toString("hex"),
      SMTP_URL: "smtp://127.0.0.1:9",
      ALLOW_OFFLINE_PROVIDERS: "true",
      ALLOW_DEV_PAYMENT: "true",
      // One customer makes every request of the benchmark: far above any real customer, so no answer is a 429.
      RATE_LIMIT_PER_MINUTE: "1000000",
    },
    [
      // BENCH_PROFILE=<dir>: a CPU profile of the web process, written there when it stops.
      ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
      "--max-semi-space-size=8",
      "build/server.js",
    ],
    { port },
  );
  children.push(web.process);
  const base = `http://127.0.0.1:${port}`;

  const pages: Array<{ name: string; path: string; signedIn: boolean; expect: string }> = [
    { name: "home", path: "/", signedIn: false, expect: "TesiGo" },
    { name: "documents-list", path: "/documents", signedIn: true, expect: "Rail freight" },
    { name: "document-30", path: `/documents/${documents[30]}`, signedIn: true, expect: "(30 pages)" },
    { name: "document-200", path: `/documents/${documents[200]}`, signedIn: true, expect: "(200 pages)" },
    {
      name: "progress-api",
      path: `/api/documents/${documents[30]}/progress`,
      signedIn: true,
      expect: '"status":"completed',
    },
    { name: "healthz", path: "/healthz", signedIn: false, expect: "ok" },
  ];
  const rows: Row[] = [];
  for (const page of pages.filter((p) => !only || only.includes(p.name))) {
    const headers: Record<string, string> = { "accept-encoding": "gzip, deflate, br" };
    if (page.signedIn) headers.cookie = cookie;
    // What a browser receives: the page as expected (not a redirect to sign-in), and its compressed size.
    const check = await fetch(base + page.path, { headers, redirect: "manual" });
    const text = await check.text();
    if (check.status !== 200 || !text.includes(page.expect))
      throw new Error(`${page.path} answered ${check.status} without "${page.expect}": ${text.slice(0, 300)}`);
    await load(base + page.path, headers, Math.min(2, seconds)); // warm-up: JIT, pools, caches
    const wire = await wireBytes(base + page.path, headers);
    const [cpuBefore, pgBefore] = [await cpuMs(web.process.pid!), await postgresCpuMs()];
    const result = await load(base + page.path, headers, seconds);
    const cpuPerRequest = (await cpuMs(web.process.pid!)) - cpuBefore;
    const pgPerRequest = cpuBetween(pgBefore, await postgresCpuMs());
    const unexpected = Object.entries(result.statusCodeStats ?? {})
      .filter(([code]) => code !== "200")
      .reduce((sum, [, stat]) => sum + (stat.count ?? 0), 0);
    rows.push({
      name: page.name,
      rps: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p97_5Ms: result.latency.p97_5,
      errors: result.errors + result.timeouts + unexpected,
      kB: Math.round(wire / 102.4) / 10,
      cpuMs: Math.round((cpuPerRequest / Math.max(1, result.requests.total)) * 100) / 100,
      pgCpuMs: Math.round((pgPerRequest / Math.max(1, result.requests.total)) * 100) / 100,
    });
  }

  console.log(
    `\n${connections} connections, ${seconds} s per page, one web process (NODE_ENV=production), ${os.cpus().length} CPUs\n`,
  );
  console.table(rows);
  console.log(JSON.stringify({ pages: rows, cpus: os.cpus().length }));
} finally {
  await cleanUp();
}

async function untilDelivered(ids: string[]) {
  for (;;) {
    const rows = await db.selectFrom("documents").select(["status", "docx_key"]).where("id", "in", ids).execute();
    const failed = rows.find(
      (r) => !["queued", "generating", "completed", "completed_with_warnings"].includes(r.status),
    );
    if (failed) throw new Error(`A document was not delivered (${failed.status}).`);
    if (rows.every((r) => r.status.startsWith("completed") && r.docx_key)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** CPU time (user + system) the process has used, in ms (Linux /proc; clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time so far of every Postgres process of this benchmark's cluster, by pid: the postmaster (its data directory is
 * on its command line) and its children.
 */
async function postgresCpuMs(): Promise<Map<number, number>> {
  const { readdir, readFile } = await import("node:fs/promises");
  const processes = await Promise.all(
    (await readdir("/proc"))
      .filter((name) => /^\d+$/.test(name))
      .map(async (pid) => ({
        pid: Number(pid),
        cmdline: await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""),
        stat: await readFile(`/proc/${pid}/stat`, "utf8").catch(() => ""),
      })),
  );
  const postmaster = processes.find((p) => p.cmdline.includes("postgres") && p.cmdline.includes(dataDir))?.pid;
  const times = new Map<number, number>();
  for (const { pid, stat } of processes) {
    if (!stat) continue;
    const fields = stat.split(") ")[1]!.split(" ");
    if (pid === postmaster || Number(fields[1]) === postmaster)
      times.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return times;
}

/** CPU used between two snapshots (a process that ended meanwhile counts what it had used by the first). */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

function load(url: string, headers: Record<string, string>, duration: number) {
  return autocannon({ url, connections, duration, headers });
}

/** The size of the answer as it travels (compressed when the server compresses it). */
async function wireBytes(url: string, headers: Record<string, string>): Promise<number> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => resolve(bytes));
    });
    req.on("error", reject);
    req.end();
  });
}
