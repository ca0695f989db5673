import { sql, type Kysely } from "kysely";

// Issues 5 and 6: the institution printed on the title page, the review pass' findings, the requirements judge's
// report and the research outcome (which source providers answered). Shingle lookups by hash use the primary key
// (hash, section_id), whose leading column is the hash.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("documents")
    .addColumn("institution", "text")
    .addColumn("review_findings", "jsonb")
    .addColumn("requirements_report", "jsonb")
    .addColumn("research_report", "jsonb")
    .execute();
  await sql`comment on column documents.research_report is 'Which source providers answered, and how many sources were kept'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("documents")
    .dropColumn("institution")
    .dropColumn("review_findings")
    .dropColumn("requirements_report")
    .dropColumn("research_report")
    .execute();
}
