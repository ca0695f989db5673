import { sql, type Kysely } from "kysely";

// Issue 21: a customer has one section of a delivered document written again with an instruction; the result waits
// to be kept or discarded. A payment says what it pays for: the order, or one more regeneration of it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("payments")
    .addColumn("purpose", "text", (c) =>
      c
        .notNull()
        .defaultTo("order")
        .check(sql`purpose in ('order', 'regeneration')`),
    )
    .execute();
  await db.schema
    .createTable("regenerations")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("section_index", "integer", (c) => c.notNull())
    .addColumn("instruction", "text", (c) => c.notNull())
    .addColumn("base_revision", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("queued")
        .check(sql`status in ('queued', 'writing', 'ready', 'kept', 'discarded', 'failed')`),
    )
    .addColumn("content", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    // What the last attempt's checks found, for the next attempt's prompt.
    .addColumn("feedback", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("score_uniqueness", "real")
    .addColumn("score_grammar", "real")
    .addColumn("score_ai", "real")
    .addColumn("failure_reason", "text")
    .addColumn("tokens_in", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("tokens_out", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cost_microdollars", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("payment_id", "uuid", (c) => c.references("payments.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .execute();
  // One regeneration at work per section: a second request (a double click) meets this index.
  await sql`create unique index regenerations_one_active on regenerations (document_id, section_index)
    where status in ('queued', 'writing', 'ready')`.execute(db);
  // A bought regeneration pays for one regeneration that did not fail.
  await sql`create unique index regenerations_payment on regenerations (payment_id)
    where payment_id is not null and status <> 'failed'`.execute(db);
  await db.schema.createIndex("regenerations_document").on("regenerations").column("document_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("regenerations").execute();
  await db.schema.alterTable("payments").dropColumn("purpose").execute();
}
