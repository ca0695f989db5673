import type { Kysely } from "kysely";

// Each stored shingle fingerprint records the version of the hash that made it (SHINGLE_HASH_VERSION, next to the
// hashing code). Recomputing fingerprints is the hourly maintenance's job, never a migration's: a migration must do
// tomorrow what it did the day it was written. Rows stored before this one are version 0, so they are re-hashed once.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("shingles")
    .addColumn("hash_version", "smallint", (c) => c.notNull().defaultTo(0))
    .execute();
  // The maintenance looks for the few rows of an older version; deduplicated, the index costs a few bytes a row.
  await db.schema.createIndex("shingles_hash_version_idx").on("shingles").column("hash_version").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("shingles_hash_version_idx").execute();
  await db.schema.alterTable("shingles").dropColumn("hash_version").execute();
}
