// Orders written with the customer's own LLM key that the provider refused: paused (stage waiting_for_key) instead of
// burning retries or being refunded, and resumed from their last checkpoint when the customer saves a working key.
import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";
import { logger } from "../utils/logger.server";
import { AdminActionRefused } from "./admin-action-refused.server";
import { retryOrder } from "./admin-order-actions.server";
import { setStage } from "./document-progress.server";

/**
 * Pauses an order being written because its customer's key was refused, and marks the key refused (the account page
 * says so), in one transaction. Returns whether the order was paused now (false: it already was, or is no longer
 * being written).
 */
export async function pauseForRefusedKey(db: DbOrTrx, documentId: string): Promise<boolean> {
  const run = async (trx: DbOrTrx) => {
    const paused = await setStage(trx, documentId, "waiting_for_key", { from: { status: ["queued", "generating"] } });
    if (!paused) return false;
    await sql`update customer_llm_keys k set refused_at = now()
      from documents d where d.id = ${documentId} and k.user_id = d.user_id`.execute(trx);
    return true;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * The customer saved a key that works: each of their paused orders goes on from its last checkpoint (the plan, its
 * unwritten sections, the review), in the caller's transaction. Returns the ids of the orders resumed.
 */
export async function resumeOrdersWaitingForKey(trx: DbOrTrx, userId: string): Promise<string[]> {
  const paused = await trx
    .selectFrom("documents")
    .select("id")
    .where("user_id", "=", userId)
    .where("status", "in", ["queued", "generating"])
    .where("progress_stage", "=", "waiting_for_key")
    .orderBy("created_at")
    .execute();
  const resumed: string[] = [];
  for (const { id } of paused) {
    try {
      // A job of it may still wait for a retry: the checkpoint's jobs are sent all the same (a second delivery of
      // the same step stores nothing twice), so no step whose job ended refused is left without one.
      await retryOrder(trx, id, { acknowledgeRefund: false, evenWithLiveJobs: true });
      resumed.push(id);
    } catch (error) {
      if (!(error instanceof AdminActionRefused)) throw error;
      logger.warn({ documentId: id, refusal: error.key }, "a paused order could not be resumed");
    }
  }
  return resumed;
}
