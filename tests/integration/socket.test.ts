import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { useDatabase } from "../../app/utils/db.server";
import { startDocumentEventRelay } from "../../app/utils/document-event-relay.server";
import { startSession } from "../../app/utils/session-cookie.server";
import { attachSocketServer } from "../../app/utils/socket.server";
import { notifyDocumentEvent } from "../../app/utils/document-events.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";

let database: TestDatabase;
let http: HttpServer;
let io: Server;
let relay: ReturnType<typeof startDocumentEventRelay>;
let url: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  http = createServer();
  io = attachSocketServer(http);
  relay = startDocumentEventRelay(database.url, io);
  await relay.ready;
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await relay?.stop();
  await new Promise((r) => io.close(() => r(undefined)));
  await database?.destroy();
});

async function signedInSocket(userId?: string): Promise<Socket> {
  const cookie = userId ? (await startSession(userId, { ip: null, userAgent: "vitest" })).split(";")[0] : undefined;
  const socket = connect(url, {
    transports: ["websocket"],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
  });
  sockets.push(socket);
  return socket;
}

function nextEvent<T>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

describe("document rooms over socket.io", () => {
  it("refuses a connection without a session", async () => {
    const socket = await signedInSocket();
    const error = await nextEvent<Error>(socket, "connect_error");
    expect(error.message).toBe("Sign in to follow this document.");
  });

  it("lets the owner join and relays the worker's NOTIFY to that room only", async () => {
    const owner = await insertUser(database.db);
    const stranger = await insertUser(database.db);
    const document = await createDocument(database.db, owner.id, {
      topic: "Socket test topic",
      pages: 5,
      language: "en",
    });

    const mine = await signedInSocket(owner.id);
    const theirs = await signedInSocket(stranger.id);
    await Promise.all([nextEvent(mine, "connect"), nextEvent(theirs, "connect")]);

    expect(await mine.emitWithAck("join", document.id)).toEqual({ ok: true });
    const refusal = nextEvent<{ message: string }>(theirs, "error");
    expect(await theirs.emitWithAck("join", document.id)).toEqual({ ok: false, error: "Document not found." });
    expect(await refusal).toEqual({ message: "Document not found." });
    expect(await theirs.emitWithAck("join", "not-a-uuid")).toEqual({ ok: false, error: "Document not found." });

    let strangerHeard = 0;
    theirs.on("progress", () => strangerHeard++);
    const heard = nextEvent<Record<string, unknown>>(mine, "progress");
    await database.db.transaction().execute((trx) =>
      notifyDocumentEvent(trx, document.id, {
        type: "progress",
        percent: 42,
        stage: "writing",
        currentSection: 1,
        totalSections: 4,
        etaSeconds: 30,
        status: "generating",
      }),
    );
    expect(await heard).toEqual({
      documentId: document.id,
      percent: 42,
      stage: "writing",
      currentSection: 1,
      totalSections: 4,
      etaSeconds: 30,
      status: "generating",
    });

    // An event too large for NOTIFY arrives as "re-read the snapshot".
    const resync = nextEvent<Record<string, unknown>>(mine, "resync");
    await notifyDocumentEvent(database.db, document.id, { type: "failed", reason: "x".repeat(9000) });
    expect(await resync).toEqual({ documentId: document.id });
    expect(strangerHeard).toBe(0);
  });

  it("sends nothing for a rolled-back transaction", async () => {
    const owner = await insertUser(database.db);
    const document = await createDocument(database.db, owner.id, {
      topic: "Rolled back topic",
      pages: 5,
      language: "en",
    });
    const socket = await signedInSocket(owner.id);
    await nextEvent(socket, "connect");
    await socket.emitWithAck("join", document.id);
    let heard = 0;
    socket.on("progress", () => heard++);
    await database.db
      .transaction()
      .execute(async (trx) => {
        await notifyDocumentEvent(trx, document.id, {
          type: "progress",
          percent: 10,
          stage: "writing",
          currentSection: 0,
          totalSections: 4,
          etaSeconds: null,
          status: "generating",
        });
        throw new Error("rollback");
      })
      .catch(() => {});
    const later = nextEvent(socket, "completed");
    await notifyDocumentEvent(database.db, document.id, { type: "completed", status: "completed" });
    await later;
    expect(heard).toBe(0);
  });
});
