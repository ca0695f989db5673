// The people: accounts, their sessions and sign-in codes, their consents, and what admins did to them. (The database as
// a whole: db/schema.ts.)
import type { Generated } from "kysely";
import type { Timestamp, CreatedAt, Json } from "./schema-columns";

export type ConsentKind = "essential" | "analytics" | "marketing";

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string | null;
  role: Generated<"customer" | "admin">;
  premium: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
  disabled_at: Timestamp | null; // set by an admin: no sign-in, its sessions have ended
  locale: string | null; // interface language chosen; null: the `lng` cookie, then Accept-Language decide
}

export interface SessionsTable {
  id: Generated<string>;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

/** A sign-in code mailed to `email`: only HMACs of the code and of its link are kept; single use, few tries. */
export interface SignInCodesTable {
  id: Generated<string>;
  email: string;
  code_hash: string;
  link_hash: string;
  attempts: Generated<number>;
  redirect_to: string | null;
  ip: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export type ApiScope = "orders:read" | "orders:write";

/** A customer's API key: only its SHA-256 is kept (the key is shown once) and its first characters, to recognise it. */
export interface ApiKeysTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: ApiScope[];
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** The answer to an API POST sent with an Idempotency-Key (issue 22), kept 24 hours. */
export interface IdempotencyKeysTable {
  id: Generated<string>;
  user_id: string;
  key: string;
  /** "POST /api/v1/orders": a key names one request, to one endpoint. */
  request: string;
  body_hash: string;
  status: Generated<"in_progress" | "done">;
  response_status: number | null;
  response_body: string | null;
  created_at: CreatedAt;
  completed_at: Timestamp | null;
}

export interface ConsentsTable {
  id: Generated<string>;
  user_id: string;
  kind: ConsentKind;
  granted: boolean;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<string>;
  actor_user_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Json<Record<string, unknown>>;
  ip: string | null;
  /** Why the actor did it (admins must say). */
  reason: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
}
