// `npm run bench:sockets -- --sockets 2000 [--documents 200] [--rate 100] [--seconds 20]`
// N authenticated socket.io clients (real session cookies) on ONE web process (a child: `ROLE=web server.ts`), spread
// over the rooms of D generating documents, while a worker-side loop here writes progress rows and NOTIFYs them (in
// the same transaction, as the worker does) at a steady rate, with Date.now() of the write in the payload.
// Prints the delivery latency from the database write to the client (p50/p95/p99), the web process' memory per
// socket (RSS after connecting and joining − RSS before, ÷ sockets), and ends with one JSON line.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { io, type Socket } from "socket.io-client";
import { createDb, useDatabase } from "../../app/utils/db.server";
import type { DocumentEventPayload } from "../../app/utils/document-events";
import { logger } from "../../app/utils/logger.server";
import { getSessionStorage } from "../../app/utils/session-cookie.server";
import { startEmbeddedPostgres } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";
import { rssKb, spawnWeb } from "../../tests/setup/web-process";
import { freePort, stopProcess } from "../../tests/setup/worker-process";
import { notifyDocumentEvent } from "../../app/utils/document-events.server";
import { buildIfNeeded } from "../build-if-needed.mjs";

const { values } = parseArgs({
  options: {
    sockets: { type: "string", default: "2000" },
    documents: { type: "string" },
    rate: { type: "string", default: "100" },
    seconds: { type: "string", default: "20" },
  },
});
const socketCount = Number(values.sockets);
const documentCount = Number(values.documents ?? Math.max(1, Math.round(socketCount / 10)));
const ratePerSecond = Number(values.rate);
const seconds = Number(values.seconds);

// Built (if needed) for the caller's NODE_ENV, before this process switches to test: a benchmark must not leave a
// test-mode bundle behind for `npm start` (production cannot serve one).
buildIfNeeded();
// Both processes sign and read the same cookies; only the figures are printed.
process.env.NODE_ENV = "test";
logger.level = "fatal";
process.env.SESSION_SECRET = randomBytes(24).toString("hex");

const embedded = await startEmbeddedPostgres({
  dataDir: path.join(mkdtempSync(path.join(os.tmpdir(), "tesigo-bench-sockets-")), "pg"),
  port: await freePort(),
  database: "bench",
  ephemeral: true,
});
const db = useDatabase(createDb(embedded.url, 8));
await migrateToLatest(db);

