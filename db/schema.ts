import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
// pg returns bigint columns as strings; we write numbers.
type BigCount = ColumnType<string, number | bigint | string | undefined, number | bigint | string>;
type Json<T> = ColumnType<T, string | undefined, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export const DOCUMENT_STATUSES = [
  "draft",
  "awaiting_payment",
  "queued",
  "generating",
  "completed",
  "completed_with_warnings",
  "failed_quality",
  "refunded",
  "failed",
  /** An order of a deleted account that was not delivered: never written (further), its payments refunded. */
  "cancelled",
] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export type SectionStatus = "pending" | "writing" | "passed" | "failed";
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

export interface ConsentsTable {
  id: Generated<string>;
  user_id: string;
  kind: ConsentKind;
  granted: boolean;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
}

export interface DocumentsTable {
  id: Generated<string>;
  user_id: string;
  kind: Generated<string>;
  topic: string;
  discipline: string | null;
  pages: number;
  language: string;
  citation_style: Generated<string>;
  instructions: string | null;
  requirements_text: string | null;
  express: Generated<boolean>;
  price_cents: number;
  currency: Generated<string>;
  status: Generated<DocumentStatus>;
  progress_percent: Generated<number>;
  progress_stage: string | null;
  current_section: number | null;
  total_sections: number | null;
  /** Sections passed or failed for good (the statement that finishes a section counts it). */
  sections_finished: Generated<number>;
  eta_seconds: number | null;
  quality_warnings: Json<string[]>;
  score_uniqueness: number | null;
  score_grammar: number | null;
  score_ai: number | null;
  tokens_in: BigCount;
  tokens_out: BigCount;
  cost_microdollars: BigCount;
  content: string | null;
  content_md5: GeneratedAlways<string | null>; // md5(content), kept by Postgres: the document page's cache version
  offline_demo: Generated<boolean>;
  failure_reason: string | null;
  docx_key: string | null;
  pdf_key: string | null;
  institution: string | null;
  review_findings: NullableJson<Record<string, unknown>>;
  requirements_report: NullableJson<Record<string, unknown>>;
  research_report: NullableJson<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  paid_at: Timestamp | null;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
}

export interface SectionsTable {
  id: Generated<string>;
  document_id: string;
  index: number;
  heading: string;
  brief: string;
  key_points: Json<string[]>;
  source_keys: Json<string[]>;
  target_words: number;
  status: Generated<SectionStatus>;
  attempts: Generated<number>;
  content: string | null;
  /** md5(content), kept by Postgres (a generated column: never written). */
  content_md5: GeneratedAlways<string | null>;
  summary: string | null;
  word_count: number | null;
  score_uniqueness: number | null;
  score_grammar: number | null;
  score_ai: number | null;
  provider: string | null;
  model: string | null;
  tokens_in: Generated<number>;
  tokens_out: Generated<number>;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  /** Attempts made before an admin sent the section back for rewriting: its new tries count from here. */
  attempts_before_rewrite: Generated<number>;
}

export interface SectionAttemptsTable {
  id: Generated<string>;
  section_id: string;
  attempt: number;
  content: string;
  passed: boolean;
  feedback: Json<string[]>;
  scores: Json<Record<string, number | null>>;
  provider: string;
  model: string;
  tokens_in: Generated<number>;
  tokens_out: Generated<number>;
  created_at: CreatedAt;
}

export interface SourcesTable {
  id: Generated<string>;
  document_id: string;
  key: string;
  doi: string | null;
  openalex_id: string | null;
  title: string;
  year: number | null;
  csl: Json<Record<string, unknown>>;
  abstract: string | null;
  cited_by_count: number | null;
  relevance: number | null;
  created_at: CreatedAt;
}

export interface PaymentsTable {
  id: Generated<string>;
  document_id: string;
  user_id: string;
  provider: "stripe" | "dev";
  stripe_checkout_session_id: string | null;
  stripe_payment_intent_id: string | null;
  amount_cents: number;
  refunded_cents: Generated<number>;
  currency: string;
  status: Generated<"pending" | "succeeded" | "failed" | "expired" | "refunded" | "partially_refunded">;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RefundsTable {
  id: Generated<string>;
  payment_id: string;
  amount_cents: number;
  reason: string;
  idempotency_key: string;
  stripe_refund_id: string | null;
  /** failed: the refund job gave up (dead-letter queue); an admin retries it (app/models/incidents.server.ts). */
  status: Generated<"pending" | "succeeded" | "failed">;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface StripeEventsTable {
  id: string;
  type: string;
  payload: Json<Record<string, unknown>>;
  received_at: CreatedAt;
  processed_at: Timestamp | null;
  /** The payment the event concerned, when it names one of ours (an account's events are redacted with it). */
  payment_id: string | null;
}

export type IncidentKind = "generation_failed" | "refund_failed" | "unknown_checkout_session" | "payment_mismatch";

/** Something an admin must look at: a failed order, a payment we cannot place, a refund that failed for good. */
export interface IncidentsTable {
  id: Generated<string>;
  kind: IncidentKind;
  document_id: string | null;
  payment_id: string | null;
  refund_id: string | null;
  summary: string;
  details: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
}

export interface UploadsTable {
  id: Generated<string>;
  user_id: string;
  document_id: string | null;
  filename: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  extracted_text: string | null;
  created_at: CreatedAt;
}

export interface DraftsTable {
  id: Generated<string>;
  document_id: string;
  version: number;
  content: string;
  created_at: CreatedAt;
}

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

/** A stored file (delivered DOCX/PDF, an upload) when files live in Postgres; `key` is what the rows name. */
export interface FilesTable {
  key: string;
  content: Buffer;
  content_type: string;
  size_bytes: number;
  /** Hex SHA-256 of `content`: what a move or a restore checks the bytes against. */
  sha256: string;
  created_at: CreatedAt;
}

/** A stage or status change of a document, as it happened (the admin's timeline of an order). */
export interface DocumentEventsTable {
  id: Generated<string>;
  document_id: string;
  stage: string | null;
  status: DocumentStatus;
  /** Why, where the change says (a failure's reason). */
  detail: string | null;
  created_at: CreatedAt;
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

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  sign_in_codes: SignInCodesTable;
  consents: ConsentsTable;
  documents: DocumentsTable;
  sections: SectionsTable;
  section_attempts: SectionAttemptsTable;
  sources: SourcesTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  stripe_events: StripeEventsTable;
  uploads: UploadsTable;
  drafts: DraftsTable;
  token_usage: TokenUsageTable;
  provider_breakers: ProviderBreakersTable;
  rate_limits: RateLimitsTable;
  shingles: ShinglesTable;
  generation_rates: GenerationRatesTable;
  audit_log: AuditLogTable;
  incidents: IncidentsTable;
  files: FilesTable;
  document_events: DocumentEventsTable;
  dead_letters: DeadLettersTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type Document = Selectable<DocumentsTable>;
export type NewDocument = Insertable<DocumentsTable>;
export type DocumentUpdate = Updateable<DocumentsTable>;
export type Section = Selectable<SectionsTable>;
export type Payment = Selectable<PaymentsTable>;
export type Refund = Selectable<RefundsTable>;
export type Incident = Selectable<IncidentsTable>;
