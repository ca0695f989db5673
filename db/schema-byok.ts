// A customer's own LLM key (issue 22, item 6): only its encryption is kept, and its last 4 characters to recognise
// it. (The database as a whole: db/schema.ts.)
import type { Generated } from "kysely";
import type { Timestamp, CreatedAt } from "./schema-columns";

export const CUSTOMER_LLM_PROVIDERS = ["openai", "anthropic", "compat"] as const;
export type CustomerLlmProvider = (typeof CUSTOMER_LLM_PROVIDERS)[number];

export interface CustomerLlmKeysTable {
  id: Generated<string>;
  user_id: string;
  provider: CustomerLlmProvider;
  model: string;
  /** An OpenAI-compatible server's address; null for OpenAI and Anthropic. */
  base_url: string | null;
  /** Which BYOK_ENCRYPTION_KEY sealed it (app/utils/byok-crypto.server.ts, encryptionKeyId). */
  encryption_key_id: string;
  key_iv: Buffer;
  key_ciphertext: Buffer;
  key_tag: Buffer;
  last4: string;
  /** The customer allows TesiGo's own writers (at the normal price) when their key fails. */
  fallback_allowed: Generated<boolean>;
  /** When the provider last refused it during an order (the account page says so until a new key is saved). */
  refused_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
