// Issue 22, item 6: `npm run byok:rotate` re-encrypts every customer LLM key from the old encryption key to the new
// one, in one transaction, and exits; run again it changes nothing; the old key no longer opens any of them.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { byokKeyring, openLlmKey, saveLlmKey } from "../../app/models/customer-llm-keys.server";
import { encryptionKey, UnreadableSecretError } from "../../app/utils/byok-crypto.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";

const ROOT = path.resolve(import.meta.dirname, "../..");
const OLD = randomBytes(32).toString("base64");
const NEW = randomBytes(32).toString("hex");

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.destroy());

function rotate(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { NODE_ENV: _unset, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/byok-rotate.ts"], {
      cwd: ROOT,
      env: { ...inherited, LOG_LEVEL: "fatal", DATABASE_URL: database.url, ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run byok:rotate", () => {
  it("re-encrypts every key from BYOK_ENCRYPTION_KEY_OLD to BYOK_ENCRYPTION_KEY once; the old key no longer opens them", async () => {
    const { db } = database;
    const keys = ["sk-proj-rotate-one-0123456789abcdef", "sk-ant-rotate-two-0123456789abcdef"];
    const users = await Promise.all(keys.map(() => insertUser(db)));
    for (const [i, user] of users.entries())
      await saveLlmKey(
        db,
        user.id,
        { provider: "openai", model: "gpt-4o-mini", baseUrl: null, apiKey: keys[i]!, fallbackAllowed: false },
        encryptionKey(OLD),
      );
    const before = await db.selectFrom("customer_llm_keys").select(["id", "key_ciphertext"]).orderBy("id").execute();

    const first = await rotate({ BYOK_ENCRYPTION_KEY: NEW, BYOK_ENCRYPTION_KEY_OLD: OLD });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe(
      `Re-encrypted 2 customer LLM key(s) from key ${encryptionKey(OLD).id} to key ${encryptionKey(NEW).id}.`,
    );
    const after = await db
      .selectFrom("customer_llm_keys")
      .select(["id", "key_ciphertext", "encryption_key_id"])
      .orderBy("id")
      .execute();
    for (const [i, row] of after.entries()) {
      expect(row.encryption_key_id).toBe(encryptionKey(NEW).id);
      expect(row.key_ciphertext.equals(before[i]!.key_ciphertext)).toBe(false);
    }
    const onlyNew = byokKeyring({ BYOK_ENCRYPTION_KEY: NEW, BYOK_ENCRYPTION_KEY_OLD: undefined });
    const onlyOld = byokKeyring({ BYOK_ENCRYPTION_KEY: OLD, BYOK_ENCRYPTION_KEY_OLD: undefined });
    for (const [i, user] of users.entries()) {
      expect((await openLlmKey(db, user.id, onlyNew))?.apiKey).toBe(keys[i]);
      await expect(openLlmKey(db, user.id, onlyOld)).rejects.toThrow(UnreadableSecretError);
    }

    const again = await rotate({ BYOK_ENCRYPTION_KEY: NEW, BYOK_ENCRYPTION_KEY_OLD: OLD });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Re-encrypted 0 customer LLM key(s)");
  }, 60_000);

  it("without both keys it says how to run it, and changes nothing", async () => {
    const run = await rotate({ BYOK_ENCRYPTION_KEY: NEW });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Usage: BYOK_ENCRYPTION_KEY=<new key> BYOK_ENCRYPTION_KEY_OLD=<previous key>");
  }, 30_000);
});
