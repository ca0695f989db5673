import { sql, type Kysely } from "kysely";

// Issue 20: every request upserts its rate-limit window. The counts matter for a minute or two and are worthless after
// a crash, so the table skips the write-ahead log: no WAL record and no flush to wait for on each request (a crash
// empties it, which only forgives the current minute). Backups and restores treat it like any table.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limits set unlogged`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limits set logged`.execute(db);
}
