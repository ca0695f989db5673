import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/postgres-adapter";
import { sql } from "kysely";
import type pg from "pg";
import { Server, type Socket } from "socket.io";
import { getSessionUser, type RevokedSessions } from "../models/sessions.server";
import { isUuid } from "../models/documents.server";
import { getDb, type DbOrTrx } from "./db.server";
import { documentRoom, type DocumentEventPayload } from "./document-events";
import { logger } from "./logger.server";
import { getSessionStorage, getUserFromCookie, type SignedInUser } from "./session-cookie.server";

export type JoinReply = { ok: boolean; error?: string };

interface ClientToServerEvents {
  join(documentId: unknown, ack?: (reply: JoinReply) => void): void;
  /** NODE_ENV=test only: cut the other sockets watching a document and refuse their sessions for a while. */
  "test:drop"(
    request: { documentId?: unknown; refuseForMs?: unknown },
    ack?: (reply: { dropped: number }) => void,
  ): void;
  /** NODE_ENV=test only: stop refusing the caller's own session (a test decides when the connection comes back). */
  "test:allow"(request: unknown, ack?: (reply: { allowed: boolean }) => void): void;
}

interface ServerToClientEvents {
  progress(payload: DocumentEventPayload<"progress">): void;
  section(payload: DocumentEventPayload<"section">): void;
  heartbeat(payload: DocumentEventPayload<"heartbeat">): void;
  completed(payload: DocumentEventPayload<"completed">): void;
  failed(payload: DocumentEventPayload<"failed">): void;
  regeneration(payload: DocumentEventPayload<"regeneration">): void;
  resync(payload: { documentId?: string }): void;
  error(payload: { message: string }): void;
}

type SocketData = { user: SignedInUser };
type AppServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export type SocketServerOptions = {
  /** A pool for `@socket.io/postgres-adapter` (web-to-web broadcasts, table socket_io_attachments); at least 2 connections. */
  adapterPool?: pg.Pool;
  /** Enables the `test:drop` event (end-to-end tests cut a page's socket with it). Never in production. */
  testHooks?: boolean;
};

const NOT_FOUND = "Document not found.";
const SESSION_ENDED = "Your session has ended. Sign in again.";

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const userRoom = (userId: string) => `user:${userId}`;

/**
 * socket.io on the web server's HTTP server. The handshake is authenticated from the session cookie; every socket sits
 * in the rooms of its session and user (so a revocation can find it) and joins `document:<id>` rooms only for its own
 * documents (admins: any). Events reach the rooms through the document event relay, never from browsers.
 */
export function attachSocketServer(httpServer: HttpServer, options: SocketServerOptions = {}): Server {
  // Sessions a test cut off, refused at the engine's handshake (so the client keeps retrying) until the time given.
  const refusedSessions = new Map<string, number>();
  const io: AppServer = new Server(httpServer, {
    serveClient: false,
    pingInterval: 20_000,
    ...(options.adapterPool
      ? {
          adapter: createAdapter(options.adapterPool, {
            tableName: "socket_io_attachments",
            errorHandler: (error) => logger.warn({ err: error }, "socket.io postgres adapter error"),
          }),
        }
      : {}),
    ...(options.testHooks
      ? {
          allowRequest: (req, callback) => {
            if (!refusedSessions.size) return callback(null, true);
            sessionIdOfCookie(req.headers.cookie).then(
              (sessionId) => {
                const until = sessionId ? refusedSessions.get(sessionId) : undefined;
                if (until && until > Date.now()) return callback("Cut off by a test", false);
                callback(null, true);
              },
              () => callback(null, true),
            );
          },
        }
      : {}),
  });

  io.use(async (socket, next) => {
    try {
      const user = await getUserFromCookie(socket.handshake.headers.cookie);
      if (!user) return next(new Error("Sign in to follow this document."));
      socket.data.user = user;
      next();
    } catch (error) {
      logger.error({ err: error }, "socket handshake failed");
      next(new Error("The server could not check your session. Try again."));
    }
  });

  io.on("connection", (socket) => {
    const { user } = socket.data;
    void socket.join([sessionRoom(user.sessionId), userRoom(user.id)]);

    socket.on("join", async (documentId, ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      try {
        // Re-read after the session room was joined: a revocation in between is seen here or reaches the room.
        const current = await getSessionUser(getDb(), user.sessionId);
        if (!current) {
          reply({ ok: false, error: SESSION_ENDED });
          socket.disconnect(true);
          return;
        }
        if (!(await mayWatch(current, documentId))) {
          // Another user's document is reported exactly like a missing one.
          socket.emit("error", { message: NOT_FOUND });
          return reply({ ok: false, error: NOT_FOUND });
        }
        await socket.join(documentRoom(documentId as string));
        reply({ ok: true });
      } catch (error) {
        logger.error({ err: error }, "socket join failed");
        reply({ ok: false, error: "The server could not check this document. Try again." });
      }
    });

    if (options.testHooks) {
      socket.on("test:drop", async ({ documentId, refuseForMs }, ack) => {
        if (!(await mayWatch(user, documentId))) return ack?.({ dropped: 0 });
        const until = Date.now() + Math.min(Number(refuseForMs) || 0, 60_000);
        const victims = localSocketsIn(io, documentRoom(documentId as string)).filter((s) => s.id !== socket.id);
        for (const victim of victims) refusedSessions.set(victim.data.user.sessionId, until);
        // Closing the transport (not a server-side disconnect) is what a dropped connection looks like to the client.
        for (const victim of victims) victim.conn.close();
        ack?.({ dropped: victims.length });
      });
      socket.on("test:allow", (_request, ack) => {
        ack?.({ allowed: refusedSessions.delete(user.sessionId) });
      });
    }
  });
  return io as unknown as Server;
}

