import { sql, type Kysely } from "kysely";

// Issue 20: the document page keeps a delivered text's parts in memory, keyed by the text's MD5, which Postgres keeps
// whenever the text changes; each request reads this short hash instead of the whole text to know its copy is current.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table documents add column content_md5 text generated always as (md5(content)) stored`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("documents").dropColumn("content_md5").execute();
}
