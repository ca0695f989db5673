import type { Kysely } from "kysely";
import type { DbOrTrx } from "../../app/utils/db.server";
import { recomputeDeliveredShingles } from "../../worker/quality/shingles";

// Decision 014: shingle fingerprints are now a 53-bit cyrb53 hash instead of SHA-1's first 8 bytes. Every stored
// fingerprint is recomputed from its delivered section's text, or later orders would never match earlier ones.
export async function up(db: Kysely<any>): Promise<void> {
  await recomputeDeliveredShingles(db as DbOrTrx);
}

// The old fingerprints cannot be rebuilt here (the SHA-1 code is gone): going down keeps the new ones.
export async function down(): Promise<void> {}
