import { sql } from "kysely";
import { transactionRetryingDeadlocks, type Db, type DbOrTrx } from "../utils/db.server";
import { accountDeletedEmail } from "../utils/email-templates.server";
import { logger } from "../utils/logger.server";
import { QUEUES } from "../jobs/definitions";
import { sendJob } from "../jobs/queue.server";
import { deleteStoredFile } from "../utils/storage.server";
import { getStripe } from "../utils/stripe.server";
import { setStage } from "./document-progress.server";
import { revokeAllSessions } from "./sessions.server";
import { deleteUploadsOfUser } from "./uploads.server";

export type DeletedAccount = {
  sessionsRevoked: number;
  documentsCleared: number;
  ordersCancelled: number;
  refundsQueued: number;
  uploadsDeleted: number;
  documentFilesDeleted: number;
};

export function anonymisedEmail(userId: string): string {
  return `deleted-${userId}@deleted.invalid`;
}

/** What a deleted account's order keeps of its personal text: the order stays for accounting, its words do not. */
export const DELETED_TEXT = "[deleted]";
const UNDELIVERED = ["draft", "awaiting_payment", "queued", "generating"] as const;

/**
 * Deletes an account at the customer's request, in one transaction: orders not yet delivered are cancelled (nothing
 * more is written for them; what was written of them is removed) and what was paid for them is refunded in full, with
 * an email to the address the account had; payments still open are closed; the user is anonymised and signed out
 * everywhere; every personal text of the account is cleared (topics, disciplines, institutions, requirements, outlines,
 * texts, review findings, warnings, session IPs and user agents, Stripe's event payloads) and uploads removed.
 * Payments, refunds and consents stay (accounting and proof of consent), now pointing at the anonymised user.
 * Delivered DOCX/PDF files go and open Checkout Sessions are expired once the transaction has committed (a session
 * paid all the same is refunded when its webhook comes: the order is cancelled).
 * Returns undefined when the user does not exist or was already deleted.
 */
