// `npm run eval -- <document id>`  measures one finished document;
// `npm run eval -- --golden [--fake] [--orders N]` runs the 10 fixed orders (or the first N) end to end and measures them all.
// Prints a table, then one JSON line: averages over the DELIVERED documents only, the share delivered, each outcome:
// {"ordered":…,"documents":…,"deliveredRate":…,"citationResolveRate":…,"bibliographyBackedRate":…,"lengthScore":…,
//  "uniqueness":…,"grammarErrorsPer1000":…,"citationPrecision":…,"citationRecall":…,"outcomes":[{"topic":…,"language":…,"outcome":"delivered"|…,"reason":…,
//  "grammar":…}]}
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDocument } from "../app/models/documents.server";
import { payWithDevPayment } from "../app/models/checkout.server";
import { createDb, useDatabase, type Db } from "../app/utils/db.server";
import { DOCUMENT_EVENTS_CHANNEL } from "../app/utils/document-events";
import { getEnv, loadDotEnvFile, parseEnv } from "../app/utils/env.server";
import { createBoss, ensureQueues, useBoss } from "../app/jobs/queue.server";
import { startEmbeddedPostgres } from "../db/embedded";
import { migrateToLatest } from "../db/migrate";
import { openDatabase } from "../db/open";
import { startFakeOpenAI } from "../tests/fakes/openai";
import { startFakeScholarly } from "../tests/fakes/scholarly";
import { freePort } from "../tests/setup/worker-process";
import { evaluateDocument } from "../worker/eval/metrics";
import { orderOutcome, summarizeRun, type OrderResult } from "../worker/eval/run-summary";
import { createPipelineContext, startWorker } from "../worker/index";
import { shingleSet, uniquenessScore } from "../worker/quality/shingles";

const GOLDEN = [
  { topic: "Remote work and urban housing markets", pages: 5, language: "en", citationStyle: "apa7", kind: "essay" },
  {
    topic: "Вплив цифрових технологій на освіту в Україні",
    pages: 6,
    language: "uk",
    citationStyle: "gost_author_date",
    kind: "term_paper",
  },
  {
    topic: "Die Energiewende und die Industriepolitik",
    pages: 8,
    language: "de",
    citationStyle: "harvard",
    kind: "term_paper",
  },
  {
    topic: "La gestione dei rifiuti nelle città italiane",
    pages: 5,
    language: "it",
    citationStyle: "chicago_author_date",
    kind: "essay",
  },
  {
    topic: "Transformacja energetyczna w Polsce po 2015 roku",
    pages: 10,
    language: "pl",
    citationStyle: "apa7",
    kind: "literature_review",
  },
  {
    topic: "L'intelligence artificielle dans le diagnostic médical",
    pages: 7,
    language: "fr",
    citationStyle: "mla9",
    kind: "essay",
  },
  { topic: "Migración y mercado laboral en España", pages: 6, language: "es", citationStyle: "apa7", kind: "essay" },
  {
    topic: "Цифровизация государственного управления",
    pages: 12,
    language: "ru",
    citationStyle: "gost_numeric",
    kind: "bachelor_thesis",
  },
  {
    topic: "Edge computing for industrial sensor networks",
    pages: 15,
    language: "en",
    citationStyle: "ieee",
    kind: "master_thesis",
  },
  {
    topic: "Microfinance and women's entrepreneurship in East Africa",
    pages: 20,
    language: "en",
    citationStyle: "harvard",
    kind: "book_chapter",
  },
] as const;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { golden: { type: "boolean" }, fake: { type: "boolean" }, orders: { type: "string" } },
});
const orderCount = values.orders === undefined ? GOLDEN.length : Number(values.orders);
if (!Number.isInteger(orderCount) || orderCount < 1 || orderCount > GOLDEN.length) {
  console.error(`--orders must be a whole number from 1 to ${GOLDEN.length}`);
  process.exit(2);
}

/** Uniqueness of the document's text against its own sources' titles and abstracts (0–100). */
function againstSources(text: string, sources: string[]): number | null {
  return uniquenessScore(
    shingleSet(text),
    sources.map((s) => shingleSet(s)),
  );
}

function pct(value: number | null): string {
  return value === null ? "N/A" : `${Math.round(value * 1000) / 10}%`;
}

