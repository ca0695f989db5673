// Running the service: token usage, provider breakers, rate limits, fingerprints, generation rates, dead letters. (The
// database as a whole: db/schema.ts.)
import type { Generated } from "kysely";
import type { Timestamp, CreatedAt, BigCount, Json, NullableJson } from "./schema-columns";

export interface TokenUsageTable {
  id: Generated<string>;
  document_id: string | null;
  section_id: string | null;
  user_id: string | null;
  provider: string;
  model: string;
  purpose: string;
  tokens_in: number;
  tokens_out: number;
  cost_microdollars: BigCount;
  /** Made with the customer's own key: its cost is theirs, not TesiGo's (kept apart from our costs). */
  paid_by_customer: Generated<boolean>;
  created_at: CreatedAt;
}

export interface ProviderBreakersTable {
  provider: string;
  state: Generated<"closed" | "open" | "half_open">;
  failure_times: Json<string[]>;
  half_open_successes: Generated<number>;
  opened_at: Timestamp | null;
  updated_at: Timestamp;
  /** Pinned by an admin: `open` skips the provider, `closed` calls it whatever fails, until an admin resets it. */
  forced_state: "open" | "closed" | null;
  forced_at: Timestamp | null;
  forced_by: string | null;
  forced_reason: string | null;
  /** The last failed call's reason ("HTTP 503", "timeout"), kept after the breaker closes again. */
  last_error: string | null;
  last_failure_at: Timestamp | null;
}

export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  count: Generated<number>;
}

export interface ShinglesTable {
  hash: BigCount;
  section_id: string;
  document_id: string;
  created_at: CreatedAt;
  /** The SHINGLE_HASH_VERSION that computed `hash`; 0: stored before versions were recorded. */
  hash_version: Generated<number>;
}

export interface GenerationRatesTable {
  kind: string;
  seconds_per_page: number;
  samples: Generated<number>;
  updated_at: Timestamp;
}

/**
 * A job that exhausted its retries (pg-boss moved it to `<queue>.dead`), as the worker's dead-letter handler found it:
 * listed at /admin/jobs until an admin retries or discards it, and kept 30 days.
 */
export interface DeadLettersTable {
  /** The dead-letter job's id in pg-boss. */
  id: string;
  /** The queue the job died in (not its `.dead` queue). */
  queue: string;
  payload: NullableJson<unknown>;
  /** The original job's last error, when pg-boss still had it. */
  error: string | null;
  document_id: string | null;
  died_at: CreatedAt;
  handled_at: Timestamp | null;
  handled_by: string | null;
  outcome: "retried" | "discarded" | null;
  /** The job a retry sent. */
  retry_job_id: string | null;
}
