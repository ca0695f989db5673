import { sql, type Kysely } from "kysely";

// Issue 24, items 4 and 5: a found source keeps its language (ISO 639-1, as the index gave it) and the address of its
// open-access PDF; the PDF's text, read page by page, lives beside it with the outcome of the fetch.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("sources")
    .addColumn("language", "text", (c) => c.check(sql`language ~ '^[a-z]{2}$'`))
    .addColumn("open_access_url", "text")
    .execute();
  await db.schema
    .createTable("source_full_texts")
    .addColumn("source_id", "uuid", (c) => c.primaryKey().references("sources.id").onDelete("cascade"))
    .addColumn("url", "text", (c) => c.notNull())
    // fetched: pages hold the text; every other outcome leaves the abstract as the source's only text.
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .check(
          sql`status in ('fetched', 'refused', 'too-large', 'timeout', 'not-pdf', 'encrypted', 'unreadable', 'failed', 'no-text', 'skipped')`,
        ),
    )
    // Page 1 first; empty unless fetched.
    .addColumn("pages", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("page_count", "integer")
    .addColumn("size_bytes", "integer")
    .addColumn("detail", "text")
    .addColumn("fetched_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table source_full_texts add constraint source_full_texts_pages_when_fetched
    check ((status = 'fetched') = (cardinality(pages) > 0))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("source_full_texts").execute();
  await db.schema.alterTable("sources").dropColumn("language").dropColumn("open_access_url").execute();
}
