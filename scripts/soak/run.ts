// The socket soak's core (scripts/soak-sockets.ts runs it for minutes; tests/integration/socket-soak.test.ts small and
// as fast as it goes): watchers on a real web process, the documents driven to their ends by the worker's own writes,
// the web process killed and started again meanwhile, then every watcher's last state held against the database.
import type { Db } from "../../app/utils/db.server";
import { logger } from "../../app/utils/logger.server";
import { isActive } from "../../app/utils/live-progress";
import { startHeartbeats } from "../../worker/heartbeat";
import { rssKb, spawnWeb, type WebProcess } from "../../tests/setup/web-process";
import { freePort, stopProcess } from "../../tests/setup/worker-process";
import { Watcher } from "./client";
import { documentSteps, finalStates, seedDocuments, watcherCookies } from "./documents";

export type SoakOptions = {
  databaseUrl: string;
  db: Db;
  sockets: number;
  documents: number;
  restarts: number;
  /** How long the documents take, start to end; 0: as fast as the database goes, waiting after each restart until
   * every watcher has joined again. */
  seconds: number;
  heartbeatMs?: number;
  /** Extra watchers, one per document in turn, that do not re-read the snapshot on reconnecting: they must be caught
   * losing the completions that happen while the web process is down (proof that the soak's check bites). */
  controls?: number;
  /** Longest wait for the watchers to connect, to rejoin (when `seconds` is 0) and to settle at the end. */
  waitSeconds?: number;
  webEnv?: Record<string, string>;
  log?: (line: string) => void;
};

export type Restart = { signal: "SIGTERM" | "SIGKILL"; completedWhileDown: string; rejoinMs: number | null };

export type SoakResult = {
  sockets: number;
  documents: number;
  minutes: number;
  restarts: number;
  clientsRight: number;
  clientsWrong: number;
  lostCompletions: number;
  reconnects: number;
  eventsDelivered: number;
  p95DeliveryMs: number | null;
  webRssMbMax: number;
  /** How many times the watchers' connections ended, by socket.io's reason. */
  disconnectReasons: Record<string, number>;
  /** Per restart: how the web process was stopped, the document completed while it was down, the rejoin time. */
  restartLog: Restart[];
  /** One line per watcher that ended wrong: its state against the database's. */
  wrong: string[];
  /** The control watchers (options.controls), kept out of every figure above. */
  controls: { watchers: number; lostCompletions: number };
};

