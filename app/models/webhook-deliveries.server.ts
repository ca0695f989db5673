// Deliveries of webhook events (issue 22, item 5): what the webhook.deliver job sends and records after each attempt,
// the log an endpoint's page lists, and the customer's "Resend" (a new delivery of the same event).
import { sql } from "kysely";
import type { WebhookDeliveryState } from "../../db/schema";
import { QUEUES } from "../jobs/definitions";
import { sendJob } from "../jobs/queue.server";
import { inTransaction, type DbOrTrx } from "../utils/db.server";
import { isUuid } from "./documents.server";

/** Deliveries an endpoint's page lists, newest first. */
export const DELIVERY_LOG_LENGTH = 50;

export function listWebhookDeliveries(db: DbOrTrx, endpointId: string) {
  return db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as v", "v.id", "d.event_id")
    .select(["d.id", "v.type", "v.document_id", "d.state", "d.attempts", "d.status_code", "d.error", "d.created_at"])
    .select(["d.attempted_at", "d.response_excerpt"])
    .where("d.endpoint_id", "=", endpointId)
    .orderBy("d.created_at", "desc")
    .limit(DELIVERY_LOG_LENGTH)
    .execute();
}

/**
 * The same event delivered again to the endpoint, as a new delivery with its own job; false when the delivery is not
 * one of this account's endpoint's, or the endpoint is disabled.
 */
export async function resendWebhookDelivery(
  db: DbOrTrx,
  userId: string,
  endpointId: string,
  deliveryId: string,
): Promise<boolean> {
  if (!isUuid(endpointId) || !isUuid(deliveryId)) return false;
  return inTransaction(db, async (trx) => {
    const original = await trx
      .selectFrom("webhook_deliveries as d")
      .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
      .select(["d.event_id", "d.endpoint_id"])
      .where("d.id", "=", deliveryId)
      .where("d.endpoint_id", "=", endpointId)
      .where("e.user_id", "=", userId)
      .where("e.disabled_at", "is", null)
      .executeTakeFirst();
    if (!original) return false;
    const delivery = await trx
      .insertInto("webhook_deliveries")
      .values({ event_id: original.event_id, endpoint_id: original.endpoint_id })
      .returning("id")
      .executeTakeFirstOrThrow();
    await sendJob(trx, QUEUES.deliverWebhook, { deliveryId: delivery.id });
    return true;
  });
}

/** What the job needs to send a delivery: its event, and its endpoint's URL and secret (read here only). */
export function webhookDeliveryToSend(db: DbOrTrx, deliveryId: string) {
  return db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as v", "v.id", "d.event_id")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .select(["d.id", "d.state", "d.attempts", "v.id as event_id", "v.type", "v.data", "v.created_at"])
    .select(["e.id as endpoint_id", "e.url", "e.secret", "e.disabled_at"])
    .where("d.id", "=", deliveryId)
    .executeTakeFirst();
}

export type DeliveryAttempt = {
  /** succeeded: a 2xx came back; failed: this was the last attempt (or the endpoint is gone); pending: retried later. */
  state: WebhookDeliveryState;
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
};

/** Records one attempt of a pending delivery (one guarded UPDATE); false when it was no longer pending. */
export async function recordWebhookAttempt(db: DbOrTrx, deliveryId: string, attempt: DeliveryAttempt) {
  const result = await db
    .updateTable("webhook_deliveries")
    .set({
      state: attempt.state,
      attempts: sql`attempts + 1`,
      status_code: attempt.statusCode,
      response_excerpt: attempt.responseExcerpt,
      error: attempt.error,
      attempted_at: sql`now()`,
      finished_at: attempt.state === "pending" ? null : sql`now()`,
    })
    .where("id", "=", deliveryId)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
