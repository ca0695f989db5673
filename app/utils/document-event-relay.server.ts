import pg from "pg";
import type { Server } from "socket.io";
import { getProgressSnapshot } from "../models/documents.server";
import { SESSION_EVENTS_CHANNEL, type RevokedSessions } from "../models/sessions.server";
import type { DbOrTrx } from "./db.server";
import { DOCUMENT_EVENTS_CHANNEL, documentRoom, type DocumentEvent, type ProgressSnapshot } from "./document-events";
import { logger } from "./logger.server";
import { disconnectEndedSessions, disconnectRevokedSockets } from "./socket.server";

/** The relay's connection in pg_stat_activity (tests terminate it to simulate a lost connection). */
export const RELAY_APPLICATION_NAME = "tesigo-event-relay";

export type RelayOptions = {
  /** How often this process re-checks the sessions of its sockets (the safety net behind the session NOTIFY). */
  sessionSweepMs?: number;
  /** How often the LISTEN connection is probed; a probe unanswered for 10 s counts as a lost connection. */
  probeMs?: number;
};

/**
 * One dedicated connection LISTENs for the workers' document events and the revoked sessions, and applies them to
 * this process' own sockets (`io.local`: every web process gets every NOTIFY, so nothing goes through the adapter).
 * It reconnects with backoff; after a gap every watching browser is told to re-read its snapshot and the sessions
 * of all sockets are checked again, since events may have been missed.
 */
export function startDocumentEventRelay(connectionString: string, io: Server, options: RelayOptions = {}) {
  let client: pg.Client | null = null;
  let stopped = false;
  let delayMs = 500;
  let hadConnection = false;
  let timer: NodeJS.Timeout | undefined;

  const sweep = () =>
    disconnectEndedSessions(io).then(
      (count) => count && logger.info({ sockets: count }, "disconnected sockets of ended sessions"),
      (error) => logger.warn({ err: error }, "could not re-check the sessions of sockets"),
    );

  const onNotification = (message: pg.Notification) => {
    if (!message.payload) return;
    try {
      if (message.channel === SESSION_EVENTS_CHANNEL) {
        return disconnectRevokedSockets(io, JSON.parse(message.payload) as RevokedSessions);
      }
      const { documentId, event } = JSON.parse(message.payload) as { documentId: string; event: DocumentEvent };
      const { type, ...data } = event;
      io.local.to(documentRoom(documentId)).emit(type, { documentId, ...data });
    } catch (error) {
      logger.warn({ err: error, channel: message.channel }, "unreadable NOTIFY payload");
    }
  };

  const connect = async () => {
    if (stopped) return;
    const next = new pg.Client({ connectionString, keepAlive: true, application_name: RELAY_APPLICATION_NAME });
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (client === next) client = null;
      next.end().catch(() => {});
      if (!stopped) schedule();
    };
    next.on("notification", onNotification);
    next.on("error", (error) => {
      logger.warn({ err: error }, "document event listener lost its connection");
      onLost();
    });
    next.on("end", onLost);
    try {
      await next.connect();
      await next.query(`LISTEN ${DOCUMENT_EVENTS_CHANNEL}`);
      await next.query(`LISTEN ${SESSION_EVENTS_CHANNEL}`);
    } catch (error) {
      logger.warn({ err: error, retryInMs: delayMs }, "document event listener could not connect");
      return onLost();
    }
    if (lost) return;
    if (stopped) return void next.end().catch(() => {});
    client = next;
    delayMs = 500;
    if (hadConnection) {
      logger.info("document event listener reconnected; browsers re-read their snapshots");
      io.local.emit("resync", {});
      void sweep();
    }
    hadConnection = true;
  };
  const schedule = () => {
    clearTimeout(timer);
    // Jitter, so the web processes do not all knock at once after a database restart.
    timer = setTimeout(connect, delayMs * (0.75 + Math.random() / 2));
    delayMs = Math.min(delayMs * 2, 30_000);
  };

  // A connection can die without a word (a NAT or a failover); an unanswered probe ends it and starts a new one.
  const probe = setInterval(() => {
    const probed = client;
    if (!probed) return;
    const deadline = setTimeout(() => probed.end().catch(() => {}), 10_000);
    probed.query("select 1").then(
      () => clearTimeout(deadline),
      () => clearTimeout(deadline),
    );
  }, options.probeMs ?? 30_000);
  probe.unref();
  const sweeper = setInterval(() => void sweep(), options.sessionSweepMs ?? 60_000);
  sweeper.unref();

  const ready = connect();
  return {
    ready,
    /** Whether the LISTEN connection is up (health checks). */
    isListening: () => client !== null,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(probe);
      clearInterval(sweeper);
      await client?.end().catch(() => {});
    },
  };
}

/**
 * The snapshot a browser reads on every (re)connect and while polling: the document's progress and its sections with
 * their scores (null: "N/A"). (getProgressSnapshot in models/documents.server.ts plus the scores; merge them there.)
 */
export async function readLiveSnapshot(db: DbOrTrx, documentId: string): Promise<ProgressSnapshot | undefined> {
  const snapshot = await getProgressSnapshot(db, documentId);
  if (!snapshot) return undefined;
  const scores = await db
    .selectFrom("sections")
    .select(["index", "score_uniqueness", "score_grammar", "score_ai"])
    .where("document_id", "=", documentId)
    .execute();
  const byIndex = new Map(
    scores.map((s) => [s.index, { uniqueness: s.score_uniqueness, grammar: s.score_grammar, ai: s.score_ai }]),
  );
  return { ...snapshot, sections: snapshot.sections.map((s) => ({ ...s, scores: byIndex.get(s.index) ?? null })) };
}