function print(rows: OrderResult[]) {
  console.log(
    [
      "document",
      "lang",
      "style",
      "pages",
      "outcome",
      "citations ok",
      "backed",
      "length",
      "balance",
      "unique",
      "grammar",
      "cit. precision",
      "cit. recall",
      "reason",
    ].join("\t"),
  );
  for (const r of rows) {
    console.log(
      [
        r.topic.slice(0, 40),
        r.language,
        r.citationStyle,
        r.pages,
        r.outcome,
        pct(r.citationResolveRate),
        pct(r.bibliographyBackedRate),
        Math.round(r.lengthScore),
        pct(r.sectionBalance),
        r.uniqueness === null ? "N/A" : Math.round(r.uniqueness),
        r.grammarErrorsPer1000 ?? "N/A",
        pct(r.citationPrecision),
        pct(r.citationRecall),
        r.reason ?? "",
      ].join("\t"),
    );
  }
  console.log(JSON.stringify(summarizeRun(rows)));
}

/** The document measured, with its outcome (only a delivered one counts in the averages). */
async function measure(db: Db, documentId: string): Promise<OrderResult> {
  const evaluation = await evaluateDocument(db, documentId, againstSources);
  return { ...evaluation, ...(await orderOutcome(db, documentId)) };
}

async function runGolden(db: Db, databaseUrl: string, fake: boolean) {
  const closers: (() => Promise<unknown>)[] = [];
  let env = getEnv();
  if (fake) {
    const openai = await startFakeOpenAI();
    const scholarly = await startFakeScholarly();
    closers.push(
      () => openai.close(),
      () => scholarly.close(),
    );
    env = parseEnv({
      ...process.env,
      NODE_ENV: "test",
      OPENAI_API_KEY: "sk-eval-fake",
      OPENAI_BASE_URL: openai.url,
      AI_FALLBACK_CHAIN: "",
      ...scholarly.env,
      SECTION_CONCURRENCY: "8",
    });
  }
  const boss = useBoss(createBoss(databaseUrl, { worker: true }));
  await boss.start();
  await ensureQueues(boss);
  const runner = await startWorker(boss, createPipelineContext(db, env), { connectionString: databaseUrl });
  closers.unshift(
    () => runner.stop(5000),
    () => boss.stop({ graceful: false, wait: true }),
  );

  const listener = new pg.Client({ connectionString: databaseUrl });
  await listener.connect();
  await listener.query(`LISTEN ${DOCUMENT_EVENTS_CHANNEL}`);
  closers.unshift(() => listener.end());
  const finished = new Map<string, () => void>();
  listener.on("notification", (m) => {
    const { documentId, event } = JSON.parse(m.payload ?? "{}");
    if (event.type === "completed" || event.type === "failed") finished.get(documentId)?.();
  });

  try {
    const user = await db
      .insertInto("users")
      .values({ email: `eval-${Date.now()}@example.com`, name: "Eval Runner" })
      .returning("id")
      .executeTakeFirstOrThrow();
    // In the golden list's order, however the orders finish.
    const ids = await Promise.all(
      GOLDEN.slice(0, orderCount).map(async (order) => {
        const document = await createDocument(db, user.id, order);
        const done = new Promise<void>((resolve) => finished.set(document.id, resolve));
        await payWithDevPayment(db, document.id, user.id);
        // An order still running after 10 minutes is reported as unfinished; the timer is cleared once it finishes, as
        // a pending one kept the process alive for 10 minutes.
        let deadline: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => (deadline = setTimeout(resolve, 600_000)));
        await Promise.race([done, late]).finally(() => clearTimeout(deadline));
        return document.id;
      }),
    );
    return await Promise.all(ids.map((id) => measure(db, id)));
  } finally {
    for (const close of closers) await close().catch(() => {});
  }
}

async function main() {
  loadDotEnvFile();
  if (values.golden) {
    // The golden run writes 10 orders: into a throwaway embedded database with --fake, else the configured one.
    if (values.fake) {
      const embedded = await startEmbeddedPostgres({
        dataDir: path.join(mkdtempSync(path.join(os.tmpdir(), "tesigo-eval-")), "pg"),
        port: await freePort(),
        database: "eval",
        ephemeral: true,
      });
      const db = useDatabase(createDb(embedded.url, 20));
      try {
        await migrateToLatest(db);
        print(await runGolden(db, embedded.url, true));
      } finally {
        await db.destroy();
        await embedded.stop();
      }
      return;
    }
    const { url, embedded } = await openDatabase(getEnv(), () => {});
    const db = useDatabase(createDb(url, 20));
    try {
      await migrateToLatest(db);
      print(await runGolden(db, url, false));
    } finally {
      await db.destroy();
      await embedded?.stop();
    }
    return;
  }
  const documentId = positionals[0];
  if (!documentId) {
    console.error("Usage: npm run eval -- <document id>   or   npm run eval -- --golden [--fake]");
    process.exit(2);
  }
  const { url, embedded } = await openDatabase(getEnv(), () => {});
  const db = createDb(url, 2);
  try {
    print([await measure(db, documentId)]);
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(`Evaluation failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
