import { sql, type Kysely } from "kysely";

// Frozen in time: the whole data model of DESIGN.md §3. Later issues fill these tables; they add columns in new files.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pgcrypto`.execute(db);

  await db.schema
    .createTable("users")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("role", "text", (c) =>
      c
        .notNull()
        .defaultTo("customer")
        .check(sql`role in ('customer', 'admin')`),
    )
    .addColumn("premium", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("deleted_at", "timestamptz")
    .execute();
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);

  await db.schema
    .createTable("sessions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("revoked_at", "timestamptz")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("sessions_user_id_idx").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("consents")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('essential', 'analytics', 'marketing')`))
    .addColumn("granted", "boolean", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("consents_user_id_idx").on("consents").columns(["user_id", "kind"]).execute();

  await db.schema
    .createTable("documents")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().defaultTo("essay"))
    .addColumn("topic", "text", (c) => c.notNull())
    .addColumn("discipline", "text")
    .addColumn("pages", "integer", (c) => c.notNull().check(sql`pages between 1 and 200`))
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("citation_style", "text", (c) => c.notNull().defaultTo("apa7"))
    .addColumn("instructions", "text")
    .addColumn("requirements_text", "text")
    .addColumn("express", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("price_cents", "integer", (c) => c.notNull().check(sql`price_cents >= 0`))
    .addColumn("currency", "text", (c) => c.notNull().defaultTo("eur"))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("draft")
        .check(
          sql`status in ('draft', 'awaiting_payment', 'queued', 'generating', 'completed', 'completed_with_warnings', 'failed_quality', 'refunded', 'failed')`,
        ),
    )
    .addColumn("progress_percent", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("progress_stage", "text")
    .addColumn("current_section", "integer")
    .addColumn("total_sections", "integer")
    .addColumn("eta_seconds", "integer")
    .addColumn("quality_warnings", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("score_uniqueness", "real")
    .addColumn("score_grammar", "real")
    .addColumn("score_ai", "real")
    .addColumn("tokens_in", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("tokens_out", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("cost_microdollars", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("content", "text")
    .addColumn("offline_demo", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("failure_reason", "text")
    .addColumn("docx_key", "text")
    .addColumn("pdf_key", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("paid_at", "timestamptz")
    .addColumn("started_at", "timestamptz")
    .addColumn("completed_at", "timestamptz")
    .execute();
  await db.schema.createIndex("documents_user_id_idx").on("documents").columns(["user_id", "created_at"]).execute();
  await db.schema.createIndex("documents_status_idx").on("documents").column("status").execute();

  await db.schema
    .createTable("sections")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("index", "integer", (c) => c.notNull())
    .addColumn("heading", "text", (c) => c.notNull())
    .addColumn("brief", "text", (c) => c.notNull())
    .addColumn("key_points", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("source_keys", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("target_words", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`status in ('pending', 'writing', 'passed', 'failed')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("content", "text")
    .addColumn("summary", "text")
    .addColumn("word_count", "integer")
    .addColumn("score_uniqueness", "real")
    .addColumn("score_grammar", "real")
    .addColumn("score_ai", "real")
    .addColumn("provider", "text")
    .addColumn("model", "text")
    .addColumn("tokens_in", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("tokens_out", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("started_at", "timestamptz")
    .addColumn("completed_at", "timestamptz")
    .addUniqueConstraint("sections_document_index_key", ["document_id", "index"])
    .execute();

  await db.schema
    .createTable("section_attempts")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id").onDelete("cascade"))
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("passed", "boolean", (c) => c.notNull())
    .addColumn("feedback", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("scores", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("tokens_in", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("tokens_out", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("section_attempts_section_attempt_key", ["section_id", "attempt"])
    .execute();

  await db.schema
    .createTable("sources")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("doi", "text")
    .addColumn("openalex_id", "text")
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("year", "integer")
    .addColumn("csl", "jsonb", (c) => c.notNull())
    .addColumn("abstract", "text")
    .addColumn("cited_by_count", "integer")
    .addColumn("relevance", "real")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("sources_document_key_key", ["document_id", "key"])
    .execute();

  await db.schema
    .createTable("payments")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("provider", "text", (c) => c.notNull().check(sql`provider in ('stripe', 'dev')`))
    .addColumn("stripe_checkout_session_id", "text", (c) => c.unique())
    .addColumn("stripe_payment_intent_id", "text")
    .addColumn("amount_cents", "integer", (c) => c.notNull().check(sql`amount_cents >= 0`))
    .addColumn("refunded_cents", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`status in ('pending', 'succeeded', 'failed', 'expired', 'refunded', 'partially_refunded')`),
    )
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("payments_document_id_idx").on("payments").column("document_id").execute();

  await db.schema
    .createTable("refunds")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("payment_id", "uuid", (c) => c.notNull().references("payments.id").onDelete("cascade"))
    .addColumn("amount_cents", "integer", (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("idempotency_key", "text", (c) => c.notNull().unique())
    .addColumn("stripe_refund_id", "text")
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`status in ('pending', 'succeeded', 'failed')`),
    )
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("stripe_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("processed_at", "timestamptz")
    .execute();

  await db.schema
    .createTable("uploads")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("document_id", "uuid", (c) => c.references("documents.id").onDelete("set null"))
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("mime_type", "text", (c) => c.notNull())
    .addColumn("size_bytes", "integer", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("extracted_text", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("drafts")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("drafts_document_version_key", ["document_id", "version"])
    .execute();

  await db.schema
    .createTable("token_usage")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("document_id", "uuid", (c) => c.references("documents.id").onDelete("set null"))
    .addColumn("section_id", "uuid", (c) => c.references("sections.id").onDelete("set null"))
    .addColumn("user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("tokens_in", "integer", (c) => c.notNull())
    .addColumn("tokens_out", "integer", (c) => c.notNull())
    .addColumn("cost_microdollars", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("token_usage_created_at_idx").on("token_usage").column("created_at").execute();
  await db.schema.createIndex("token_usage_user_id_idx").on("token_usage").columns(["user_id", "created_at"]).execute();

  await db.schema
    .createTable("provider_breakers")
    .addColumn("provider", "text", (c) => c.primaryKey())
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("closed")
        .check(sql`state in ('closed', 'open', 'half_open')`),
    )
    .addColumn("failure_times", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("half_open_successes", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("opened_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("rate_limits")
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("window_start", "timestamptz", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("rate_limits_pkey", ["key", "window_start"])
    .execute();

  await db.schema
    .createTable("shingles")
    .addColumn("hash", "bigint", (c) => c.notNull())
    .addColumn("section_id", "uuid", (c) => c.notNull().references("sections.id").onDelete("cascade"))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("shingles_pkey", ["hash", "section_id"])
    .execute();

  await db.schema
    .createTable("generation_rates")
    .addColumn("kind", "text", (c) => c.primaryKey())
    .addColumn("seconds_per_page", "real", (c) => c.notNull())
    .addColumn("samples", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("actor_user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text")
    .addColumn("target_id", "text")
    .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("ip", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("audit_log_created_at_idx").on("audit_log").column("created_at").execute();

  // The table @socket.io/postgres-adapter uses for web-to-web broadcasts (its default name).
  await sql`create table if not exists socket_io_attachments (
    id bigserial unique,
    created_at timestamptz default now(),
    payload bytea
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "socket_io_attachments",
    "audit_log",
    "generation_rates",
    "shingles",
    "rate_limits",
    "provider_breakers",
    "token_usage",
    "drafts",
    "uploads",
    "stripe_events",
    "refunds",
    "payments",
    "sources",
    "section_attempts",
    "sections",
    "documents",
    "consents",
    "sessions",
    "users",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
