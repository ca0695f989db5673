// The answers kept for API POSTs sent with an Idempotency-Key (issue 22, decision 039): one row per account and key,
// claimed before the request's work starts, holding the answer once it is done, pruned after 24 hours.
import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";

/** How long a key's answer is kept (and a key stays taken). */
export const IDEMPOTENCY_KEEP_HOURS = 24;

export type IdempotencyClaim =
  | { claimed: true; id: string }
  | {
      claimed: false;
      request: string;
      bodyHash: string;
      status: "in_progress" | "done";
      responseStatus: number | null;
      responseBody: string | null;
    };

/**
 * Takes the key for this request, or reads what holds it. One statement: of two requests with one key at once, exactly
 * one inserts (the other waits for that insert and finds the row).
 */
export async function claimIdempotencyKey(
  db: DbOrTrx,
  of: { userId: string; key: string; request: string; bodyHash: string },
): Promise<IdempotencyClaim> {
  for (;;) {
    const inserted = await db
      .insertInto("idempotency_keys")
      .values({ user_id: of.userId, key: of.key, request: of.request, body_hash: of.bodyHash })
      .onConflict((oc) => oc.columns(["user_id", "key"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (inserted) return { claimed: true, id: inserted.id };
    const held = await db
      .selectFrom("idempotency_keys")
      .select(["request", "body_hash", "status", "response_status", "response_body"])
      .where("user_id", "=", of.userId)
      .where("key", "=", of.key)
      .executeTakeFirst();
    // Released (its request failed) between the two statements: try to take it again.
    if (!held) continue;
    return {
      claimed: false,
      request: held.request,
      bodyHash: held.body_hash,
      status: held.status,
      responseStatus: held.response_status,
      responseBody: held.response_body,
    };
  }
}

/** Keeps the answer of a claimed key (once: only while it is in progress). */
export async function completeIdempotencyKey(
  db: DbOrTrx,
  id: string,
  answer: { status: number; body: string },
): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({ status: "done", response_status: answer.status, response_body: answer.body, completed_at: sql`now()` })
    .where("id", "=", id)
    .where("status", "=", "in_progress")
    .execute();
}

/** Frees a claimed key whose request failed on our side, so the client's retry does the work. */
export async function releaseIdempotencyKey(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom("idempotency_keys").where("id", "=", id).where("status", "=", "in_progress").execute();
}

/** Deletes the keys older than IDEMPOTENCY_KEEP_HOURS (the hourly maintenance job); returns how many. */
export async function pruneIdempotencyKeys(db: DbOrTrx): Promise<number> {
  const result = await db
    .deleteFrom("idempotency_keys")
    .where("created_at", "<", sql<Date>`now() - make_interval(hours => ${IDEMPOTENCY_KEEP_HOURS})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
