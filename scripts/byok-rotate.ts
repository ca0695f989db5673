// `npm run byok:rotate`: re-encrypts every customer LLM key sealed with BYOK_ENCRYPTION_KEY_OLD under
// BYOK_ENCRYPTION_KEY, in one transaction, and prints one line. Run it again and nothing changes (idempotent). Keys
// sealed with a third key are left alone and counted, so a missing old key is seen rather than hidden.
import { sql } from "kysely";
import { resealLlmKeys } from "../app/models/customer-llm-keys.server";
import { encryptionKey } from "../app/utils/byok-crypto.server";
import { createDb } from "../app/utils/db.server";
import { getEnv, loadDotEnvFile } from "../app/utils/env.server";
import { migrateToLatest } from "../db/migrate";
import { openDatabaseForTool } from "../db/open";
import { runTool } from "./run-tool";

async function main(): Promise<number> {
  loadDotEnvFile();
  const env = getEnv();
  const newValue = process.env.BYOK_ENCRYPTION_KEY;
  if (!newValue || !env.BYOK_ENCRYPTION_KEY_OLD) {
    console.error(
      "Usage: BYOK_ENCRYPTION_KEY=<new key> BYOK_ENCRYPTION_KEY_OLD=<previous key> npm run byok:rotate (both 32 bytes, hex or base64)",
    );
    return 2;
  }
  const to = encryptionKey(newValue);
  const from = encryptionKey(env.BYOK_ENCRYPTION_KEY_OLD);
  if (to.id === from.id) {
    console.error("BYOK_ENCRYPTION_KEY and BYOK_ENCRYPTION_KEY_OLD are the same key: nothing to rotate.");
    return 2;
  }
  const { url, embedded } = await openDatabaseForTool(env, () => {});
  const db = createDb(url, 2);
  try {
    await migrateToLatest(db);
    const { resealed, unknown } = await db.transaction().execute(async (trx) => {
      const count = await resealLlmKeys(trx, from, to);
      const others = await sql<{ n: number }>`select count(*)::int as n from customer_llm_keys
        where encryption_key_id not in (${from.id}, ${to.id})`.execute(trx);
      return { resealed: count, unknown: others.rows[0]!.n };
    });
    console.log(
      `Re-encrypted ${resealed} customer LLM key(s) from key ${from.id} to key ${to.id}` +
        (unknown ? `; ${unknown} key(s) sealed with another key were left alone.` : "."),
    );
    return unknown ? 1 : 0;
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

runTool("byok:rotate", main);
