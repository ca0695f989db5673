// Wrong: a migration imports a package other than kysely.
import type { Kysely } from "kysely";
import pg from "pg";

export async function up(db: Kysely<any>): Promise<void> {
  void db;
  void pg.types;
}
