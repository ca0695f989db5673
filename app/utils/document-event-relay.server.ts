import pg from "pg";
import type { Server } from "socket.io";
import { DOCUMENT_EVENTS_CHANNEL, documentRoom, type DocumentEvent } from "./document-events";
import { logger } from "./logger.server";

/**
 * One dedicated connection LISTENs for the workers' document events and emits them to this process' sockets.
 * On reconnect after a gap, every watching browser is told to re-read its snapshot (events may have been missed).
 */
export function startDocumentEventRelay(connectionString: string, io: Server) {
  let client: pg.Client | null = null;
  let stopped = false;
  let delayMs = 500;
  let hadConnection = false;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (stopped) return;
    const next = new pg.Client({ connectionString });
    next.on("notification", (message) => {
      if (!message.payload) return;
      try {
        const { documentId, event } = JSON.parse(message.payload) as { documentId: string; event: DocumentEvent };
        const { type, ...data } = event;
        io.to(documentRoom(documentId)).emit(type, { documentId, ...data });
      } catch (error) {
        logger.warn({ err: error }, "unreadable document event");
      }
    });
    next.on("error", (error) => logger.warn({ err: error }, "document event listener lost its connection"));
    next.on("end", () => {
      client = null;
      if (!stopped) schedule();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${DOCUMENT_EVENTS_CHANNEL}`);
      client = next;
      delayMs = 500;
      if (hadConnection) io.emit("resync", {});
      hadConnection = true;
    } catch (error) {
      logger.warn({ err: error, retryInMs: delayMs }, "document event listener could not connect");
      await next.end().catch(() => {});
      schedule();
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(connect, delayMs);
    delayMs = Math.min(delayMs * 2, 30_000);
  };

  const ready = connect();
  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
