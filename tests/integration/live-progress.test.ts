import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import pg from "pg";
import type { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { notifySessionsRevoked, revokeAllSessions, revokeSession } from "../../app/models/sessions.server";
import * as progressApi from "../../app/routes/api.documents.$id.progress";
import { useDatabase } from "../../app/utils/db.server";
import { RELAY_APPLICATION_NAME, startDocumentEventRelay } from "../../app/utils/document-event-relay.server";
import { logger } from "../../app/utils/logger.server";
import { getSessionStorage, startSession } from "../../app/utils/session-cookie.server";
import { attachSocketServer } from "../../app/utils/socket.server";
import { notifyDocumentEvent } from "../../app/utils/document-events.server";
import { startHeartbeats } from "../../worker/heartbeat";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { eventually, insertUser } from "../setup/fixtures";

// Two "web processes" in this one: each its own HTTP server, socket.io with the Postgres adapter, and event relay.
type Web = { url: string; io: Server; close: () => Promise<void> };

let database: TestDatabase;
const webs: Web[] = [];
const sockets: Socket[] = [];
let webA: Web;
let webB: Web;

async function startWeb(options: { sessionSweepMs?: number } = {}): Promise<Web> {
  const http: HttpServer = createServer();
  const adapterPool = new pg.Pool({ connectionString: database.url, max: 3 });
  const io = attachSocketServer(http, { adapterPool, testHooks: true });
  const relay = startDocumentEventRelay(database.url, io, { sessionSweepMs: options.sessionSweepMs });
  await relay.ready;
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const web: Web = {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    io,
    close: async () => {
      await relay.stop();
      await new Promise((r) => io.close(() => r(undefined)));
      await adapterPool.end();
    },
  };
  webs.push(web);
  return web;
}

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  [webA, webB] = await Promise.all([startWeb(), startWeb()]);
});

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const web of webs) await web.close();
  await database?.destroy();
});

async function signIn(userId: string) {
  const cookie = (await startSession(userId, { ip: null, userAgent: "vitest" })).split(";")[0];
  const sessionId = (await getSessionStorage().getSession(cookie)).get("sessionId") as string;
  return { cookie, sessionId };
}

async function socketOn(web: Web, cookie: string, options: { reconnection?: boolean } = {}): Promise<Socket> {
  const socket = connect(web.url, {
    transports: ["websocket"],
    extraHeaders: { cookie },
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 200,
  });
  sockets.push(socket);
  await nextEvent(socket, "connect");
  return socket;
}

function nextEvent<T = unknown>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

function record(socket: Socket, event: string): unknown[] {
  const seen: unknown[] = [];
  socket.on(event, (payload) => seen.push(payload));
  return seen;
}

async function ownerWithDocument() {
  const owner = await insertUser(database.db);
  const document = await createDocument(database.db, owner.id, {
    topic: "Live progress test topic",
    pages: 5,
    language: "en",
  });
  return { owner, document };
}

const progress = (percent: number) =>
  ({
    type: "progress",
    percent,
    stage: "writing",
    currentSection: 1,
    totalSections: 4,
    etaSeconds: 30,
    status: "generating",
  }) as const;

