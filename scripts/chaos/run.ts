// One chaos run: paid orders through a cluster whose providers fail at random, whose workers are SIGKILLed and whose
// Postgres restarts, until every order has settled (or nothing has moved for a while); then the checks.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb, useDatabase, type Db } from "../../app/utils/db.server";
import { seededRandom } from "../../tests/fakes/random-faults";
import { buildIfNeeded } from "../build-if-needed.mjs";
import {
  allSettled,
  breakerFigures,
  orderOutcomes,
  paymentsRefundedTwice,
  recordBreakerTransitions,
  sectionsChargedTwice,
  sectionsWrittenTwice,
} from "./checks";
import { startCluster, type Cluster } from "./cluster";
import { placePaidOrders } from "./orders";

export type ChaosOptions = {
  orders: number;
  faults: number;
  kills: number;
  workers: number;
  maxPages: number;
  seed: number;
  /** The run gives up when no order has moved for this long (the orders left are then lost). */
  stallSeconds: number;
  log: (line: string) => void;
};

export type ChaosResult = {
  orders: number;
  delivered: number;
  refunded: number;
  lost: number;
  chargedTwice: number;
  sectionsWrittenTwice: number;
  refundsTwice: number;
  breakerOpenings: number;
  seconds: number;
  // Beyond the summary line's fields: what the run did to the system, and the orders it lost.
  breakerClosings: number;
  kills: number;
  databaseRestarts: number;
  unexpectedWorkerExits: number;
  llmCalls: number;
  sourceCalls: number;
  seed: number;
  lostOrders: string[];
  whyRefunded: string[];
};

type Disruption = { at: number; kind: "kill" | "database" };

/** When to strike, as shares of the run's progress (0–1): the kills between 5 % and 85 %, the restart 20–70 %. */
function planDisruptions(kills: number, random: () => number): Disruption[] {
  const plan: Disruption[] = Array.from({ length: kills }, () => ({ at: 0.05 + random() * 0.8, kind: "kill" }));
  plan.push({ at: 0.2 + random() * 0.5, kind: "database" });
  return plan.sort((a, b) => a.at - b.at);
}

/** The orders' mean progress, a settled order counting as done; null while the database cannot be read. */
async function progressOf(db: Db, ids: string[]): Promise<number | null> {
  try {
    const rows = await db
      .selectFrom("documents")
      .select(["progress_percent", "status"])
      .where("id", "in", ids)
      .execute();
    const settled = (s: string) => !["queued", "generating", "awaiting_payment"].includes(s);
    const sum = rows.reduce((total, r) => total + (settled(r.status) ? 100 : r.progress_percent), 0);
    return sum / (100 * ids.length);
  } catch {
    return null;
  }
}

async function settledOrNull(db: Db, ids: string[]): Promise<boolean | null> {
  try {
    return await allSettled(db, ids);
  } catch {
    return null;
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const random = seededRandom(options.seed);
  const started = performance.now();
  buildIfNeeded();
  const dir = mkdtempSync(path.join(os.tmpdir(), "tesigo-chaos-"));
  const cluster: Cluster = await startCluster({
    dir,
    workers: options.workers,
    faultShare: options.faults,
    random,
    log: options.log,
  });
  // This process starts the Checkout Sessions, with the web's settings.
  Object.assign(process.env, cluster.env);
  const db = useDatabase(createDb(cluster.databaseUrl, 4));
  try {
    await recordBreakerTransitions(db);
    options.log(`placing ${options.orders} paid orders (seed ${options.seed})`);
    const orders = await placePaidOrders(db, cluster.stripe, options.orders, options.maxPages, random);
    const ids = orders.map((o) => o.id);
    const plan = planDisruptions(options.kills, random);
    let kills = 0;
    let databaseRestarts = 0;
    let lastProgress = -1;
    let lastMoveAt = performance.now();
    for (;;) {
      const progress = await progressOf(db, ids);
      if (progress !== null && progress !== lastProgress) {
        lastProgress = progress;
        lastMoveAt = performance.now();
      }
      while (progress !== null && plan.length && plan[0]!.at <= progress) {
        const { kind } = plan.shift()!;
        if (kind === "kill") {
          const index = Math.floor(random() * options.workers);
          options.log(`${Math.round(progress * 100)} %: SIGKILL worker ${index + 1}`);
          await cluster.killWorker(index);
          kills++;
        } else {
          options.log(`${Math.round(progress * 100)} %: restarting Postgres`);
          await cluster.restartDatabase();
          databaseRestarts++;
        }
      }
      if ((await settledOrNull(db, ids)) === true) break;
      if (performance.now() - lastMoveAt > options.stallSeconds * 1000) {
        options.log(`no order moved for ${options.stallSeconds} s: giving up on the unsettled ones`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const outcome = await orderOutcomes(db, ids);
    const breakers = await breakerFigures(db);
    const result: ChaosResult = {
      orders: options.orders,
      delivered: outcome.delivered,
      refunded: outcome.refunded,
      lost: outcome.lost.length,
      chargedTwice: await sectionsChargedTwice(db),
      sectionsWrittenTwice: await sectionsWrittenTwice(db),
      refundsTwice: await paymentsRefundedTwice(db, cluster.stripe),
      breakerOpenings: breakers.openings,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      breakerClosings: breakers.closings,
      kills,
      databaseRestarts,
      unexpectedWorkerExits: cluster.unexpectedExits(),
      llmCalls: cluster.llm.requests.length,
      sourceCalls: cluster.scholarly.requests.length,
      seed: options.seed,
      lostOrders: outcome.lost,
      whyRefunded: outcome.whyRefunded,
    };
    if (result.lost > 0) options.log(cluster.output().slice(-8000));
    return result;
  } finally {
    await db.destroy().catch(() => {});
    await cluster.stop();
  }
}
