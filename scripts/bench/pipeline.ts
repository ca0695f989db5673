// `npm run bench:pipeline -- --pages 100 --latency-ms 2000 --concurrency 25`
// One order of N pages through a real worker process against the fake OpenAI server with a fixed latency per call.
// Prints wall time, the ideal time (LLM rounds on the critical path × latency), efficiency, pages per minute as if
// every call took 20 s, the worker's peak RSS and the tokens per delivered page; ends with one JSON line.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDocument } from "../../app/models/documents.server";
import { payWithDevPayment } from "../../app/models/checkout.server";
import { DOCUMENT_EVENTS_CHANNEL } from "../../app/utils/document-events";
import { startFakeOpenAI } from "../../tests/fakes/openai";
import { startFakeScholarly } from "../../tests/fakes/scholarly";
import { buildIfNeeded } from "../build-if-needed.mjs";
import { startBenchDatabase } from "./bench-database";
import { spawnWorker, stopProcess } from "../../tests/setup/worker-process";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "100" },
    "latency-ms": { type: "string", default: "2000" },
    concurrency: { type: "string", default: "25" },
  },
});
const pages = Number(values.pages);
const latencyMs = Number(values["latency-ms"]);
const concurrency = Number(values.concurrency);
/** How long an order may take beyond its LLM calls before the benchmark calls it stalled. */
const STALL_MS = 180_000;

// The worker as production runs it (Dockerfile, package.json): the compiled server (build/server.js), built first if
// a source changed, with V8's semi-spaces at 8 MB.
buildIfNeeded();
const { embedded, db, boss } = await startBenchDatabase(mkdtempSync(path.join(os.tmpdir(), "tesigo-bench-")));
const fake = await startFakeOpenAI({ latencyMs });
// Sources from the local OpenAlex / Crossref / Semantic Scholar stand-ins (answering at once).
const scholarly = await startFakeScholarly();
const worker = await spawnWorker(
  {
    DATABASE_URL: embedded.url,
    OPENAI_API_KEY: "sk-bench",
    OPENAI_BASE_URL: fake.url,
    ...scholarly.env,
    SECTION_CONCURRENCY: String(concurrency),
    PROVIDER_CONCURRENCY: String(concurrency),
    ...(process.env.BENCH_DEBUG ? { LOG_LEVEL: "info" } : {}),
  },
  [
    ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    ...(process.env.BENCH_NODE_ARGS?.split(" ") ?? []),
    "--max-semi-space-size=8",
    "build/server.js",
  ],
);

// Ctrl-C, or a timeout's SIGTERM: the worker and the embedded Postgres (a process group of its own) must not outlive us.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(
    signal,
    () =>
      void stopProcess(worker.process)
        .then(() => embedded.stop())
        .finally(() => process.exit(130)),
  );
}

