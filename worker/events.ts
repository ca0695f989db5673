import { sql } from "kysely";
import type { DbOrTrx } from "../app/utils/db.server";
import { DOCUMENT_EVENTS_CHANNEL, type DocumentEvent } from "../app/utils/document-events";

// NOTIFY payloads must stay under 8000 bytes; a larger event is replaced by "re-read the snapshot".
const MAX_PAYLOAD_BYTES = 7900;

/** NOTIFYs every web process of a document event; sent on commit, so call it inside the transaction that wrote it. */
export async function notifyDocumentEvent(db: DbOrTrx, documentId: string, event: DocumentEvent): Promise<void> {
  let payload = JSON.stringify({ documentId, event });
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) payload = JSON.stringify({ documentId, event: { type: "resync" } });
  await sql`select pg_notify(${DOCUMENT_EVENTS_CHANNEL}, ${payload})`.execute(db);
}
