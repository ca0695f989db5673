import { sql, type Kysely } from "kysely";

// Issue 24, item 7: a customer's own references, uploaded in the order wizard, are sources of the order that must be
// used (priority); the plan resolves each against the scholarly indexes and says how.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("sources")
    .addColumn("priority", "boolean", (c) => c.notNull().defaultTo(false))
    // Where the entry stood in the customer's file (1 = first), for the page that lists them.
    .addColumn("import_position", "integer")
    // For the customer's entries: pending until the plan looks them up; found (by DOI or title) or not-found then;
    // not-checked when no index is configured. Null for the sources research found.
    .addColumn("resolution", "text", (c) =>
      c.check(sql`resolution in ('pending', 'found-by-doi', 'found-by-title', 'not-found', 'not-checked')`),
    )
    .execute();
  await sql`alter table sources add constraint sources_priority_resolution
    check (priority = (resolution is not null) and priority = (import_position is not null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table sources drop constraint sources_priority_resolution`.execute(db);
  await db.schema
    .alterTable("sources")
    .dropColumn("priority")
    .dropColumn("import_position")
    .dropColumn("resolution")
    .execute();
}
