import { sql } from "kysely";
import { recordDeadLetter, type NewDeadLetter } from "../../app/models/dead-letters.server";
import { recordIncident } from "../../app/models/incidents.server";
import { markRefundFailed } from "../../app/models/refunds.server";
import { settle } from "../../app/models/regenerations.server";
import type { Db } from "../../app/utils/db.server";
import { orderFailedEmail } from "../../app/utils/email-templates.server";
import { getEnv } from "../../app/utils/env.server";
import { sendJob } from "../../app/jobs/queue.server";
import type { PipelineContext } from "../context";
import { setStage } from "../../app/models/document-progress.server";
import { JOB_PAYLOADS, QUEUES, type DeadLetterPayload, type QueueName } from "../../app/jobs/definitions";

/** The error a dead job died of, from the failed original (pg-boss copies only the payload to the dead-letter queue). */
async function lastError(db: Db, queue: string, data: unknown): Promise<string | null> {
  const row = await sql<{ output: { message?: string } | null }>`
    select output from pgboss.job where name = ${queue} and data = ${JSON.stringify(data)}::jsonb and state = 'failed'
    order by completed_on desc nulls last limit 1`.execute(db);
  return row.rows[0]?.output?.message ?? null;
}

/**
 * A job of `queue` exhausted its retries. Nothing is left only in a log: a refund that failed stays a failed refund row
 * an admin can list and retry; an order that failed is refunded in full, its customer emailed, an incident recorded.
 */
export async function handleDeadLetter(
  ctx: PipelineContext,
  queue: QueueName,
  data: DeadLetterPayload,
  deadLetterJobId: string,
): Promise<void> {
  const error = await lastError(ctx.db, queue, data);
  // Listed for admins at /admin/jobs once what it caused is done, so its page shows the order failed, the refund failed.
  const letter: NewDeadLetter = { id: deadLetterJobId, queue, payload: data, error, documentId: data?.documentId };
  if (queue === QUEUES.refundPayment) {
    const request = JOB_PAYLOADS[QUEUES.refundPayment].safeParse(data);
    if (!request.success) {
      // Only a bug sends such a job; the order it names is not failed for it.
      ctx.log.error({ queue, data, error }, "a refund job with an unreadable payload failed for good");
      await recordDeadLetter(ctx.db, letter);
      return;
    }
    const refund = await markRefundFailed(ctx.db, request.data, error);
    await recordDeadLetter(ctx.db, letter);
    ctx.log.error(
      { queue, data, error, refundId: refund?.id },
      "a refund failed for good: it waits for an admin's retry",
    );
  } else if (queue === QUEUES.regenerateSection) {
    // A regeneration that cannot be written fails alone: the delivered order it belongs to is not touched.
    const request = JOB_PAYLOADS[QUEUES.regenerateSection].safeParse(data);
    if (request.success)
      await settle(ctx.db, request.data.regenerationId, ["queued", "writing"], "failed", { failure_reason: "writers" });
    await recordDeadLetter(ctx.db, letter);
    ctx.log.error({ queue, data, error }, "a regeneration failed for good");
  } else if (data?.documentId) {
    try {
      await failOrderFromDeadLetter(ctx, data.documentId, queue, error, letter);
    } catch (failure) {
      // The order could not be failed: the dead letter is listed all the same, saying so, for an admin to look at.
      const why = failure instanceof Error ? failure.message : String(failure);
      await recordDeadLetter(ctx.db, {
        ...letter,
        error: `${error ?? "no error recorded"} (then failing the order failed: ${why})`,
      });
      throw failure;
    }
  } else {
    await recordDeadLetter(ctx.db, letter);
    ctx.log.error({ queue, data, error }, "a job landed in the dead-letter queue");
  }
}

/**
 * An order whose generation cannot go on: it shows a clear failed state instead of spinning forever, every payment of
 * it is refunded in full, the customer is told and an admin finds an incident — all in one transaction, once.
 */
export async function failOrderFromDeadLetter(
  ctx: PipelineContext,
  documentId: string,
  queue: string,
  error: string | null,
  /** The dead letter to list for admins, recorded in the transaction that fails the order. */
  letter?: NewDeadLetter,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    if (letter) await recordDeadLetter(trx, letter);
    await trx
      .insertInto("audit_log")
      .values({
        action: "job.dead_letter",
        target_type: "document",
        target_id: documentId,
        details: JSON.stringify({ queue, error }),
      })
      .execute();
    const payments = await trx
      .selectFrom("payments")
      .select(["id", "amount_cents", "refunded_cents"])
      .where("document_id", "=", documentId)
      .where("status", "in", ["succeeded", "partially_refunded"])
      .execute();
    const reason = `Generation stopped at the "${queue}" step after repeated errors. ${payments.length ? "Your payment is refunded in full, and our" : "Our"} team has been notified.`;
    // Failed, with the browser's "failed" event carrying the same reason.
    const failed = await setStage(trx, documentId, "failed", {
      from: { status: ["queued", "generating"] },
      status: "failed",
      reason,
    });
    if (!failed) return;
    for (const payment of payments) {
      await sendJob(trx, QUEUES.refundPayment, { paymentId: payment.id, reason: "generation_failed", documentId });
    }
    const refundCents = payments.reduce((sum, p) => sum + p.amount_cents - p.refunded_cents, 0);
    const order = await trx
      .selectFrom("documents")
      .innerJoin("users", "users.id", "documents.user_id")
      .selectAll("documents")
      .select(["users.email", "users.locale as recipient_locale", "users.deleted_at"])
      .where("documents.id", "=", documentId)
      .executeTakeFirstOrThrow();
    if (!order.deleted_at)
      await sendJob(
        trx,
        QUEUES.sendEmail,
        await orderFailedEmail(
          { email: order.email, locale: order.recipient_locale },
          order,
          refundCents,
          getEnv().APP_URL,
        ),
      );
    await recordIncident(trx, {
      kind: "generation_failed",
      summary: `Order failed at "${queue}": ${error ?? "no error recorded"}; ${payments.length} payment(s) being refunded in full`,
      documentId,
      details: { queue, error, refundCents, payments: payments.map((p) => p.id) },
    });
  });
  ctx.log.error(
    { documentId, queue, error },
    "document failed: a job landed in the dead-letter queue; its payments are refunded",
  );
}