async function mayWatch(user: SignedInUser, documentId: unknown): Promise<boolean> {
  if (typeof documentId !== "string" || !isUuid(documentId)) return false;
  let query = getDb().selectFrom("documents").select("id").where("id", "=", documentId);
  if (user.role !== "admin") query = query.where("user_id", "=", user.id);
  return Boolean(await query.executeTakeFirst());
}

function localSocketsIn(io: AppServer, room: string): AppSocket[] {
  const ids = io.of("/").adapter.rooms.get(room) ?? new Set<string>();
  return [...ids].map((id) => io.of("/").sockets.get(id)).filter((s): s is AppSocket => Boolean(s));
}

async function sessionIdOfCookie(cookie: string | undefined): Promise<string | undefined> {
  if (!cookie) return undefined;
  const sessionId = (await getSessionStorage().getSession(cookie)).get("sessionId");
  return typeof sessionId === "string" ? sessionId : undefined;
}

/** Disconnects this process' sockets of the revoked sessions (the relay calls it for each session NOTIFY). */
export function disconnectRevokedSockets(io: Server, revoked: RevokedSessions): void {
  const rooms = [
    ...(Array.isArray(revoked.sessionIds)
      ? revoked.sessionIds.filter((id) => typeof id === "string").map(sessionRoom)
      : []),
    ...(typeof revoked.userId === "string" ? [userRoom(revoked.userId)] : []),
  ];
  // Every web process receives the NOTIFY, so each one disconnects only its own sockets.
  if (rooms.length) io.local.in(rooms).disconnectSockets(true);
}

/**
 * The safety net behind the NOTIFY: disconnects this process' sockets whose session is no longer live (revoked
 * while this process was not listening, expired, user deleted). Returns how many sockets it disconnected.
 */
export async function disconnectEndedSessions(io: Server, db: DbOrTrx = getDb()): Promise<number> {
  const bySession = new Map<string, Socket[]>();
  for (const socket of io.of("/").sockets.values()) {
    const sessionId = (socket.data as Partial<SocketData>).user?.sessionId;
    if (!sessionId) continue;
    bySession.set(sessionId, [...(bySession.get(sessionId) ?? []), socket]);
  }
  if (!bySession.size) return 0;
  const ids = [...bySession.keys()];
  const live = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select("sessions.id")
      .where("sessions.id", "in", ids.slice(i, i + 1000))
      .where("sessions.revoked_at", "is", null)
      .where("sessions.expires_at", ">", sql<Date>`now()`)
      .where("users.deleted_at", "is", null)
      .execute();
    for (const row of rows) live.add(row.id);
  }
  let disconnected = 0;
  for (const [sessionId, sockets] of bySession) {
    if (live.has(sessionId)) continue;
    for (const socket of sockets) socket.disconnect(true);
    disconnected += sockets.length;
  }
  return disconnected;
}
