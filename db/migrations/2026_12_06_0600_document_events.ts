import { sql, type Kysely } from "kysely";

// Issue 18: an order's timeline for admins. Every stage or status change of a document is kept as a row (setStage and
// transitionDocument write it in the statement of the change); a section an admin sends back for rewriting counts its
// attempts again from where it stood, so it gets the writer's full number of tries.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("document_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("stage", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("detail", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("document_events_document_idx")
    .on("document_events")
    .columns(["document_id", "id"])
    .execute();
  await db.schema
    .alterTable("sections")
    .addColumn("attempts_before_rewrite", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sections").dropColumn("attempts_before_rewrite").execute();
  await db.schema.dropTable("document_events").execute();
}
