// A customer's API keys (issue 22): made on /account/api-keys and shown once, kept only as a SHA-256 (a key of 192
// random bits needs no slow hash: it cannot be guessed, only stolen) with its first characters for display, revoked
// for good. A request names its key as `Authorization: Bearer tsg_…`; the key's owner must still be an active account.
import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { ApiScope } from "../../db/schema";
import { inTransaction, type DbOrTrx } from "../utils/db.server";
import { lockAccountBelowLimit } from "./account-limits.server";
import { isUuid } from "./documents.server";

export { API_SCOPES } from "../utils/api-scopes";
export const KEY_PREFIX = "tsg_";
/** The characters of a key shown in the list (with tsg_), enough to tell keys apart, useless to an attacker. */
const DISPLAY_CHARACTERS = 8;
/** A key's use is written at most this often (not on every request). */
const LAST_USED_RESOLUTION_SECONDS = 60;
/** A customer's live keys at most (a form clicked in a loop makes no table of millions). */
export const MAX_KEYS = 20;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** A new key: tsg_ + 32 URL-safe characters (24 random bytes). */
function newKey(): string {
  return KEY_PREFIX + randomBytes(24).toString("base64url");
}

export type NewApiKey = { id: string; key: string; prefix: string };

/** Makes a key for the user; the full key is returned here only. Undefined when the user has MAX_KEYS live keys. */
export async function createApiKey(
  db: DbOrTrx,
  userId: string,
  input: { name: string; scopes: readonly ApiScope[] },
): Promise<NewApiKey | undefined> {
  const key = newKey();
  const prefix = key.slice(0, KEY_PREFIX.length + DISPLAY_CHARACTERS);
  return inTransaction(db, async (trx) => {
    const live = (t: typeof trx) =>
      t
        .selectFrom("api_keys")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .executeTakeFirstOrThrow()
        .then((row) => Number(row.n));
    if (!(await lockAccountBelowLimit(trx, userId, MAX_KEYS, live))) return undefined;
    const created = await trx
      .insertInto("api_keys")
      .values({ user_id: userId, name: input.name, prefix, hash: hashApiKey(key), scopes: [...new Set(input.scopes)] })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id: created.id, key, prefix };
  });
}

/** The user's keys, newest first, without anything that could be used as a key. */
export function listApiKeys(db: DbOrTrx, userId: string) {
  return db
    .selectFrom("api_keys")
    .select(["id", "name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .execute();
}

/** Revokes one of the user's keys; false when it is not theirs or already revoked. */
export async function revokeApiKey(db: DbOrTrx, userId: string, keyId: string): Promise<boolean> {
  if (!isUuid(keyId)) return false;
  const result = await db
    .updateTable("api_keys")
    .set({ revoked_at: sql`now()` })
    .where("id", "=", keyId)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type ApiCaller = { userId: string; keyId: string; scopes: ApiScope[] };
export type ApiKeyRefusal = { code: "missing_key" | "invalid_key" | "revoked_key" | "account_disabled" };

/** The bearer key of an Authorization header, if it has the shape of one of ours. */
export function bearerKey(header: string | null): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * Who calls with this Authorization header: the key's owner and scopes, or why not. A revoked key, and a key of a
 * disabled or deleted account, stop working at the next request. Records the use (to the minute).
 */
export async function authenticateApiKey(
  db: DbOrTrx,
  authorization: string | null,
): Promise<ApiCaller | ApiKeyRefusal> {
  const key = bearerKey(authorization);
  if (!key) return { code: "missing_key" };
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return { code: "invalid_key" };
  const row = await db
    .selectFrom("api_keys as k")
    .innerJoin("users as u", "u.id", "k.user_id")
    .select(["k.id", "k.user_id", "k.scopes", "k.revoked_at", "u.disabled_at", "u.deleted_at"])
    .select(
      sql<boolean>`k.last_used_at is null or k.last_used_at < now() - make_interval(secs => ${LAST_USED_RESOLUTION_SECONDS})`.as(
        "stale",
      ),
    )
    .where("k.hash", "=", hashApiKey(key))
    .executeTakeFirst();
  if (!row) return { code: "invalid_key" };
  if (row.revoked_at) return { code: "revoked_key" };
  if (row.disabled_at || row.deleted_at) return { code: "account_disabled" };
  if (row.stale)
    await db
      .updateTable("api_keys")
      .set({ last_used_at: sql`now()` })
      .where("id", "=", row.id)
      .execute();
  return { userId: row.user_id, keyId: row.id, scopes: row.scopes };
}

/**
 * The live key an API request names (for the rate limiter: its own bucket and its account's), without recording its
 * use; undefined for a missing, invented or revoked key (those count against the client's address).
 */
export async function apiKeyOfRequest(db: DbOrTrx, authorization: string | null) {
  const key = bearerKey(authorization);
  if (!key?.startsWith(KEY_PREFIX) || key.length > 200) return undefined;
  return db
    .selectFrom("api_keys")
    .select(["id", "user_id"])
    .where("hash", "=", hashApiKey(key))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}
