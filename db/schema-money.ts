// Money: payments, refunds, the Stripe events they came from, and incidents an admin must look at. (The database as a
// whole: db/schema.ts.)
import type { Generated } from "kysely";
import type { Timestamp, CreatedAt, Json } from "./schema-columns";

export type PaymentPurpose = "order" | "regeneration";

export interface PaymentsTable {
  id: Generated<string>;
  document_id: string;
  user_id: string;
  provider: "stripe" | "dev";
  /** What the money pays for: the order itself, or one more regeneration of a section of it. */
  purpose: Generated<PaymentPurpose>;
  stripe_checkout_session_id: string | null;
  stripe_payment_intent_id: string | null;
  amount_cents: number;
  refunded_cents: Generated<number>;
  currency: string;
  status: Generated<"pending" | "succeeded" | "failed" | "expired" | "refunded" | "partially_refunded">;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RefundsTable {
  id: Generated<string>;
  payment_id: string;
  amount_cents: number;
  reason: string;
  idempotency_key: string;
  stripe_refund_id: string | null;
  /** failed: the refund job gave up (dead-letter queue); an admin retries it (app/models/incidents.server.ts). */
  status: Generated<"pending" | "succeeded" | "failed">;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface StripeEventsTable {
  id: string;
  type: string;
  payload: Json<Record<string, unknown>>;
  received_at: CreatedAt;
  processed_at: Timestamp | null;
  /** The payment the event concerned, when it names one of ours (an account's events are redacted with it). */
  payment_id: string | null;
}

export type IncidentKind = "generation_failed" | "refund_failed" | "unknown_checkout_session" | "payment_mismatch";

/** Something an admin must look at: a failed order, a payment we cannot place, a refund that failed for good. */
export interface IncidentsTable {
  id: Generated<string>;
  kind: IncidentKind;
  document_id: string | null;
  payment_id: string | null;
  refund_id: string | null;
  summary: string;
  details: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
}
