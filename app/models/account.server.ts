import type { Db, DbOrTrx } from "../utils/db.server";

/** The account page's list of orders, newest first. */
export function listAccountDocuments(db: DbOrTrx, userId: string) {
  return db
    .selectFrom("documents")
    .select([
      "id",
      "topic",
      "kind",
      "status",
      "pages",
      "citation_style",
      "score_uniqueness",
      "score_grammar",
      "score_ai",
      "offline_demo",
      "created_at",
    ])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
}

/** The user's own payments with the topic of the order each paid for, newest first. */
export function listAccountPayments(db: DbOrTrx, userId: string) {
  return db
    .selectFrom("payments")
    .innerJoin("documents", "documents.id", "payments.document_id")
    .select([
      "payments.id",
      "payments.document_id",
      "documents.topic",
      "payments.provider",
      "payments.amount_cents",
      "payments.refunded_cents",
      "payments.currency",
      "payments.status",
      "payments.created_at",
    ])
    .where("payments.user_id", "=", userId)
    .orderBy("payments.created_at", "desc")
    .orderBy("payments.id")
    .execute();
}

// What a customer sees of their own data. Internal columns stay out: storage keys, token counts and our costs,
// refund idempotency keys, the text extracted from uploads.
const EXPORT_DOCUMENT_COLUMNS = [
  "id",
  "kind",
  "topic",
  "discipline",
  "institution",
  "pages",
  "language",
  "citation_style",
  "instructions",
  "requirements_text",
  "express",
  "price_cents",
  "currency",
  "status",
  "quality_warnings",
  "review_findings",
  "requirements_report",
  "score_uniqueness",
  "score_grammar",
  "score_ai",
  "content",
  "offline_demo",
  "failure_reason",
  "created_at",
  "updated_at",
  "paid_at",
  "started_at",
  "completed_at",
] as const;

export type UserDataExport = NonNullable<Awaited<ReturnType<typeof exportUserData>>>;

/** Everything we hold about one user that they are entitled to receive (GDPR art. 15/20); undefined if no such user. */
export async function exportUserData(db: Db, userId: string) {
  // One consistent snapshot: an order paid while the export runs shows up in both documents and payments, or in neither.
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .setAccessMode("read only")
    .execute(async (trx) => {
      const user = await trx
        .selectFrom("users")
        .select(["id", "email", "name", "role", "created_at"])
        .where("id", "=", userId)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (!user) return undefined;

      const consents = await trx
        .selectFrom("consents")
        .select(["kind", "granted", "ip", "user_agent", "created_at"])
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("kind")
        .execute();

      const documents = await trx
        .selectFrom("documents")
        .select(EXPORT_DOCUMENT_COLUMNS)
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();

      const sections = await trx
        .selectFrom("sections")
        .innerJoin("documents", "documents.id", "sections.document_id")
        .select([
          "sections.document_id",
          "sections.index",
          "sections.heading",
          "sections.brief",
          "sections.key_points",
          "sections.status",
          "sections.content",
          "sections.word_count",
          "sections.score_uniqueness",
          "sections.score_grammar",
          "sections.score_ai",
        ])
        .where("documents.user_id", "=", userId)
        .orderBy("sections.document_id")
        .orderBy("sections.index")
        .execute();

      // Every earlier text of the documents after delivery (issue 21), oldest first.
      const versions = await trx
        .selectFrom("document_versions as v")
        .innerJoin("documents", "documents.id", "v.document_id")
        .select(["v.document_id", "v.number", "v.author", "v.sections", "v.created_at", "v.updated_at"])
        .where("documents.user_id", "=", userId)
        .orderBy("v.document_id")
        .orderBy("v.number")
        .execute();

      // Sections written again at the customer's request (issue 21), with their instructions.
      const regenerations = await trx
        .selectFrom("regenerations as r")
        .innerJoin("documents", "documents.id", "r.document_id")
        .select(["r.document_id", "r.section_index", "r.instruction", "r.status", "r.content", "r.created_at"])
        .where("documents.user_id", "=", userId)
        .orderBy("r.document_id")
        .orderBy("r.created_at")
        .execute();

      const payments = await trx
        .selectFrom("payments")
        .select([
          "id",
          "document_id",
          "provider",
          "stripe_payment_intent_id",
          "amount_cents",
          "refunded_cents",
          "currency",
          "status",
          "created_at",
          "updated_at",
        ])
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();

      const refunds = await trx
        .selectFrom("refunds")
        .innerJoin("payments", "payments.id", "refunds.payment_id")
        .select([
          "refunds.id",
          "refunds.payment_id",
          "refunds.amount_cents",
          "refunds.reason",
          "refunds.status",
          "refunds.stripe_refund_id",
          "refunds.created_at",
          "refunds.updated_at",
        ])
        .where("payments.user_id", "=", userId)
        .orderBy("refunds.created_at")
        .orderBy("refunds.id")
        .execute();

      const stripeEvents = await trx
        .selectFrom("stripe_events")
        .innerJoin("payments", "payments.id", "stripe_events.payment_id")
        .select([
          "stripe_events.id",
          "stripe_events.payment_id",
          "stripe_events.type",
          "stripe_events.received_at",
          "stripe_events.payload",
        ])
        .where("payments.user_id", "=", userId)
        .orderBy("stripe_events.received_at")
        .orderBy("stripe_events.id")
        .execute();

      const sessions = await trx
        .selectFrom("sessions")
        .select(["created_at", "expires_at", "revoked_at", "ip", "user_agent"])
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();

      // Never the key (it is not kept) nor its hash: what the customer sees on their keys page.
      const apiKeys = await trx
        .selectFrom("api_keys")
        .select(["name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"])
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();

      // Never the key, sealed or not: what the customer sees on their LLM key page.
      const llmKey = await trx
        .selectFrom("customer_llm_keys")
        .select([
          "provider",
          "model",
          "base_url",
          "last4",
          "fallback_allowed",
          "refused_at",
          "created_at",
          "updated_at",
        ])
        .where("user_id", "=", userId)
        .executeTakeFirst();
      // Never the signing secret: what the customer sees on their webhooks page.
      const webhookEndpoints = await trx
        .selectFrom("webhook_endpoints")
        .select(["url", "events", "created_at", "disabled_at"])
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();

      const uploads = await trx
        .selectFrom("uploads")
        .select(["id", "filename", "mime_type", "size_bytes", "sha256", "created_at", "document_id"])
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();

      return {
        format: "tesigo-user-export",
        version: 1,
        exported_at: new Date().toISOString(),
        user,
        consents,
        documents: documents.map((d) => ({
          ...d,
          sections: sections.filter((s) => s.document_id === d.id).map(({ document_id: _, ...s }) => s),
          versions: versions.filter((v) => v.document_id === d.id).map(({ document_id: _, ...v }) => v),
          regenerations: regenerations.filter((r) => r.document_id === d.id).map(({ document_id: _, ...r }) => r),
        })),
        payments: payments.map((p) => ({
          ...p,
          refunds: refunds.filter((r) => r.payment_id === p.id).map(({ payment_id: _, ...r }) => r),
          stripe_events: stripeEvents.filter((e) => e.payment_id === p.id).map(({ payment_id: _, ...e }) => e),
        })),
        sessions,
        api_keys: apiKeys,
        llm_key: llmKey ?? null,
        webhook_endpoints: webhookEndpoints,
        uploads,
      };
    });
}