const clients: Socket[] = [];
let web: Awaited<ReturnType<typeof spawnWeb>> | undefined;
try {
  // D customers with one generating document each; every socket has its own session of its document's owner.
  const users = await db
    .insertInto("users")
    .values(Array.from({ length: documentCount }, (_, i) => ({ email: `bench-${i}@example.com` })))
    .returning("id")
    .execute();
  const documents = await db
    .insertInto("documents")
    .values(
      users.map((u, i) => ({
        user_id: u.id,
        topic: `Benchmark document ${i}`,
        pages: 10,
        language: "en",
        price_cents: 5000,
        status: "generating",
        progress_stage: "writing",
        total_sections: 6,
      })),
    )
    .returning(["id", "user_id"])
    .execute();
  const sessions = await db
    .insertInto("sessions")
    .values(
      Array.from({ length: socketCount }, (_, i) => ({
        user_id: documents[i % documentCount].user_id,
        expires_at: sql`now() + interval '1 day'`,
      })),
    )
    .returning("id")
    .execute();
  const storage = getSessionStorage();
  const cookies = await Promise.all(
    sessions.map(async ({ id }) => {
      const session = await storage.getSession();
      session.set("sessionId", id);
      return (await storage.commitSession(session)).split(";")[0];
    }),
  );

  web = await spawnWeb({ DATABASE_URL: embedded.url, SESSION_SECRET: process.env.SESSION_SECRET!, LOG_LEVEL: "error" });
  await new Promise((r) => setTimeout(r, 1000));
  const rssBefore = await rssKb(web.process.pid!);

  // Connect and join in batches, as a crowd of browsers would arrive.
  const latencies: number[] = [];
  let received = 0;
  let joined = 0;
  const connectStarted = performance.now();
  for (let i = 0; i < socketCount; i += 100) {
    await Promise.all(
      cookies.slice(i, i + 100).map(async (cookie, k) => {
        const socket = io(web!.url.replace("localhost", "127.0.0.1"), {
          transports: ["websocket"],
          extraHeaders: { cookie },
          reconnection: false,
        });
        clients.push(socket);
        socket.on("progress", (event: DocumentEventPayload<"progress">) => {
          received++;
          if (event.at) latencies.push(Date.now() - event.at);
        });
        const ok = await new Promise<boolean>((resolve) => {
          socket.once("connect", () => resolve(true));
          socket.once("connect_error", () => resolve(false));
        });
        if (!ok) return;
        const reply = await socket
          .timeout(30_000)
          .emitWithAck("join", documents[(i + k) % documentCount].id)
          .catch(() => ({ ok: false }));
        if (reply.ok) joined++;
      }),
    );
  }
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  const connected = clients.filter((s) => s.connected).length;
  await new Promise((r) => setTimeout(r, 2000));
  const rssAfter = await rssKb(web.process.pid!);

  // The worker side: progress rows + NOTIFY in one transaction, at a steady rate, round robin over the documents.
  const total = Math.round(ratePerSecond * seconds);
  const intervalMs = 1000 / ratePerSecond;
  const writes: Promise<void>[] = [];
  const started = performance.now();
  let writeErrors = 0;
  for (let n = 0; n < total; n++) {
    const due = started + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const document = documents[n % documentCount];
    const percent = 5 + (Math.floor(n / documentCount) % 90);
    writes.push(
      db
        .transaction()
        .execute(async (trx) => {
          const at = Date.now();
          await trx
            .updateTable("documents")
            .set({ progress_percent: percent, updated_at: sql`now()` })
            .where("id", "=", document.id)
            .execute();
          await notifyDocumentEvent(trx, document.id, {
            type: "progress",
            percent,
            stage: "writing",
            currentSection: 1,
            totalSections: 6,
            etaSeconds: 60,
            status: "generating",
            at,
          });
        })
        .catch(() => void writeErrors++),
    );
  }
  await Promise.all(writes);
  const sendSeconds = (performance.now() - started) / 1000;
  const expected = Array.from({ length: total }, (_, n) => n % documentCount).reduce(
    (sum, d) => sum + Math.floor(joined / documentCount) + (d < joined % documentCount ? 1 : 0),
    0,
  );
  // Stragglers.
  const deadline = Date.now() + 10_000;
  while (received < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : NaN;
  const result = {
    sockets: socketCount,
    connected,
    events: received,
    p50Ms: pct(50),
    p95Ms: pct(95),
    p99Ms: pct(99),
    kbPerSocket: Math.round(((rssAfter - rssBefore) / Math.max(1, connected)) * 10) / 10,
  };
  console.log(
    `${connected} of ${socketCount} sockets connected, ${joined} joined ${documentCount} documents' rooms in ${connectSeconds.toFixed(1)} s`,
  );
  console.log(
    `${total} progress writes in ${sendSeconds.toFixed(1)} s (${ratePerSecond}/s${writeErrors ? `, ${writeErrors} failed` : ""}); ${received} of ${expected} deliveries received`,
  );
  console.log(
    `delivery latency, database write → client: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms, max ${latencies.at(-1)} ms`,
  );
  console.log(
    `web process RSS ${Math.round(rssBefore / 1024)} MB → ${Math.round(rssAfter / 1024)} MB: ${result.kbPerSocket} kB per socket`,
  );
  console.log(JSON.stringify(result));
} finally {
  for (const socket of clients) socket.close();
  if (web) await stopProcess(web.process);
  await db.destroy();
  await embedded.stop();
}