describe("live progress across web processes", () => {
  it("delivers every worker event exactly once to browsers on either web process, in order", async () => {
    const { owner, document } = await ownerWithDocument();
    const onA = await socketOn(webA, (await signIn(owner.id)).cookie);
    const onB = await socketOn(webB, (await signIn(owner.id)).cookie);
    expect(await onA.emitWithAck("join", document.id)).toEqual({ ok: true });
    expect(await onB.emitWithAck("join", document.id)).toEqual({ ok: true });
    const seenA = record(onA, "progress");
    const seenB = record(onB, "progress");

    for (let percent = 1; percent <= 20; percent++) {
      await database.db.transaction().execute(async (trx) => {
        await trx.updateTable("documents").set({ progress_percent: percent }).where("id", "=", document.id).execute();
        await notifyDocumentEvent(trx, document.id, progress(percent));
      });
    }
    await eventually("20 events on both", async () => seenA.length >= 20 && seenB.length >= 20, 5000);
    await new Promise((r) => setTimeout(r, 200)); // and no duplicates trailing behind
    const expected = Array.from({ length: 20 }, (_, i) => ({
      documentId: document.id,
      ...progress(i + 1),
      type: undefined,
    }));
    const strip = (events: unknown[]) => events.map((e) => ({ ...(e as object), type: undefined }));
    expect(strip(seenA)).toEqual(expected);
    expect(strip(seenB)).toEqual(expected);
  });

  it("carries web-to-web broadcasts through the Postgres adapter", async () => {
    const { owner, document } = await ownerWithDocument();
    const onB = await socketOn(webB, (await signIn(owner.id)).cookie);
    await onB.emitWithAck("join", document.id);
    const heard = record(onB, "resync");
    // The adapter's LISTEN connection comes up in the background: send until one arrives.
    await eventually(
      "a broadcast from web A on web B",
      async () => {
        webA.io.to(`document:${document.id}`).emit("resync", { documentId: document.id });
        await new Promise((r) => setTimeout(r, 100));
        return heard.length > 0;
      },
      10_000,
    );
    expect(heard[0]).toEqual({ documentId: document.id });
  });

  it("sends section scores (null means N/A) and the snapshot API has them", async () => {
    const { owner, document } = await ownerWithDocument();
    await database.db
      .insertInto("sections")
      .values([
        {
          document_id: document.id,
          index: 0,
          heading: "Introduction",
          brief: "b",
          target_words: 300,
          status: "passed",
          word_count: 310,
          score_uniqueness: 96.5,
          score_grammar: 1.2,
          score_ai: null,
        },
        { document_id: document.id, index: 1, heading: "Body", brief: "b", target_words: 600, status: "writing" },
      ])
      .execute();
    const { cookie } = await signIn(owner.id);
    const socket = await socketOn(webA, cookie);
    await socket.emitWithAck("join", document.id);
    const section = nextEvent(socket, "section");
    await notifyDocumentEvent(database.db, document.id, {
      type: "section",
      index: 1,
      status: "passed",
      wordCount: 590,
      scores: { uniqueness: 91, grammar: null, ai: 12.5 },
    });
    expect(await section).toEqual({
      documentId: document.id,
      index: 1,
      status: "passed",
      wordCount: 590,
      scores: { uniqueness: 91, grammar: null, ai: 12.5 },
    });

    const read = async (cookieHeader: string | undefined) => {
      const request = new Request(`http://localhost/api/documents/${document.id}/progress`, {
        headers: cookieHeader ? { cookie: cookieHeader } : {},
      });
      return (await progressApi.loader({ request, params: { id: document.id }, context: {} })) as Response;
    };
    const response = await read(cookie);
    expect(response.status).toBe(200);
    const snapshot = await response.json();
    expect(snapshot.sections[0]).toMatchObject({
      index: 0,
      status: "passed",
      scores: { uniqueness: 96.5, grammar: 1.2, ai: null },
    });
    expect(snapshot.sections[1]).toMatchObject({
      index: 1,
      status: "writing",
      scores: { uniqueness: null, grammar: null, ai: null },
    });
    expect((await read(undefined)).status).toBe(404);
    const stranger = await insertUser(database.db);
    expect((await read((await signIn(stranger.id)).cookie)).status).toBe(404);
    const admin = await insertUser(database.db);
    await database.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
    expect((await read((await signIn(admin.id)).cookie)).status).toBe(200);
  });

  it("lets an admin join any document's room, a customer only their own", async () => {
    const { document } = await ownerWithDocument();
    const admin = await insertUser(database.db);
    await database.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
    const customer = await insertUser(database.db);
    const adminSocket = await socketOn(webA, (await signIn(admin.id)).cookie);
    const customerSocket = await socketOn(webA, (await signIn(customer.id)).cookie);
    expect(await adminSocket.emitWithAck("join", document.id)).toEqual({ ok: true });
    const refusal = nextEvent(customerSocket, "error");
    expect(await customerSocket.emitWithAck("join", document.id)).toEqual({ ok: false, error: "Document not found." });
    expect(await refusal).toEqual({ message: "Document not found." });
  });

  it("sends a heartbeat every interval for generating documents only", async () => {
    const { owner, document } = await ownerWithDocument();
    const finished = await createDocument(database.db, owner.id, {
      topic: "A finished document",
      pages: 5,
      language: "en",
    });
    await database.db
      .updateTable("documents")
      .set({ status: "generating", progress_percent: 40 })
      .where("id", "=", document.id)
      .execute();
    await database.db
      .updateTable("documents")
      .set({ status: "completed", progress_percent: 100 })
      .where("id", "=", finished.id)
      .execute();
    const socket = await socketOn(webB, (await signIn(owner.id)).cookie);
    await socket.emitWithAck("join", document.id);
    await socket.emitWithAck("join", finished.id);
    const beats = record(socket, "heartbeat") as { documentId: string; status: string; percent: number; at: number }[];
    const heartbeats = startHeartbeats(database.db, logger, 100);
    try {
      await eventually("two heartbeats", async () => beats.length >= 2, 5000);
    } finally {
      await heartbeats.stop();
    }
    expect(beats.every((b) => b.documentId === document.id)).toBe(true);
    expect(beats[0]).toEqual({ documentId: document.id, status: "generating", percent: 40, at: expect.any(Number) });
    expect(Date.now() - beats[0].at).toBeLessThan(10_000);
    await new Promise((r) => setTimeout(r, 200)); // a beat sent just before stop() may still be on its way
    const after = beats.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(beats.length).toBe(after); // stopped
  });

  it("reconnects a lost LISTEN connection, tells browsers to re-read, and relays again", async () => {
    const { owner, document } = await ownerWithDocument();
    const socket = await socketOn(webA, (await signIn(owner.id)).cookie);
    await socket.emitWithAck("join", document.id);
    const resync = nextEvent(socket, "resync", 10_000);
    // Every relay on this database loses its connection, as in a database failover.
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${RELAY_APPLICATION_NAME} and datname = current_database()`.execute(
      database.db,
    );
    expect(await resync).toEqual({});
    const heard = record(socket, "progress");
    await eventually(
      "an event after the reconnect",
      async () => {
        await notifyDocumentEvent(database.db, document.id, progress(50));
        await new Promise((r) => setTimeout(r, 100));
        return heard.length > 0;
      },
      10_000,
    );
  });
});

describe("sessions that end", () => {
  it("disconnects the sockets of a revoked session on whichever web process holds them, and only those", async () => {
    const { owner, document } = await ownerWithDocument();
    const laptop = await signIn(owner.id);
    const phone = await signIn(owner.id);
    const laptopSocket = await socketOn(webB, laptop.cookie);
    const phoneSocket = await socketOn(webA, phone.cookie);
    await laptopSocket.emitWithAck("join", document.id);
    await phoneSocket.emitWithAck("join", document.id);

    // Sign out (this browser): the revoking transaction NOTIFYs.
    const laptopGone = nextEvent<string>(laptopSocket, "disconnect");
    await database.db.transaction().execute(async (trx) => {
      await revokeSession(trx, laptop.sessionId);
      await notifySessionsRevoked(trx, { sessionIds: [laptop.sessionId] });
    });
    expect(await laptopGone).toBe("io server disconnect");
    await new Promise((r) => setTimeout(r, 200));
    expect(phoneSocket.connected).toBe(true);

    // The revoked cookie cannot connect again.
    const again = connect(webB.url, {
      transports: ["websocket"],
      extraHeaders: { cookie: laptop.cookie },
      reconnection: false,
    });
    sockets.push(again);
    expect((await nextEvent<Error>(again, "connect_error")).message).toBe("Sign in to follow this document.");

    // Sign out everywhere (or account deletion): by user id.
    const phoneGone = nextEvent<string>(phoneSocket, "disconnect");
    await database.db.transaction().execute(async (trx) => {
      await revokeAllSessions(trx, owner.id);
      await notifySessionsRevoked(trx, { userId: owner.id });
    });
    expect(await phoneGone).toBe("io server disconnect");
  });

  it("sends nothing when the revoking transaction rolls back", async () => {
    const { owner } = await ownerWithDocument();
    const session = await signIn(owner.id);
    const socket = await socketOn(webA, session.cookie);
    await database.db
      .transaction()
      .execute(async (trx) => {
        await revokeSession(trx, session.sessionId);
        await notifySessionsRevoked(trx, { sessionIds: [session.sessionId] });
        throw new Error("rollback");
      })
      .catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    expect(socket.connected).toBe(true);
  });

  it("refuses to join with a session revoked after the handshake, and disconnects", async () => {
    const { owner, document } = await ownerWithDocument();
    const session = await signIn(owner.id);
    const socket = await socketOn(webA, session.cookie);
    // Revoked without the NOTIFY (as by hand in the database): the join itself re-checks.
    await database.db
      .updateTable("sessions")
      .set({ revoked_at: new Date() })
      .where("id", "=", session.sessionId)
      .execute();
    const gone = nextEvent<string>(socket, "disconnect");
    expect(await socket.emitWithAck("join", document.id)).toEqual({
      ok: false,
      error: "Your session has ended. Sign in again.",
    });
    expect(await gone).toBe("io server disconnect");
  });

  it("catches a revocation whose NOTIFY was never sent with the periodic re-check", async () => {
    const web = await startWeb({ sessionSweepMs: 200 });
    const { owner } = await ownerWithDocument();
    const session = await signIn(owner.id);
    const socket = await socketOn(web, session.cookie);
    const gone = nextEvent<string>(socket, "disconnect", 5000);
    await database.db
      .updateTable("sessions")
      .set({ revoked_at: new Date() })
      .where("id", "=", session.sessionId)
      .execute();
    expect(await gone).toBe("io server disconnect");
  });
});

describe("the test-only drop", () => {
  it("cuts the other sockets watching a document, refuses them for a while, then lets them back", async () => {
    const { owner, document } = await ownerWithDocument();
    const page = await signIn(owner.id);
    const watcher = await socketOn(webA, page.cookie, { reconnection: true });
    await watcher.emitWithAck("join", document.id);
    const driver = await socketOn(webA, (await signIn(owner.id)).cookie);

    const dropped = nextEvent<string>(watcher, "disconnect");
    const refusedOnce = new Promise<void>((resolve) => watcher.io.once("reconnect_error", () => resolve()));
    const startedAt = Date.now();
    expect(await driver.emitWithAck("test:drop", { documentId: document.id, refuseForMs: 1000 })).toEqual({
      dropped: 1,
    });
    expect(await dropped).toBe("transport close");
    await refusedOnce;
    await nextEvent(watcher, "connect", 5000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
  });
});
