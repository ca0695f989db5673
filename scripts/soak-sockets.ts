// `npm run soak:sockets -- [--sockets 500] [--documents 20] [--minutes 10] [--restarts 2]`: that many socket.io
// watchers (real session cookies of each document's owner) follow documents on one web process (a child,
// `ROLE=web server.ts`) while the worker's own writes carry the documents from queued to delivered (some with
// warnings) or failed and refunded over the minutes given; the web process is stopped (SIGTERM, then SIGKILL, in
// turn) and started again that many times, and a document completes while it is down. At the end every watcher's last
// state (status, stage, percent) must equal its document's in the database. Prints a table and one JSON line; exits 1
// when a watcher ends wrong or a completion was lost.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { logger } from "../app/utils/logger.server";
import { startBenchDatabase } from "./bench/bench-database";
import { buildIfNeeded } from "./build-if-needed.mjs";
import { numberOption } from "./number-option";
import { runSoak } from "./soak/run";

const { values } = parseArgs({
  options: {
    sockets: { type: "string", default: "500" },
    documents: { type: "string", default: "20" },
    minutes: { type: "string", default: "10" },
    restarts: { type: "string", default: "2" },
  },
});

const sockets = numberOption(values, "sockets", 1, 20_000);
const documents = numberOption(values, "documents", 1, Math.min(sockets, 1000));
const minutes = numberOption(values, "minutes", 0, 600);
const restarts = numberOption(values, "restarts", 0, 100);

// Built (if needed) for the caller's NODE_ENV before this process switches to test (see scripts/bench/sockets.ts).
buildIfNeeded();
process.env.NODE_ENV = "test";
logger.level = "fatal";
// Both processes sign and read the same cookies.
process.env.SESSION_SECRET = randomBytes(24).toString("hex");

const { embedded, db, boss } = await startBenchDatabase(mkdtempSync(path.join(os.tmpdir(), "tesigo-soak-sockets-")));
try {
  const started = Date.now();
  const result = await runSoak({
    databaseUrl: embedded.url,
    db,
    sockets,
    documents,
    restarts,
    seconds: minutes * 60,
    webEnv: { SESSION_SECRET: process.env.SESSION_SECRET },
    log: (line) => console.log(`soak: ${line}`),
  });
  const rows: [string, string | number][] = [
    ["watchers / documents", `${result.sockets} / ${result.documents}`],
    ["minutes (planned / taken)", `${result.minutes} / ${((Date.now() - started) / 60_000).toFixed(1)}`],
    ["web restarts", result.restarts],
    ...result.restartLog.map((r, i): [string, string] => [
      `  restart ${i + 1}`,
      `${r.signal}, every watcher joined again ${r.rejoinMs === null ? "never" : `after ${(r.rejoinMs / 1000).toFixed(1)} s`}`,
    ]),
    [
      "disconnects, by reason",
      Object.entries(result.disconnectReasons)
        .map(([reason, n]) => `${n} ${reason}`)
        .join(", ") || "none",
    ],
    ["watchers right / wrong", `${result.clientsRight} / ${result.clientsWrong}`],
    ["lost completions", result.lostCompletions],
    ["reconnects", result.reconnects],
    ["events delivered", result.eventsDelivered],
    ["heartbeat delivery p95 (ms)", result.p95DeliveryMs ?? "none"],
    ["web process RSS max (MB)", result.webRssMbMax],
    ["load average (1 min)", os.loadavg()[0].toFixed(2)],
  ];
  for (const [label, value] of rows) console.log(`${label.padEnd(30)} ${value}`);
  for (const line of result.wrong.slice(0, 20)) console.log(`wrong: ${line}`);
  const { restartLog: _, wrong: __, controls: ___, disconnectReasons: ____, ...figures } = result;
  console.log(JSON.stringify(figures));
  process.exitCode = result.clientsWrong === 0 && result.lostCompletions === 0 ? 0 : 1;
} finally {
  await boss.stop({ graceful: false, wait: true }).catch(() => {});
  await db.destroy();
  await embedded.stop();
}
