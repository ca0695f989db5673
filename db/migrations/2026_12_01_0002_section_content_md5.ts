import { sql, type Kysely } from "kysely";

// Issue 4 (decision 016): each section's text carries its MD5, kept by Postgres whenever the text changes. A section's
// gate context names its written siblings by that hash (the texts this process knows are not sent again); hashing
// every sibling's text for every section's check read and hashed them all again, at the moment a document's
// sections all finish together.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table sections add column content_md5 text generated always as (md5(content)) stored`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sections").dropColumn("content_md5").execute();
}
