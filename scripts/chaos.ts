// `npm run chaos -- --orders 10 --faults 0.3 --kills 3`: paid orders through web + workers while a share of the LLM
// and source calls fail (429, 500, timeouts, cut connections, malformed JSON), workers are SIGKILLed and Postgres
// restarts once; then the database is checked: every order delivered or refunded in full, nothing written or charged
// or refunded twice. Prints a table and one JSON line; exits 1 when an order was lost or anything happened twice.
import { parseArgs } from "node:util";
import { runChaos } from "./chaos/run";
import { numberOption } from "./number-option";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "10" },
    faults: { type: "string", default: "0.3" },
    kills: { type: "string", default: "3" },
    workers: { type: "string", default: "2" },
    "max-pages": { type: "string", default: "20" },
    seed: { type: "string" },
    "stall-seconds": { type: "string", default: "300" },
  },
});

const options = {
  orders: numberOption(values, "orders", 1, 1000),
  faults: numberOption(values, "faults", 0, 1),
  kills: numberOption(values, "kills", 0, 100),
  workers: numberOption(values, "workers", 1, 16),
  maxPages: numberOption(values, "max-pages", 5, 200),
  seed: values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : numberOption(values, "seed", 0, 2 ** 31),
  stallSeconds: numberOption(values, "stall-seconds", 10, 3600),
  log: (line: string) => console.log(`chaos: ${line}`),
};

const result = await runChaos(options);
const rows: [string, string | number][] = [
  ["orders", result.orders],
  ["delivered", result.delivered],
  ["refunded in full", result.refunded],
  ["lost", result.lost],
  ["sections charged twice", result.chargedTwice],
  ["sections written twice", result.sectionsWrittenTwice],
  ["payments refunded twice", result.refundsTwice],
  ["breaker openings / closings", `${result.breakerOpenings} / ${result.breakerClosings}`],
  ["workers killed / died on their own", `${result.kills} / ${result.unexpectedWorkerExits}`],
  ["Postgres restarts", result.databaseRestarts],
  ["LLM / source calls", `${result.llmCalls} / ${result.sourceCalls}`],
  ["seconds", result.seconds],
  ["seed", result.seed],
];
for (const [label, value] of rows) console.log(`${label.padEnd(36)} ${value}`);
for (const order of result.lostOrders) console.log(`lost: ${order}`);
for (const order of result.whyRefunded) console.log(`refunded: ${order}`);
const { lostOrders, whyRefunded: _, ...figures } = result;
console.log(JSON.stringify({ ...figures, lostOrders: lostOrders.length }));
const broken = result.lost + result.chargedTwice + result.sectionsWrittenTwice + result.refundsTwice > 0;
process.exit(broken ? 1 : 0);
