// Webhooks to customers (issue 22, item 5): endpoints, the events of their orders (the outbox) and each delivery.
import type { Generated } from "kysely";
import type { CreatedAt, Json, Timestamp } from "./schema-columns";

export type WebhookEventType = "order.paid" | "order.progress" | "order.completed" | "order.failed" | "order.refunded";
export type WebhookDeliveryState = "pending" | "succeeded" | "failed";

/** A customer's receiver. The secret signs every delivery; it is kept as is (decision 041), never shown again. */
export interface WebhookEndpointsTable {
  id: Generated<string>;
  user_id: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  created_at: CreatedAt;
  disabled_at: Timestamp | null;
}

/** Something that happened to an order, written in the transaction of the change (the outbox). */
export interface WebhookEventsTable {
  id: Generated<string>;
  user_id: string;
  document_id: string | null;
  type: WebhookEventType;
  data: Json<Record<string, unknown>>;
  dedupe_key: string | null;
  created_at: CreatedAt;
}

/** One event to one endpoint: its state, attempts and the last answer (status, an excerpt) or error. */
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  event_id: string;
  endpoint_id: string;
  state: Generated<WebhookDeliveryState>;
  attempts: Generated<number>;
  status_code: number | null;
  response_excerpt: string | null;
  error: string | null;
  created_at: CreatedAt;
  attempted_at: Timestamp | null;
  finished_at: Timestamp | null;
}
