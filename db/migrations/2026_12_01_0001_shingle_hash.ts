import type { Kysely } from "kysely";

// Decision 014 changed the shingle hash (cyrb53 instead of SHA-1's first 8 bytes), and this migration recomputed every
// stored fingerprint with the live hashing code: on a database that had not run it yet, it did whatever that code did
// by then. It changes no schema, so it now does nothing: fingerprints record the version of their hash (migration
// 2026_12_06_0300_shingles_hash_version) and the hourly maintenance re-hashes older ones (worker/jobs/rehash-shingles.ts).
export async function up(_db: Kysely<any>): Promise<void> {}

export async function down(): Promise<void> {}