type Action = { at: number; run: () => Promise<unknown> };

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { db, sockets, restarts, seconds } = options;
  const log = options.log ?? (() => {});
  const waitMs = (options.waitSeconds ?? 120) * 1000;
  const documents = await seedDocuments(db, options.documents);
  const cookies = await watcherCookies(db, documents, sockets);
  const controlCookies = await watcherCookies(db, documents, options.controls ?? 0);
  const port = await freePort();
  const webEnv = { DATABASE_URL: options.databaseUrl, LOG_LEVEL: "error", ...options.webEnv };
  let web: WebProcess = await spawnWeb(webEnv, { port });
  const url = `http://127.0.0.1:${port}`;
  let rssMaxKb = 0;
  const sampler = setInterval(() => {
    rssKb(web.process.pid!).then(
      (kb) => (rssMaxKb = Math.max(rssMaxKb, kb)),
      () => {},
    );
  }, 1000);
  const delays: number[] = [];
  const watchers = cookies.map((c) => new Watcher(url, c.cookie, c.documentId, (ms) => delays.push(ms)));
  const controls = controlCookies.map((c) => new Watcher(url, c.cookie, c.documentId, () => {}, false));
  const everyone = [...watchers, ...controls];
  const heartbeats = startHeartbeats(db, logger, options.heartbeatMs);
  const restartLog: Restart[] = [];
  try {
    // A crowd of browsers arriving, a hundred at a time.
    for (let i = 0; i < everyone.length; i += 100) {
      for (const w of everyone.slice(i, i + 100)) w.connect();
      await until(waitMs, () => everyone.slice(i, i + 100).every((w) => w.joined && w.state));
    }
    log(`${watchers.length} watchers joined ${documents.length} documents`);

    const steps = documents.map((d) => documentSteps(db, d));
    const done = documents.map(() => 0);
    const runStep = (d: number) => steps[d][done[d]++]();
    const runRest = async (d: number) => {
      while (done[d] < steps[d].length) await runStep(d);
    };
    const actions: Action[] = [];
    documents.forEach((_, d) => {
      const count = steps[d].length;
      const start = (0.05 * d) / documents.length;
      const end = 0.85 + (0.12 * ((d * 7) % documents.length)) / documents.length;
      // The last two steps (assembled and delivered, or failed and refunded) come close together at the end.
      for (let s = 0; s < count; s++) {
        const at = s >= count - 2 ? end + (s - (count - 2)) * 0.005 : start + ((end - start) * s) / (count - 2);
        actions.push({
          at,
          run: async () => {
            while (done[d] <= s) await runStep(d);
          },
        });
      }
    });
    for (let r = 1; r <= restarts; r++) {
      const signal = r % 2 === 1 ? "SIGTERM" : "SIGKILL";
      actions.push({
        at: (0.9 * r) / restarts,
        run: async () => {
          await stopProcess(web.process, signal);
          // A document completes while no web process listens: its watchers must learn it after reconnecting.
          const d = documents.findIndex((_, i) => done[i] < steps[i].length);
          if (d >= 0) await runRest(d);
          web = await spawnWeb(webEnv, { port });
          const restart: Restart = { signal, completedWhileDown: documents[d]?.id ?? "", rejoinMs: null };
          restartLog.push(restart);
          const back = Date.now();
          const rejoined = until(waitMs, () => everyone.every((w) => w.joined)).then(
            () => (restart.rejoinMs = Date.now() - back),
          );
          log(`web process restarted after ${signal}${d >= 0 ? `; document ${d} completed meanwhile` : ""}`);
          if (seconds === 0) await rejoined;
          else rejoined.catch(() => {});
        },
      });
    }
    actions.sort((a, b) => a.at - b.at);
    const started = Date.now();
    for (const action of actions) {
      const wait = started + action.at * seconds * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await action.run();
    }
    log("every document has ended; waiting for the watchers to settle");

    const truth = await finalStates(
      db,
      documents.map((d) => d.id),
    );
    const isRight = (w: Watcher) => {
      const t = truth.get(w.documentId)!;
      return w.state?.status === t.status && w.state.stage === t.stage && w.state.percent === t.percent;
    };
    await until(waitMs, () => watchers.every(isRight)).catch(() => {});
    const wrongWatchers = watchers.filter((w) => !isRight(w));
    const lostCompletion = (w: Watcher) => !isRight(w) && (!w.state || isActive(w.state.status));
    delays.sort((a, b) => a - b);
    return {
      sockets,
      documents: documents.length,
      minutes: Math.round((seconds / 60) * 100) / 100,
      restarts: restartLog.length,
      clientsRight: watchers.length - wrongWatchers.length,
      clientsWrong: wrongWatchers.length,
      lostCompletions: wrongWatchers.filter(lostCompletion).length,
      reconnects: sum(watchers.map((w) => w.figures.reconnects)),
      eventsDelivered: sum(watchers.map((w) => w.figures.events)),
      p95DeliveryMs: delays.length ? delays[Math.min(delays.length - 1, Math.floor(0.95 * delays.length))] : null,
      webRssMbMax: Math.round(rssMaxKb / 1024),
      disconnectReasons: tally(watchers.map((w) => w.figures.disconnects)),
      restartLog,
      wrong: wrongWatchers.map((w) => {
        const t = truth.get(w.documentId)!;
        const s = w.state;
        return `${w.documentId}: watcher ${s ? `${s.status}/${s.stage}/${s.percent}` : "no state"}, database ${t.status}/${t.stage}/${t.percent}`;
      }),
      controls: { watchers: controls.length, lostCompletions: controls.filter(lostCompletion).length },
    };
  } finally {
    clearInterval(sampler);
    for (const w of everyone) w.close();
    await heartbeats.stop();
    await stopProcess(web.process);
  }
}

/** Resolves once `check` holds (looked at every 100 ms); rejects after `timeoutMs`. */
async function until(timeoutMs: number, check: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("the soak waited too long for its watchers");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function tally(counts: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const c of counts) for (const [key, n] of Object.entries(c)) total[key] = (total[key] ?? 0) + n;
  return total;
}
