// A per-account cap on things a customer makes (API keys, webhook endpoints), safe under concurrent clicks.
import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";

/**
 * Locks the live account's row and says whether it holds fewer than `max` of what `held` counts; the caller inserts
 * in the same transaction. The lock is its own statement so the count after it sees every row committed before the
 * lock was granted (in one statement the count would read the snapshot taken before the wait: 25 clicks made 22 keys).
 * False for a deleted or unknown account.
 */
export async function lockAccountBelowLimit(
  trx: Transaction<Database>,
  userId: string,
  max: number,
  held: (trx: Transaction<Database>) => Promise<number>,
): Promise<boolean> {
  const owner = await trx
    .selectFrom("users")
    .select("id")
    .where("id", "=", userId)
    .where("deleted_at", "is", null)
    .forUpdate()
    .executeTakeFirst();
  return owner !== undefined && (await held(trx)) < max;
}
