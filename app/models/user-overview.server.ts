// What the admin's users pages read: accounts found by email or id, and one account with its orders, money, consents
// and sessions.
import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";
import { escapeLike } from "./audit-log.server";

export const USER_SEARCH_LIMIT = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` can be an account's id at all (anything else is no account, not a database error). */
export function isAccountId(text: string): boolean {
  return UUID.test(text);
}

/** Accounts whose email contains `query` (or whose id it is), newest first; no query: the newest accounts. */
export async function searchUsers(db: DbOrTrx, query: string) {
  let select = db
    .selectFrom("users")
    .select((eb) => [
      "users.id",
      "users.email",
      "users.name",
      "users.role",
      "users.premium",
      "users.created_at",
      "users.disabled_at",
      "users.deleted_at",
      eb
        .selectFrom("documents")
        .select(eb.fn.countAll<string>().as("n"))
        .whereRef("documents.user_id", "=", "users.id")
        .where("documents.status", "!=", "draft")
        .as("orders"),
    ])
    .orderBy("users.created_at", "desc")
    .orderBy("users.id", "desc")
    .limit(USER_SEARCH_LIMIT + 1);
  if (UUID.test(query)) select = select.where("users.id", "=", query);
  else if (query) select = select.where("users.email", "ilike", `%${escapeLike(query)}%`);
  const rows = await select.execute();
  return {
    users: rows.slice(0, USER_SEARCH_LIMIT).map((row) => ({ ...row, orders: Number(row.orders ?? 0) })),
    more: rows.length > USER_SEARCH_LIMIT,
  };
}

/** One account as an admin sees it, or undefined. Drafts are left out of the orders: nothing was asked of anyone. */
export async function userOverview(db: DbOrTrx, userId: string) {
  if (!UUID.test(userId)) return undefined;
  const user = await db
    .selectFrom("users")
    .select(["id", "email", "name", "role", "premium", "created_at", "disabled_at", "deleted_at"])
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!user) return undefined;
  const [liveSessions, orders, payments, refunds, consents, history] = await Promise.all([
    db
      .selectFrom("sessions")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", sql<Date>`now()`)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("documents")
      .select([
        "id",
        "kind",
        "topic",
        "pages",
        "language",
        "express",
        "status",
        "price_cents",
        "currency",
        "created_at",
      ])
      .where("user_id", "=", userId)
      .where("status", "!=", "draft")
      .orderBy("created_at", "desc")
      .execute(),
    db
      .selectFrom("payments")
      .select(["id", "document_id", "provider", "amount_cents", "refunded_cents", "currency", "status", "created_at"])
      .where("user_id", "=", userId)
      .orderBy("created_at", "desc")
      .execute(),
    db
      .selectFrom("refunds")
      .innerJoin("payments", "payments.id", "refunds.payment_id")
      .select([
        "refunds.id",
        "refunds.amount_cents",
        "payments.currency",
        "payments.document_id",
        "refunds.reason",
        "refunds.status",
        "refunds.created_at",
      ])
      .where("payments.user_id", "=", userId)
      .orderBy("refunds.created_at", "desc")
      .execute(),
    db
      .selectFrom("consents")
      .select(["id", "kind", "granted", "ip", "user_agent", "created_at"])
      .where("user_id", "=", userId)
      .orderBy("created_at", "desc")
      .orderBy("kind")
      .execute(),
    db
      .selectFrom("audit_log")
      .leftJoin("users", "users.id", "audit_log.actor_user_id")
      .select(["audit_log.id", "audit_log.action", "audit_log.reason", "audit_log.created_at", "users.email as actor"])
      .where("audit_log.target_type", "=", "user")
      .where("audit_log.target_id", "=", userId)
      .orderBy("audit_log.id", "desc")
      .limit(20)
      .execute(),
  ]);
  return { user, liveSessions: Number(liveSessions.n), orders, payments, refunds, consents, history };
}
