// Allowed: a migration with its SQL inline.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table documents add column fixture integer`.execute(db);
}