export async function deleteAccount(
  db: Db,
  userId: string,
  origin: { ip: string | null; userAgent?: string | null },
): Promise<DeletedAccount | undefined> {
  // A writer finishing one of the orders' sections meanwhile locks in the other order: the loser of a deadlock retries.
  const outcome = await transactionRetryingDeadlocks(db, async (trx) => {
    const user = await trx
      .selectFrom("users")
      .select(["id", "email", "locale"])
      .where("id", "=", userId)
      .where("deleted_at", "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!user) return undefined;

    // Locked first (as every money path does): a payment confirmed meanwhile waits, then finds the order cancelled.
    const documents = await trx.selectFrom("documents").selectAll().where("user_id", "=", userId).forUpdate().execute();
    const documentIds = documents.map((d) => d.id);
    const fileKeys = documents.flatMap((d) => [d.docx_key, d.pdf_key]).filter((k): k is string => Boolean(k));
    const cancelled = documents.filter((d) => (UNDELIVERED as readonly string[]).includes(d.status));
    const cancelledIds = cancelled.map((d) => d.id);

    const closed = await trx
      .updateTable("payments")
      .set({ status: "expired", updated_at: sql`now()` })
      .where("user_id", "=", userId)
      .where("status", "=", "pending")
      .returning("stripe_checkout_session_id")
      .execute();
    const refunds = cancelledIds.length
      ? await trx
          .selectFrom("payments")
          .select(["id", "document_id", "amount_cents", "refunded_cents"])
          .where("document_id", "in", cancelledIds)
          .where("status", "in", ["succeeded", "partially_refunded"])
          .execute()
      : [];
    for (const payment of refunds) {
      await sendJob(trx, QUEUES.refundPayment, {
        paymentId: payment.id,
        reason: "account_deleted",
        documentId: payment.document_id,
      });
    }
    // Told at the address the account has until this transaction ends: money is on its way back.
    if (refunds.length || closed.length) {
      const paidOrders = cancelled
        .map((order) => ({
          order,
          refundCents: refunds
            .filter((p) => p.document_id === order.id)
            .reduce((sum, p) => sum + p.amount_cents - p.refunded_cents, 0),
        }))
        .filter((o) => o.refundCents > 0);
      await sendJob(trx, QUEUES.sendEmail, await accountDeletedEmail(user, paidOrders, closed.length));
    }

    await trx
      .updateTable("users")
      .set({ email: anonymisedEmail(userId), name: null, deleted_at: sql`now()`, updated_at: sql`now()` })
      .where("id", "=", userId)
      .execute();
    const sessionsRevoked = await revokeAllSessions(trx, userId);
    await trx.updateTable("sessions").set({ ip: null, user_agent: null }).where("user_id", "=", userId).execute();
    // Its API keys stop working with the account (they would anyway: the owner is deleted) and leave no trace.
    await trx.deleteFrom("api_keys").where("user_id", "=", userId).execute();
    // Their own LLM key is theirs alone: nothing of it is kept, sealed or not.
    await trx.deleteFrom("customer_llm_keys").where("user_id", "=", userId).execute();
    // Its webhook endpoints (with their secrets and delivery log) and the events its orders told: nothing more is sent.
    await trx.deleteFrom("webhook_endpoints").where("user_id", "=", userId).execute();
    await trx.deleteFrom("webhook_events").where("user_id", "=", userId).execute();
    // The API's kept answers (Idempotency-Key) repeat its orders' topics: gone with them, not 24 hours later.
    await trx.deleteFrom("idempotency_keys").where("user_id", "=", userId).execute();
    // Codes mailed to the address carry it and the asking IP: no longer anyone's business.
    await trx.deleteFrom("sign_in_codes").where("email", "=", user.email.toLowerCase()).execute();

    if (documentIds.length) await clearDocuments(trx, documentIds, cancelledIds);
    await sql`
      update stripe_events set payload = jsonb_build_object('id', id, 'type', type, 'redacted', true)
      where payment_id in (select id from payments where user_id = ${userId})`.execute(trx);

    // Stored uploads go last but for the audit row: a later failure could not bring those files back.
    const uploadsDeleted = await deleteUploadsOfUser(trx, userId);
    const counts = {
      sessionsRevoked,
      documentsCleared: documentIds.length,
      ordersCancelled: cancelledIds.length,
      refundsQueued: refunds.length,
      uploadsDeleted,
    };
    await trx
      .insertInto("audit_log")
      .values({
        actor_user_id: userId,
        action: "account.deleted",
        target_type: "user",
        target_id: userId,
        details: JSON.stringify({ ...counts, documentFiles: fileKeys.length }),
        ip: origin.ip,
      })
      .execute();

    const sessionIds = closed.map((p) => p.stripe_checkout_session_id).filter((id): id is string => Boolean(id));
    return { ...counts, fileKeys, sessionIds };
  });
  if (!outcome) return undefined;

  const { fileKeys, sessionIds, ...counts } = outcome;
  await expireCheckoutSessions(sessionIds, userId);
  // The rows no longer name these files; a file that cannot be removed now is logged, not fatal to the deletion.
  let documentFilesDeleted = 0;
  for (const key of fileKeys) {
    try {
      await deleteStoredFile(key);
      documentFilesDeleted++;
    } catch (error) {
      logger.warn({ err: error, userId, key }, "could not delete a stored document file of a deleted account");
    }
  }
  return { ...counts, documentFilesDeleted };
}

/**
 * The personal text of an account's orders goes; what accounting needs stays (kind, length, language, price, dates,
 * status). Orders cancelled undelivered lose their outline and sources too, so a writer still busy on one of them has
 * no section left to save its text in.
 */
async function clearDocuments(trx: DbOrTrx, documentIds: string[], cancelledIds: string[]) {
  if (cancelledIds.length) {
    for (const id of cancelledIds) {
      await setStage(trx, id, "failed", {
        status: "cancelled",
        reason: "Cancelled: the account was deleted. Any payment is refunded in full.",
      });
    }
    await trx.deleteFrom("sections").where("document_id", "in", cancelledIds).execute();
    await trx.deleteFrom("sources").where("document_id", "in", cancelledIds).execute();
  }
  await trx
    .updateTable("documents")
    .set({
      topic: DELETED_TEXT,
      discipline: null,
      institution: null,
      instructions: null,
      requirements_text: null,
      content: null,
      quality_warnings: JSON.stringify([]),
      review_findings: null,
      requirements_report: null,
      research_report: null,
      docx_key: null,
      pdf_key: null,
      updated_at: sql`now()`,
    })
    .where("id", "in", documentIds)
    .execute();
  await trx
    .updateTable("sections")
    .set({ heading: DELETED_TEXT, brief: "", key_points: JSON.stringify([]), content: null, summary: null })
    .where("document_id", "in", documentIds)
    .execute();
  await trx
    .deleteFrom("section_attempts")
    .where("section_id", "in", (eb) => eb.selectFrom("sections").select("id").where("document_id", "in", documentIds))
    .execute();
  await trx.deleteFrom("drafts").where("document_id", "in", documentIds).execute();
  // Every earlier text of the documents goes with them (issue 21's versions).
  await trx.deleteFrom("document_versions").where("document_id", "in", documentIds).execute();
  // And every regeneration's instruction and text.
  await trx.deleteFrom("regenerations").where("document_id", "in", documentIds).execute();
}

/** Best effort, after the deletion committed: a session Stripe cannot expire now is refunded if it is ever paid. */
async function expireCheckoutSessions(sessionIds: string[], userId: string) {
  if (!sessionIds.length) return;
  const stripe = await getStripe();
  if (!stripe) return;
  for (const id of sessionIds) {
    try {
      await stripe.checkout.sessions.expire(id);
    } catch (error) {
      logger.warn({ err: error, userId, sessionId: id }, "could not expire the Checkout Session of a deleted account");
    }
  }
}
