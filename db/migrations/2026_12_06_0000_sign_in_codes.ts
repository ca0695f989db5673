import { sql, type Kysely } from "kysely";

// Issue 16: a sign-in code lives on the server, bound to the address it was mailed to. The browser keeps only a signed
// pointer to its row; the address, the tries and the single use are the row's.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sign_in_codes")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("link_hash", "text", (c) => c.notNull().unique())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("redirect_to", "text")
    .addColumn("ip", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .execute();
  await db.schema.createIndex("sign_in_codes_expires_at").on("sign_in_codes").column("expires_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sign_in_codes").execute();
}
