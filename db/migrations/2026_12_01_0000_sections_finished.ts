import { sql, type Kysely } from "kysely";

// Issue 4: a document counts its finished sections, so the statement that finishes a section also knows (through the
// document row's lock, held only until its commit) whether it was the last one. Documents in flight start from what
// their sections say.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("documents")
    .addColumn("sections_finished", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`
    update documents d set sections_finished = f.count
    from (select document_id, count(*)::int as count from sections where status in ('passed', 'failed') group by document_id) f
    where f.document_id = d.id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("documents").dropColumn("sections_finished").execute();
}
