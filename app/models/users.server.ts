import { sql } from "kysely";
import type { ConsentKind } from "../../db/schema";
import type { DbOrTrx } from "../utils/db.server";

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
