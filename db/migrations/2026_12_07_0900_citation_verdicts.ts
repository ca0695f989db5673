import { sql, type Kysely } from "kysely";

// Issue 24, items 1–3: what the citation judge said of each sentence of a checked section text (one row per cited
// source of a sentence, or one row with no source for an uncited sentence), and the order's citation figures.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("citation_verdicts")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id").onDelete("cascade"))
    // The section's attempt judged; null for a text judged outside the attempts (a customer's regeneration).
    .addColumn("attempt", "integer")
    // md5 of the text as it left the gate (after any citation the gate removed): matched with sections.content_md5,
    // so the order's figures count exactly the delivered text.
    .addColumn("text_md5", "text", (c) => c.notNull())
    .addColumn("sentence_index", "integer", (c) => c.notNull())
    .addColumn("sentence", "text", (c) => c.notNull())
    .addColumn("source_key", "text")
    .addColumn("verdict", "text", (c) => c.check(sql`verdict in ('supported', 'partly', 'unsupported')`))
    .addColumn("evidence", "text")
    .addColumn("evidence_page", "integer")
    .addColumn("reason", "text")
    .addColumn("needs_citation", "boolean", (c) => c.notNull())
    // The gate took this citation out of the sentence on the section's last attempt.
    .addColumn("citation_removed", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table citation_verdicts add constraint citation_verdicts_source_verdict
    check ((source_key is null) = (verdict is null))`.execute(db);
  await db.schema
    .createIndex("citation_verdicts_section_text")
    .on("citation_verdicts")
    .columns(["section_id", "text_md5"])
    .execute();
  await db.schema.createIndex("citation_verdicts_document").on("citation_verdicts").column("document_id").execute();
  await db.schema
    .alterTable("documents")
    .addColumn("citation_precision", "real")
    .addColumn("citation_recall", "real")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("documents").dropColumn("citation_precision").dropColumn("citation_recall").execute();
  await db.schema.dropTable("citation_verdicts").execute();
}
