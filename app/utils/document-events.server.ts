// The sending half of the event contract (document-events.ts holds the events, shared with the browser).
import { sql } from "kysely";
import type { DbOrTrx } from "./db.server";
import { DOCUMENT_EVENTS_CHANNEL, type DocumentEvent } from "./document-events";

// NOTIFY payloads must stay under 8000 bytes; a larger event is replaced by "re-read the snapshot".
const MAX_PAYLOAD_BYTES = 7900;

/** NOTIFYs every web process of a document event; sent on commit, so call it inside the transaction that wrote it. */
export async function notifyDocumentEvent(db: DbOrTrx, documentId: string, event: DocumentEvent): Promise<void> {
  await sql`select ${notifyExpressions(documentId, [event])}`.execute(db);
}

/** `pg_notify(…), pg_notify(…)` for a select list: the events, in order, for a statement that also does other work. */
export function notifyExpressions(documentId: string, events: readonly DocumentEvent[]) {
  return sql.join(
    events.map((event) => sql`pg_notify(${DOCUMENT_EVENTS_CHANNEL}, ${eventPayload(documentId, event)})`),
  );
}

export function eventPayload(documentId: string, event: DocumentEvent): string {
  const payload = JSON.stringify({ documentId, event });
  return Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES
    ? JSON.stringify({ documentId, event: { type: "resync" } })
    : payload;
}
