import { sql, type Kysely } from "kysely";

// Issue 18, item 5: every job that died (landed in its `<queue>.dead` queue) is kept as a row an admin lists, retries
// or discards for 30 days. pg-boss completes, archives and deletes its own dead-letter jobs within days, and has no
// place for "handled by whom and how", so the record is ours.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("dead_letters")
    // The dead-letter job's id in pg-boss.
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("queue", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb")
    .addColumn("error", "text")
    .addColumn("document_id", "uuid", (c) => c.references("documents.id").onDelete("set null"))
    .addColumn("died_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("handled_at", "timestamptz")
    .addColumn("handled_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("outcome", "text", (c) => c.check(sql`outcome in ('retried', 'discarded')`))
    .addColumn("retry_job_id", "uuid")
    .addCheckConstraint("dead_letters_handled_has_outcome", sql`(handled_at is null) = (outcome is null)`)
    .execute();
  await db.schema
    .createIndex("dead_letters_waiting_idx")
    .on("dead_letters")
    .columns(["handled_at", "died_at"])
    .execute();
  await db.schema.createIndex("dead_letters_document_idx").on("dead_letters").column("document_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("dead_letters").execute();
}
