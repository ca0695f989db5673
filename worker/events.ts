import { sql } from "kysely";
import type { DbOrTrx } from "../app/utils/db.server";
import { DOCUMENT_EVENTS_CHANNEL, type DocumentEvent } from "../app/utils/document-events";

/** NOTIFYs every web process of a document event; sent on commit, so call it inside the transaction that wrote it. */
export async function notifyDocumentEvent(db: DbOrTrx, documentId: string, event: DocumentEvent): Promise<void> {
  const payload = JSON.stringify({ documentId, event });
  await sql`select pg_notify(${DOCUMENT_EVENTS_CHANNEL}, ${payload})`.execute(db);
}
