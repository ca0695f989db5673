import { sql } from "kysely";
import type { Logger } from "pino";
import type { DbOrTrx } from "../app/utils/db.server";
import { DOCUMENT_EVENTS_CHANNEL, HEARTBEAT_INTERVAL_MS } from "../app/utils/document-events";

/**
 * Every `intervalMs`, NOTIFYs a `heartbeat` event for every document in status `generating` (one statement, however
 * many documents). The browser takes 25 s without any event as a sign to re-read the snapshot.
 * Each worker process sends its own: with N workers a document gets N heartbeats per interval, which is harmless.
 */
export function startHeartbeats(
  db: DbOrTrx,
  log: Pick<Logger, "warn">,
  intervalMs = HEARTBEAT_INTERVAL_MS,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const beat = async () => {
    try {
      // The payload has the shape notifyDocumentEvent() sends: { documentId, event }.
      await sql`
        select pg_notify(${DOCUMENT_EVENTS_CHANNEL}, json_build_object(
          'documentId', id,
          'event', json_build_object('type', 'heartbeat', 'status', status, 'percent', progress_percent, 'at', ${Date.now()}::bigint)
        )::text)
        from documents where status = 'generating'`.execute(db);
    } catch (error) {
      log.warn({ err: error }, "could not send document heartbeats");
    }
  };
  const timer = setInterval(() => {
    // A slow database must not pile ticks up.
    running ??= beat().finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
