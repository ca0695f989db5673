import { sql, type Kysely } from "kysely";

// Issue 16 (money): an order of a deleted account is `cancelled`; a refund that failed for good keeps its error and
// stays listed until an admin retries it; each Stripe event names the payment it concerned (so an account's events can
// be found and redacted); and `incidents` holds what an admin must look at (a failed order, a payment we cannot
// place, a refund that failed).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table documents drop constraint documents_status_check`.execute(db);
  await sql`alter table documents add constraint documents_status_check check (status in ('draft', 'awaiting_payment', 'queued',
    'generating', 'completed', 'completed_with_warnings', 'failed_quality', 'refunded', 'failed', 'cancelled'))`.execute(
    db,
  );

  await db.schema.alterTable("refunds").addColumn("last_error", "text").execute();
  await sql`create index refunds_failed_idx on refunds (created_at) where status = 'failed'`.execute(db);

  await db.schema
    .alterTable("stripe_events")
    .addColumn("payment_id", "uuid", (c) => c.references("payments.id").onDelete("set null"))
    .execute();
  await db.schema.createIndex("stripe_events_payment_id_idx").on("stripe_events").column("payment_id").execute();
  // Events received before: their session's or payment intent's payment.
  await sql`
    update stripe_events e set payment_id = p.id from payments p
    where e.payment_id is null
      and (p.stripe_checkout_session_id = e.payload->'data'->'object'->>'id'
        or p.stripe_payment_intent_id = e.payload->'data'->'object'->>'payment_intent')`.execute(db);

  await db.schema
    .createTable("incidents")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("kind", "text", (c) =>
      c
        .notNull()
        .check(sql`kind in ('generation_failed', 'refund_failed', 'unknown_checkout_session', 'payment_mismatch')`),
    )
    .addColumn("document_id", "uuid", (c) => c.references("documents.id").onDelete("set null"))
    .addColumn("payment_id", "uuid", (c) => c.references("payments.id").onDelete("set null"))
    .addColumn("refund_id", "uuid", (c) => c.references("refunds.id").onDelete("set null"))
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("resolved_at", "timestamptz")
    .addColumn("resolved_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .execute();
  await sql`create index incidents_open_idx on incidents (created_at) where resolved_at is null`.execute(db);
  // One open incident per failed refund: a refund that dead-letters again after a retry reopens nothing twice.
  await sql`create unique index incidents_open_refund_key on incidents (refund_id) where resolved_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("incidents").execute();
  await db.schema.alterTable("stripe_events").dropColumn("payment_id").execute();
  await sql`drop index refunds_failed_idx`.execute(db);
  await db.schema.alterTable("refunds").dropColumn("last_error").execute();
  await sql`update documents set status = 'failed' where status = 'cancelled'`.execute(db);
  await sql`alter table documents drop constraint documents_status_check`.execute(db);
  await sql`alter table documents add constraint documents_status_check check (status in ('draft', 'awaiting_payment', 'queued',
    'generating', 'completed', 'completed_with_warnings', 'failed_quality', 'refunded', 'failed'))`.execute(db);
}
