// The events of an order a customer's webhook endpoints hear (issue 22, item 5). An event is an outbox row written in
// the transaction of the change it tells (payment, delivery, failure, refund), with one delivery per subscribed
// endpoint and its webhook.deliver job: a rolled-back change tells nothing, a committed one is delivered. No endpoint
// subscribed to the type: nothing is written at all.
import { sql } from "kysely";
import type { WebhookEventType } from "../../db/schema";
import { QUEUES } from "../jobs/definitions";
import { sendJobs } from "../jobs/queue.server";
import { inTransaction, type DbOrTrx } from "../utils/db.server";

/** Progress is told once per step of this many percent (10 %, 20 % … 90 %); 100 % is order.completed. */
export const PROGRESS_STEP_PERCENT = 10;

/**
 * Tells the order's customer's endpoints subscribed to `type` (enabled, of a live account) that it happened: the event
 * with `data` (the order's id and status always in it), a delivery and its job per endpoint, in the caller's
 * transaction. `dedupeKey`: an event that must exist once; a second one with the same key writes nothing. Returns the
 * number of deliveries made.
 */
export async function emitOrderEvent(
  db: DbOrTrx,
  documentId: string,
  type: WebhookEventType,
  data: Record<string, unknown> = {},
  options: { dedupeKey?: string } = {},
): Promise<number> {
  const endpoints = await subscribedEndpoints(db, documentId, type);
  if (endpoints.length === 0) return 0;
  return inTransaction(db, async (trx) => {
    const order = await trx
      .selectFrom("documents")
      .select(["user_id", "status"])
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();
    const event = await trx
      .insertInto("webhook_events")
      .values({
        user_id: order.user_id,
        document_id: documentId,
        type,
        data: JSON.stringify({ orderId: documentId, status: order.status, ...data }),
        dedupe_key: options.dedupeKey ?? null,
      })
      .onConflict((oc) => oc.column("dedupe_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!event) return 0;
    const deliveries = await trx
      .insertInto("webhook_deliveries")
      .values(endpoints.map((endpoint) => ({ event_id: event.id, endpoint_id: endpoint.id })))
      .returning("id")
      .execute();
    await sendJobs(
      trx,
      QUEUES.deliverWebhook,
      deliveries.map((d) => ({ data: { deliveryId: d.id } })),
    );
    return deliveries.length;
  });
}

function subscribedEndpoints(db: DbOrTrx, documentId: string, type: WebhookEventType) {
  return db
    .selectFrom("documents as d")
    .innerJoin("users as u", "u.id", "d.user_id")
    .innerJoin("webhook_endpoints as e", "e.user_id", "d.user_id")
    .select("e.id")
    .where("d.id", "=", documentId)
    .where("u.deleted_at", "is", null)
    .where("e.disabled_at", "is", null)
    .where(sql<boolean>`${type} = any(e.events)`)
    .orderBy("e.created_at")
    .execute();
}

/**
 * After sections finished: an order.progress event when the order's percent reached a step (10 %, 20 % …) no event
 * told yet — under the order's row lock, so two workers finishing sections at once tell each step at most once and
 * never a lower step after a higher one. Cheap when no endpoint listens (one indexed query).
 */
export async function emitProgressStep(db: DbOrTrx, documentId: string): Promise<number> {
  if ((await subscribedEndpoints(db, documentId, "order.progress")).length === 0) return 0;
  return inTransaction(db, async (trx) => {
    const order = await trx
      .selectFrom("documents")
      .select(["progress_percent", "progress_stage"])
      .where("id", "=", documentId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    const step = Math.floor((order?.progress_percent ?? 0) / PROGRESS_STEP_PERCENT) * PROGRESS_STEP_PERCENT;
    if (!order || step < PROGRESS_STEP_PERCENT || step >= 100) return 0;
    const told = await trx
      .selectFrom("webhook_events")
      .select(sql<number | null>`max((data->>'percent')::int)`.as("percent"))
      .where("document_id", "=", documentId)
      .where("type", "=", "order.progress")
      .executeTakeFirstOrThrow();
    if (told.percent !== null && told.percent >= step) return 0;
    return emitOrderEvent(
      trx,
      documentId,
      "order.progress",
      { percent: step, stage: order.progress_stage },
      { dedupeKey: `${documentId}:order.progress:${step}` },
    );
  });
}
