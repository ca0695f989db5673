import { sql } from "kysely";
import type { IncidentKind } from "../../db/schema";
import type { DbOrTrx } from "../utils/db.server";

// What an admin must look at, as rows (the admin pages list them): an order that failed for good, a payment we could
// not place, a refund that failed for good. Recorded in the transaction of what caused them.

export type NewIncident = {
  kind: IncidentKind;
  summary: string;
  documentId?: string | null;
  paymentId?: string | null;
  refundId?: string | null;
  details?: Record<string, unknown>;
};

/** Records an incident; a refund already open as one is not recorded twice. Returns whether a row was added. */
export async function recordIncident(db: DbOrTrx, incident: NewIncident): Promise<boolean> {
  const inserted = await db
    .insertInto("incidents")
    .values({
      kind: incident.kind,
      summary: incident.summary,
      document_id: incident.documentId ?? null,
      payment_id: incident.paymentId ?? null,
      refund_id: incident.refundId ?? null,
      details: JSON.stringify(incident.details ?? {}),
    })
    .onConflict((oc) => oc.column("refund_id").where("resolved_at", "is", null).doNothing())
    .returning("id")
    .executeTakeFirst();
  return Boolean(inserted);
}

/** Open incidents, oldest first, with the customer's email and the order's topic where they concern an order. */
export function listOpenIncidents(db: DbOrTrx) {
  return db
    .selectFrom("incidents")
    .leftJoin("documents", "documents.id", "incidents.document_id")
    .leftJoin("users", "users.id", "documents.user_id")
    .selectAll("incidents")
    .select(["documents.topic", "documents.status as document_status", "users.email as customer_email"])
    .where("incidents.resolved_at", "is", null)
    .orderBy("incidents.created_at")
    .orderBy("incidents.id")
    .execute();
}

/** An admin marks an incident dealt with (guarded: once). */
export async function resolveIncident(db: DbOrTrx, incidentId: string, adminUserId: string): Promise<boolean> {
  const result = await db
    .updateTable("incidents")
    .set({ resolved_at: sql`now()`, resolved_by: adminUserId })
    .where("id", "=", incidentId)
    .where("resolved_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
