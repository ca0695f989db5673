import { sql, type Kysely } from "kysely";

// Issue 21: a delivered document's text changes after delivery (the customer edits a section, a section is written
// again, a version is restored). Each section counts its revisions (two tabs saving the same section are told, not
// overwritten), and each version keeps the whole text as its sections were then.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("sections")
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable("document_versions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("author", "text", (c) =>
      c.notNull().check(sql`author in ('delivery', 'customer', 'regeneration', 'admin', 'restore')`),
    )
    .addColumn("author_user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("sections", "jsonb", (c) => c.notNull())
    .addColumn("changed_sections", sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("restored_from", "integer")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("document_versions_number", ["document_id", "number"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("document_versions").execute();
  await db.schema.alterTable("sections").dropColumn("revision").execute();
}