try {
  const user = await db
    .insertInto("users")
    .values({ email: "bench@example.com" })
    .returning("id")
    .executeTakeFirstOrThrow();
  // Steady state, as in production: one small order first, so the worker has its grammar dictionary loaded.
  const warmUp = await createDocument(db, user.id, {
    topic: "Warming up the worker before the measured order",
    pages: 5,
    language: "en",
  });
  await payWithDevPayment(db, warmUp.id, user.id);
  await untilSettled(warmUp.id, "the warm-up order");
  const document = await createDocument(db, user.id, {
    topic: "The economics of long-distance rail in Europe",
    pages,
    language: "en",
  });

  // The end is the "completed" NOTIFY, as a browser would see it.
  const listener = new pg.Client({ connectionString: embedded.url });
  await listener.connect();
  await listener.query(`LISTEN ${DOCUMENT_EVENTS_CHANNEL}`);
  const done = new Promise<void>((resolve, reject) => {
    listener.on("notification", (m) => {
      const { documentId, event } = JSON.parse(m.payload ?? "{}");
      if (documentId !== document.id) return;
      if (event.type === "completed") resolve();
      if (event.type === "failed") reject(new Error(`The document failed: ${event.reason}`));
    });
  });

  const startedAt = Date.now();
  const started = performance.now();
  // BENCH_DEBUG: the worker's memory every 100 ms, printed with its log at the end.
  const rssTimeline: string[] = [];
  const rssPoll = process.env.BENCH_DEBUG
    ? setInterval(
        () => rssTimeline.push(`${Date.now() - startedAt}:${Math.round(rssKb(worker.process.pid!, "VmRSS") / 1024)}`),
        100,
      )
    : undefined;
  const cpuBefore = process.env.BENCH_DEBUG ? cpuMs(worker.process.pid!) : null;
  await payWithDevPayment(db, document.id, user.id);
  const paidMs = Date.now() - startedAt; // the payment's own transaction (the webhook's, in production)
  await Promise.race([done, untilSettled(document.id, "the measured order").then(() => done)]);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuBefore ? cpuMs(worker.process.pid!) : null;
  await listener.end();
  // The DOCX and PDF follow the delivered text (document.export): how long until they are there too.
  for (;;) {
    const row = await db
      .selectFrom("documents")
      .select("pdf_key")
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    if (row.pdf_key) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const filesSeconds = (performance.now() - started) / 1000;
  clearInterval(rssPoll);
  if (process.env.BENCH_WORKER_OUT) writeFileSync(process.env.BENCH_WORKER_OUT, worker.output());
  if (process.env.BENCH_DEBUG) {
    const at = fake.requestsAt.map((t) => t - startedAt);
    console.log(`payment at ${startedAt} (epoch ms), committed ${paidMs} ms later`);
    console.log("LLM request arrivals (ms after payment):", at.join(", "), "end", Math.round(wallSeconds * 1000));
    const bySection = fake.requests.flatMap((r, i) => {
      const n = /(?:Write|Revise) section (\d+),/.exec(JSON.stringify(r.body))?.[1];
      return n && at[i] > 0 ? [`${Number(n) - 1}@${at[i]}`] : [];
    });
    console.log("section requests (section@ms):", bySection.join(" "));
    console.log("worker RSS (ms:MB):", rssTimeline.join(" "));
    console.log(
      `CPU until the text was delivered: worker ${cpuAfter!.worker - cpuBefore!.worker} ms, Postgres ${cpuAfter!.postgres - cpuBefore!.postgres} ms`,
    );
    for (const line of worker.output().split("\n")) {
      const entry = line.startsWith("{") ? JSON.parse(line) : null;
      if (entry?.time >= startedAt) {
        const phases = entry.answeredAt
          ? `: answered at ${entry.answeredAt - startedAt} ms, checked in ${entry.checkMs} ms, saved in ${entry.saveMs} ms`
          : "";
        const detail =
          entry.section !== undefined
            ? ` (section ${entry.section}${phases})`
            : entry.sql
              ? ` (${entry.ms} ms: ${String(entry.sql).replace(/\s+/g, " ").trim().slice(0, 120)})`
              : "";
        console.log(`${entry.time - startedAt} ms: ${entry.msg}${detail}`);
      }
    }
  }

  const sections = await db.selectFrom("sections").select("id").where("document_id", "=", document.id).execute();
  const ours = fake.requests.filter((r) => JSON.stringify(r.body).includes("The economics of long-distance rail"));
  // Each call by what asked for it (its system prompt), as the pipeline runs them: the plan's outline (and, with
  // requirements, the outline's check) one after the other; the sections in rounds of `concurrency`; the review's
  // check of the whole document, then its revisions in rounds of `concurrency`.
  const system = (r: (typeof ours)[number]) => String(r.body.messages?.[0]?.content ?? "");
  const isJudge = (r: (typeof ours)[number]) => system(r).startsWith("You check an academic document");
  const documentJudged = ours.some((r) => isJudge(r) && JSON.stringify(r.body).includes("The document to check"));
  const revisions = ours.filter((r) => system(r).startsWith("You revise one section")).length;
  const planCalls =
    ours.filter((r) => r.body.response_format?.type === "json_object").length - (documentJudged ? 1 : 0);
  const reviewCalls = revisions + (documentJudged ? 1 : 0);
  const sectionCalls = ours.length - planCalls - reviewCalls;
  const rounds =
    planCalls + Math.ceil(sectionCalls / concurrency) + (documentJudged ? 1 : 0) + Math.ceil(revisions / concurrency);
  const idealSeconds = (rounds * latencyMs) / 1000;
  const usage = await db
    .selectFrom("token_usage")
    .select((eb) => [eb.fn.sum<string>("tokens_in").as("in"), eb.fn.sum<string>("tokens_out").as("out")])
    .where("document_id", "=", document.id)
    .executeTakeFirstOrThrow();
  const peakRssMb = Math.round(rssKb(worker.process.pid!, "VmHWM") / 1024);

  const result = {
    pages,
    sections: sections.length,
    concurrency,
    latencyMs,
    wallSeconds: round(wallSeconds, 2),
    idealSeconds: round(idealSeconds, 2),
    efficiency: round(idealSeconds / wallSeconds, 3),
    pagesPerMinuteAt20s: round((pages * 60) / ((wallSeconds * 20000) / latencyMs), 1),
    peakRssMb,
    inputTokensPerPage: Math.round(Number(usage.in) / pages),
    outputTokensPerPage: Math.round(Number(usage.out) / pages),
  };
  console.log(
    `pages ${pages}, sections ${sections.length}, concurrency ${concurrency}, latency ${latencyMs} ms per call`,
  );
  console.log(
    `LLM calls: ${planCalls} plan + ${sectionCalls} sections + ${reviewCalls} review = ${rounds} rounds on the critical path`,
  );
  console.log(`wall ${result.wallSeconds} s, ideal ${result.idealSeconds} s, efficiency ${result.efficiency}`);
  console.log(`${result.pagesPerMinuteAt20s} pages/min if every call took 20 s; worker peak RSS ${peakRssMb} MB`);
  console.log(`tokens per page: ${result.inputTokensPerPage} in, ${result.outputTokensPerPage} out`);
  console.log(`DOCX and PDF ready ${round(filesSeconds, 2)} s after payment (the text at ${result.wallSeconds} s)`);
  console.log(JSON.stringify(result));
} finally {
  await stopProcess(worker.process);
  await boss.stop({ graceful: false, wait: true });
  await db.destroy();
  await fake.close();
  await scholarly.close();
  await embedded.stop();
}

/**
 * Waits until the document is delivered with its files, or has failed (and been refunded); one that is neither after
 * STALL_MS (the pipeline stalled) stops the benchmark with its state and the worker's last log lines, not a hang.
 */
async function untilSettled(documentId: string, what: string): Promise<void> {
  const deadline = Date.now() + STALL_MS + 20 * latencyMs;
  for (;;) {
    const row = await db
      .selectFrom("documents")
      .select(["status", "progress_stage", "pdf_key"])
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    if (row.pdf_key || ["failed", "failed_quality", "refunded"].includes(row.status)) return;
    if (Date.now() > deadline) {
      const log = worker.output().trim().split("\n").slice(-30).join("\n");
      throw new Error(
        `${what} did not finish (status ${row.status}, stage ${row.progress_stage}); the worker's last lines:\n${log}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A process' resident memory now (VmRSS) or at its peak (VmHWM: the whole process, every thread included), in kB. */
function rssKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

/** CPU time (user + system, ms) so far of the worker and of every Postgres process on this machine (BENCH_DEBUG). */
function cpuMs(workerPid: number): { worker: number; postgres: number } {
  const ticks = (pid: string | number) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
        .replace(/^.*\) /, "")
        .split(" ");
      return { comm: readFileSync(`/proc/${pid}/comm`, "utf8").trim(), ticks: Number(fields[11]) + Number(fields[12]) };
    } catch {
      return { comm: "", ticks: 0 }; // a process that ended meanwhile
    }
  };
  const msPerTick = 1000 / 100; // USER_HZ
  let postgres = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    const proc = ticks(pid);
    if (proc.comm === "postgres") postgres += proc.ticks;
  }
  return { worker: ticks(workerPid).ticks * msPerTick, postgres: postgres * msPerTick };
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
