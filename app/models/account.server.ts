import { sql } from "kysely";
import type { Db, DbOrTrx } from "../utils/db.server";
import { logger } from "../utils/logger.server";
import { deleteStoredFile } from "../utils/storage.server";
import { revokeAllSessions } from "./sessions.server";
import { deleteUploadsOfUser } from "./uploads.server";

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
        })),
        payments: payments.map((p) => ({
          ...p,
          refunds: refunds.filter((r) => r.payment_id === p.id).map(({ payment_id: _, ...r }) => r),
        })),
        uploads,
      };
    });
}

export type DeletedAccount = {
  sessionsRevoked: number;
  documentsCleared: number;
  uploadsDeleted: number;
  documentFilesDeleted: number;
};

export function anonymisedEmail(userId: string): string {
  return `deleted-${userId}@deleted.invalid`;
}

/**
 * Deletes an account at the customer's request, in one transaction: the user is anonymised and signed out everywhere,
 * uploads and the written text are removed. Payments, refunds and consents stay (accounting and proof of consent),
 * now pointing at the anonymised user. Delivered DOCX/PDF files go once the transaction has committed.
 * Returns undefined when the user does not exist or was already deleted.
 */
export async function deleteAccount(
  db: Db,
  userId: string,
  origin: { ip: string | null; userAgent?: string | null },
): Promise<DeletedAccount | undefined> {
  const outcome = await db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom("users")
      .select("id")
      .where("id", "=", userId)
      .where("deleted_at", "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!user) return undefined;

    await trx
      .updateTable("users")
      .set({ email: anonymisedEmail(userId), name: null, deleted_at: sql`now()`, updated_at: sql`now()` })
      .where("id", "=", userId)
      .execute();
    const sessionsRevoked = await revokeAllSessions(trx, userId);

    const documents = await trx
      .selectFrom("documents")
      .select(["id", "docx_key", "pdf_key"])
      .where("user_id", "=", userId)
      .forUpdate()
      .execute();
    const documentIds = documents.map((d) => d.id);
    const fileKeys = documents.flatMap((d) => [d.docx_key, d.pdf_key]).filter((k): k is string => Boolean(k));

    if (documentIds.length) {
      await trx
        .updateTable("documents")
        .set({ content: null, requirements_text: null, instructions: null, docx_key: null, pdf_key: null, updated_at: sql`now()` })
        .where("id", "in", documentIds)
        .execute();
      await trx.updateTable("sections").set({ content: null, summary: null }).where("document_id", "in", documentIds).execute();
      await trx
        .deleteFrom("section_attempts")
        .where("section_id", "in", (eb) => eb.selectFrom("sections").select("id").where("document_id", "in", documentIds))
        .execute();
      await trx.deleteFrom("drafts").where("document_id", "in", documentIds).execute();
    }

    // Stored uploads go last but for the audit row: a later failure could not bring those files back.
    const uploadsDeleted = await deleteUploadsOfUser(trx, userId);
    await trx
      .insertInto("audit_log")
      .values({
        actor_user_id: userId,
        action: "account.deleted",
        target_type: "user",
        target_id: userId,
        details: JSON.stringify({ sessionsRevoked, documentsCleared: documentIds.length, documentFiles: fileKeys.length, uploadsDeleted }),
        ip: origin.ip,
      })
      .execute();

    return { sessionsRevoked, documentsCleared: documentIds.length, uploadsDeleted, fileKeys };
  });
  if (!outcome) return undefined;

  // The rows no longer name these files; a file that cannot be removed now is logged, not fatal to the deletion.
  let documentFilesDeleted = 0;
  for (const key of outcome.fileKeys) {
    try {
      await deleteStoredFile(key);
      documentFilesDeleted++;
    } catch (error) {
      logger.warn({ err: error, userId, key }, "could not delete a stored document file of a deleted account");
    }
  }
  const { fileKeys: _, ...rest } = outcome;
  return { ...rest, documentFilesDeleted };
}
