// An order and what it becomes: the document, its sections, their attempts and sources, uploads, drafts, stored files,
// its timeline. (The database as a whole: db/schema.ts.)
import type { ColumnType, Generated, GeneratedAlways } from "kysely";
import type { Timestamp, CreatedAt, BigCount, Json, NullableJson } from "./schema-columns";

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
  /** Priced with the customer's own LLM key (BYOK_DISCOUNT): their key writes it, and a key deleted later changes no price. */
  priced_with_own_key: Generated<boolean>;
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
  /** Supported citations / citations, over the delivered text (decision 048); null when not judged (offline: N/A). */
  citation_precision: number | null;
  /** Sentences needing a citation that have a supporting one / sentences needing one; null when not judged. */
  citation_recall: number | null;
  tokens_in: BigCount;
  tokens_out: BigCount;
  cost_microdollars: BigCount;
  content: string | null;
  content_md5: GeneratedAlways<string | null>; // md5(content), kept by Postgres: the document page's cache version
  offline_demo: Generated<boolean>;
  failure_reason: string | null;
  docx_key: string | null;
  pdf_key: string | null;
  /** Changes of the text after delivery (edits, restores, kept regenerations); 0 as delivered. */
  text_revision: Generated<number>;
  /** The text_revision that content, docx_key and pdf_key show (behind text_revision while they are rebuilt). */
  files_revision: Generated<number>;
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
  /** Saves of this section's text after delivery: a save names the revision it edited, so two tabs cannot clash. */
  revision: Generated<number>;
  /** The revision whose text the quality gates last scored (behind revision while an edit is being checked). */
  checked_revision: Generated<number>;
  /** What the gates found wrong with that revision after an edit (messages in the order's language); [] when fine. */
  check_feedback: Json<string[]>;
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
  /** A source the customer uploaded (their own reference, which must be used); false for those research found. */
  priority: Generated<boolean>;
  /** Its position in the customer's file (1 = first); null for found sources. */
  import_position: number | null;
  /** How the plan checked a customer's entry against the indexes; null for found sources. */
  resolution: SourceResolution | null;
  /** ISO 639-1, as the index gave it (OpenAlex); null when no index said. */
  language: string | null;
  /** Where an open-access PDF of it is (OpenAlex best_oa_location, Semantic Scholar openAccessPdf); null: none known. */
  open_access_url: string | null;
  created_at: CreatedAt;
}

/** What came of fetching a source's open-access PDF; only "fetched" has pages. */
export type FullTextStatus =
  | "fetched"
  | "refused"
  | "too-large"
  | "timeout"
  | "not-pdf"
  | "encrypted"
  | "unreadable"
  | "failed"
  | "no-text"
  | "skipped";

export interface SourceFullTextsTable {
  source_id: string;
  url: string;
  status: FullTextStatus;
  /** The text of each page read, page 1 first. */
  pages: Generated<string[]>;
  /** Pages the PDF has (more than `pages` when it was cut at the page limit). */
  page_count: number | null;
  size_bytes: number | null;
  /** Why it failed, for operators. */
  detail: string | null;
  fetched_at: Generated<Date>;
}

export type SourceResolution = "pending" | "found-by-doi" | "found-by-title" | "not-found" | "not-checked";

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

export type VersionAuthor = "delivery" | "customer" | "regeneration" | "admin" | "restore";

/** A section's text as one version of a document holds it. */
export type VersionedSection = { index: number; heading: string; content: string };

/** The whole text of a document at one moment after delivery, and who made that moment. */
export interface DocumentVersionsTable {
  id: Generated<string>;
  document_id: string;
  /** 1, 2, 3… per document; 1 is the text as delivered. */
  number: number;
  author: VersionAuthor;
  author_user_id: string | null;
  sections: Json<VersionedSection[]>;
  /** Indexes of the sections this version changed from the one before. */
  changed_sections: ColumnType<number[], number[] | undefined, number[]>;
  /** The version a restore brought back. */
  restored_from: number | null;
  created_at: CreatedAt;
  /** A customer's saves within a few minutes of each other extend one version rather than make many. */
  updated_at: Timestamp;
}
