import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import { getDocumentForOwner } from "../models/documents.server";
import { getDb } from "./db.server";
import { documentRoom } from "./document-events";
import { logger } from "./logger.server";
import { getUserFromCookie, type SignedInUser } from "./session.server";

type SocketData = { user: SignedInUser };

/** socket.io on the web server's HTTP server; the handshake is authenticated from the session cookie. */
export function attachSocketServer(httpServer: HttpServer): Server {
  const io = new Server<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    pingInterval: 20_000,
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
    socket.on("join", async (documentId: unknown, ack?: (reply: { ok: boolean; error?: string }) => void) => {
      const reply = typeof ack === "function" ? ack : () => {};
      const user = socket.data.user;
      const document =
        typeof documentId === "string"
          ? user.role === "admin"
            ? await getDb().selectFrom("documents").select("id").where("id", "=", documentId).executeTakeFirst().catch(() => undefined)
            : await getDocumentForOwner(getDb(), documentId, user.id)
          : undefined;
      if (!document) {
        // Another user's document is reported exactly like a missing one.
        (socket as unknown as { emit: (e: string, p: unknown) => void }).emit("error", { message: "Document not found." });
        return reply({ ok: false, error: "Document not found." });
      }
      await socket.join(documentRoom(document.id));
      reply({ ok: true });
    });
  });
  return io as unknown as Server;
}
