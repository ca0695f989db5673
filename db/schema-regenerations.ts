// A section of a delivered document written again with the customer's instruction (issue 21). (The database as a
// whole: db/schema.ts.)
import type { Generated } from "kysely";
import type { Timestamp, CreatedAt, BigCount, Json } from "./schema-columns";

export const REGENERATION_STATUSES = ["queued", "writing", "ready", "kept", "discarded", "failed"] as const;
export type RegenerationStatus = (typeof REGENERATION_STATUSES)[number];

export interface RegenerationsTable {
  id: Generated<string>;
  document_id: string;
  user_id: string;
  section_index: number;
  instruction: string;
  /** The section's revision when the regeneration was asked for: keeping it over a later edit is said first. */
  base_revision: number;
  status: Generated<RegenerationStatus>;
  /** The new text, once ready. */
  content: string | null;
  /** Attempts made; each delivery of its job makes one (as section.write does). */
  attempts: Generated<number>;
  /** The last attempt's failed checks, told to the next attempt. */
  feedback: Json<string[]>;
  score_uniqueness: number | null;
  score_grammar: number | null;
  score_ai: number | null;
  /** Why it failed, shown to the customer. */
  failure_reason: string | null;
  tokens_in: Generated<number>;
  tokens_out: Generated<number>;
  cost_microdollars: BigCount;
  /** The bought regeneration it uses; null: one of the order's free ones. */
  payment_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}
