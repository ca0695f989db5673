import { sql } from "kysely";
import type { ConsentKind } from "../../db/schema";
import type { Locale } from "../i18n/locales";
import type { Db, DbOrTrx } from "../utils/db.server";
import { recordAudit } from "./audit-log.server";

export async function findOrCreateUserByEmail(db: DbOrTrx, email: string) {
  const normalized = email.trim().toLowerCase();
  await db
    .insertInto("users")
    .values({ email: normalized })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .execute();
  return db
    .selectFrom("users")
    .selectAll()
    .where(sql`lower(email)`, "=", normalized)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export function getUserById(db: DbOrTrx, userId: string) {
  return db.selectFrom("users").selectAll().where("id", "=", userId).where("deleted_at", "is", null).executeTakeFirst();
}

export async function hasEssentialConsent(db: DbOrTrx, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("consents")
    .select("granted")
    .where("user_id", "=", userId)
    .where("kind", "=", "essential")
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.granted === true;
}

export async function recordConsents(
  db: DbOrTrx,
  userId: string,
  choices: Record<ConsentKind, boolean>,
  origin: { ip: string | null; userAgent: string | null },
) {
  await db
    .insertInto("consents")
    .values(
      (Object.keys(choices) as ConsentKind[]).map((kind) => ({
        user_id: userId,
        kind,
        granted: choices[kind],
        ip: origin.ip,
        user_agent: origin.userAgent,
      })),
    )
    .execute();
}

export function setUserName(db: DbOrTrx, userId: string, name: string | null) {
  return db
    .updateTable("users")
    .set({ name, updated_at: sql`now()` })
    .where("id", "=", userId)
    .execute();
}

/** The interface language the customer chose (null: let the cookie or the browser decide). */
export function setUserLocale(db: DbOrTrx, userId: string, locale: Locale | null) {
  return db
    .updateTable("users")
    .set({ locale, updated_at: sql`now()` })
    .where("id", "=", userId)
    .execute();
}

/** The language an account takes at sign-in when it has none yet: one guarded UPDATE, a choice made later wins. */
export function setUserLocaleIfUnset(db: DbOrTrx, userId: string, locale: Locale) {
  return db
    .updateTable("users")
    .set({ locale, updated_at: sql`now()` })
    .where("id", "=", userId)
    .where("locale", "is", null)
    .execute();
}

export type AdminRoleChange =
  "granted" | "granted_new_account" | "already_admin" | "revoked" | "not_admin" | "no_account";

/**
 * Makes the address an admin (creating its account if needed), or with `grant: false` takes the role away; recorded in
 * the audit log (actor: the command line). Deleted accounts are not touched.
 */
export async function setAdminRole(db: Db, email: string, grant: boolean): Promise<AdminRoleChange> {
  return db.transaction().execute(async (trx) => {
    const normalized = email.trim().toLowerCase();
    let user = await trx
      .selectFrom("users")
      .select(["id", "role"])
      .where(sql`lower(email)`, "=", normalized)
      .where("deleted_at", "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!user && !grant) return "no_account";
    let created = false;
    if (!user) {
      user = await trx
        .insertInto("users")
        .values({ email: normalized, role: "admin" })
        .returning(["id", "role"])
        .executeTakeFirstOrThrow();
      created = true;
    } else if ((user.role === "admin") === grant) {
      return grant ? "already_admin" : "not_admin";
    } else {
      await trx
        .updateTable("users")
        .set({ role: grant ? "admin" : "customer", updated_at: sql`now()` })
        .where("id", "=", user.id)
        .execute();
    }
    await recordAudit(trx, {
      actorUserId: null,
      action: grant ? "user.admin_granted" : "user.admin_revoked",
      targetType: "user",
      targetId: user.id,
      reason: "npm run create-admin",
      details: { email: normalized, accountCreated: created },
    });
    return created ? "granted_new_account" : grant ? "granted" : "revoked";
  });
}
