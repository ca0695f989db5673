import { sql, type Kysely } from "kysely";

// Issue 21: the quality gates' findings on a section edited after delivery (too short, too many grammar errors…),
// shown beside its scores on the edit page; empty when it passed or was never checked after an edit.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("sections")
    .addColumn("check_feedback", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sections").dropColumn("check_feedback").execute();
}
