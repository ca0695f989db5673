import { sql, type Kysely } from "kysely";

// Issue 19, item 1: the interface language a customer chose in their account (null: the `lng` cookie, else the
// browser's Accept-Language, decide). Emails from the worker use it too.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("locale", "text", (c) => c.check(sql`locale in ('en', 'uk', 'it', 'ru', 'de', 'fr', 'es', 'pl')`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("locale").execute();
}
