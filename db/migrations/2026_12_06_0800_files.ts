import { sql, type Kysely } from "kysely";

// Issue 18: delivered DOCX/PDF and uploads live in the database every container already shares (unless S3 is
// configured), instead of one container's disk. Keys are the ones documents.docx_key/pdf_key and uploads.storage_key
// already hold.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("files")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("content", "bytea", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("size_bytes", "integer", (c) => c.notNull().check(sql`size_bytes >= 0`))
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // DOCX (zip) and PDF (deflated streams) are compressed already: Postgres would try again for nothing.
  await sql`alter table files alter column content set storage external`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("files").execute();
}
