// A customer's own LLM key (issue 22, item 6): one per account, kept only sealed (app/utils/byok-crypto.server.ts) and
// shown as its last 4 characters. The worker opens it for an order priced with it, and nothing else ever does.
import { sql } from "kysely";
import type { CustomerLlmProvider } from "../../db/schema";
import { encryptionKey, seal, unseal, type EncryptionKey } from "../utils/byok-crypto.server";
import type { DbOrTrx } from "../utils/db.server";
import type { Env } from "../utils/env.server";
import { isUuid } from "./documents.server";

/** The encryption keys this process may open keys with: the current one first (it seals), then the previous one. */
export function byokKeyring(env: Pick<Env, "BYOK_ENCRYPTION_KEY" | "BYOK_ENCRYPTION_KEY_OLD">): EncryptionKey[] {
  return [env.BYOK_ENCRYPTION_KEY, env.BYOK_ENCRYPTION_KEY_OLD]
    .filter((value): value is string => Boolean(value))
    .map(encryptionKey);
}

/** What the account page and the admin area may see of a key: never the key. */
export type LlmKeySummary = {
  id: string;
  provider: CustomerLlmProvider;
  model: string;
  baseUrl: string | null;
  last4: string;
  fallbackAllowed: boolean;
  refusedAt: Date | null;
  updatedAt: Date;
};

export async function getLlmKeySummary(db: DbOrTrx, userId: string): Promise<LlmKeySummary | undefined> {
  const row = await db
    .selectFrom("customer_llm_keys")
    .select(["id", "provider", "model", "base_url", "last4", "fallback_allowed", "refused_at", "updated_at"])
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      provider: row.provider,
      model: row.model,
      baseUrl: row.base_url,
      last4: row.last4,
      fallbackAllowed: row.fallback_allowed,
      refusedAt: row.refused_at,
      updatedAt: row.updated_at,
    }
  );
}

export type NewLlmKey = {
  provider: CustomerLlmProvider;
  model: string;
  baseUrl: string | null;
  apiKey: string;
  fallbackAllowed: boolean;
};

/** Saves the customer's key (replacing the one they had), sealed with the current encryption key. */
export async function saveLlmKey(trx: DbOrTrx, userId: string, key: NewLlmKey, sealWith: EncryptionKey) {
  const sealed = seal(key.apiKey, sealWith);
  const values = {
    provider: key.provider,
    model: key.model,
    base_url: key.provider === "compat" ? key.baseUrl : null,
    encryption_key_id: sealed.keyId,
    key_iv: sealed.iv,
    key_ciphertext: sealed.ciphertext,
    key_tag: sealed.tag,
    last4: key.apiKey.slice(-4),
    fallback_allowed: key.fallbackAllowed,
    refused_at: null,
    updated_at: sql<Date>`now()`,
  };
  await trx
    .insertInto("customer_llm_keys")
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column("user_id").doUpdateSet(values))
    .execute();
}

/** Changes only the fallback choice of the customer's saved key; false when they have none. */
export async function setLlmKeyFallback(db: DbOrTrx, userId: string, fallbackAllowed: boolean): Promise<boolean> {
  const result = await db
    .updateTable("customer_llm_keys")
    .set({ fallback_allowed: fallbackAllowed, updated_at: sql`now()` })
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes the customer's key by its id; another customer's id (or a malformed one) deletes nothing: false. */
export async function deleteLlmKey(db: DbOrTrx, userId: string, keyId: string): Promise<boolean> {
  if (!isUuid(keyId)) return false;
  const result = await db
    .deleteFrom("customer_llm_keys")
    .where("id", "=", keyId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function hasLlmKey(db: DbOrTrx, userId: string): Promise<boolean> {
  const row = await db.selectFrom("customer_llm_keys").select("id").where("user_id", "=", userId).executeTakeFirst();
  return Boolean(row);
}

/** The key opened, for the one call that needs it (the worker's writer of an order priced with it). */
export type OpenedLlmKey = {
  provider: CustomerLlmProvider;
  model: string;
  baseUrl: string | null;
  apiKey: string;
  fallbackAllowed: boolean;
};

export async function openLlmKey(
  db: DbOrTrx,
  userId: string,
  keyring: readonly EncryptionKey[],
): Promise<OpenedLlmKey | undefined> {
  const row = await db.selectFrom("customer_llm_keys").selectAll().where("user_id", "=", userId).executeTakeFirst();
  if (!row) return undefined;
  const apiKey = unseal(
    { keyId: row.encryption_key_id, iv: row.key_iv, ciphertext: row.key_ciphertext, tag: row.key_tag },
    keyring,
  );
  return {
    provider: row.provider,
    model: row.model,
    baseUrl: row.base_url,
    apiKey,
    fallbackAllowed: row.fallback_allowed,
  };
}

/** Re-seals every key sealed with `from` under `to`; keys already under `to` are left alone. Returns how many. */
export async function resealLlmKeys(trx: DbOrTrx, from: EncryptionKey, to: EncryptionKey): Promise<number> {
  const rows = await trx
    .selectFrom("customer_llm_keys")
    .select(["id", "encryption_key_id", "key_iv", "key_ciphertext", "key_tag"])
    .where("encryption_key_id", "=", from.id)
    .forUpdate()
    .execute();
  for (const row of rows) {
    const apiKey = unseal(
      { keyId: row.encryption_key_id, iv: row.key_iv, ciphertext: row.key_ciphertext, tag: row.key_tag },
      [from],
    );
    const sealed = seal(apiKey, to);
    await trx
      .updateTable("customer_llm_keys")
      .set({
        encryption_key_id: sealed.keyId,
        key_iv: sealed.iv,
        key_ciphertext: sealed.ciphertext,
        key_tag: sealed.tag,
      })
      .where("id", "=", row.id)
      .where("encryption_key_id", "=", from.id)
      .execute();
  }
  return rows.length;
}
