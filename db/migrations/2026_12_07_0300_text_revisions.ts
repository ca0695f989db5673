import { type Kysely } from "kysely";

// Issue 21: the assembled text and the files follow an edit in the background. The document counts the changes of
// its text (text_revision) and remembers which of them its content and DOCX/PDF show (files_revision); a section
// remembers the revision its quality gates last checked.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("documents")
    .addColumn("text_revision", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("files_revision", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("sections")
    .addColumn("checked_revision", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sections").dropColumn("checked_revision").execute();
  await db.schema.alterTable("documents").dropColumn("files_revision").dropColumn("text_revision").execute();
}
