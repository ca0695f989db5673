// An admin retries or discards dead letters, one or many at once: each is marked handled by one guarded UPDATE (so a
// double submit acts once), its job re-sent where that can do something, and audited — all in one transaction.
import type { TFunction } from "i18next";
import { sql } from "kysely";
import type { DocumentStatus } from "../../db/schema";
import { JOB_PAYLOADS, QUEUES, type QueueName } from "../jobs/definitions";
import { sendJob } from "../jobs/queue.server";
import type { Db, DbOrTrx } from "../utils/db.server";
import { recordAudit, type AuditEntry } from "./audit-log.server";
import { refundIdempotencyKey, requeueFailedRefund } from "./refunds.server";

/**
 * The orders a re-sent job of each pipeline queue acts on (the handlers' own guards in worker/pipeline/): an order in
 * another state, a failed and refunded one above all, would be skipped, so retrying it is refused rather than faked.
 */
const ORDER_STATES_A_JOB_ACTS_ON: Partial<Record<QueueName, readonly DocumentStatus[]>> = {
  [QUEUES.planDocument]: ["queued", "generating"],
  [QUEUES.writeSection]: ["generating"],
  [QUEUES.reviewDocument]: ["generating"],
  [QUEUES.assembleDocument]: ["generating"],
  [QUEUES.exportDocument]: ["completed", "completed_with_warnings"],
};

/**
 * A reason or note as a key of the admin namespace's jobs.said and its values, worded where it is shown (`sayIt`): an
 * order's state is a code there, worded in the reader's language.
 */
export type Said = { key: SaidKey; queue?: string; state?: DocumentStatus; problem?: string; why?: Said };
type SaidKey =
  | "orderGone"
  | "orderState"
  | "queueGone"
  | "badPayload"
  | "nothingToRefund"
  | "refundPaid"
  | "refundUnderWay"
  | "noteQueueGone"
  | "noteRefund"
  | "noteEmail"
  | "noteRefused"
  | "noteStep"
  | "noteJob";

/** `said` in `t`'s language (the caller's translator, holding the admin namespace). */
export function sayIt(t: TFunction, said: Said): string {
  const { key, state, why, ...values } = said;
  return String(
    t(
      `admin:jobs.said.${key}` as never,
      {
        ...values,
        state: state ? String(t(`admin:jobs.said.orderStates.${state}` as never)) : "",
        why: why ? sayIt(t, why) : "",
      } as never,
    ),
  );
}

/** Why re-sending a pipeline job of `queue` for an order in `status` (null: gone) would do nothing, if it would. */
function orderRefusal(queue: QueueName, status: DocumentStatus | null): Said | null {
  const actsOn = ORDER_STATES_A_JOB_ACTS_ON[queue];
  if (!actsOn) return null;
  if (!status) return { key: "orderGone" };
  if (actsOn.includes(status)) return null;
  return { key: "orderState", queue, state: status };
}

/** What retrying a dead letter of `queue` does, as the jobs page says it before the admin acts. */
export function whatRetryDoes(queue: string, documentStatus: DocumentStatus | null): { canRetry: boolean; note: Said } {
  if (!(queue in JOB_PAYLOADS)) return { canRetry: false, note: { key: "noteQueueGone", queue } };
  const name = queue as QueueName;
  if (name === QUEUES.refundPayment) return { canRetry: true, note: { key: "noteRefund" } };
  if (name === QUEUES.sendEmail) return { canRetry: true, note: { key: "noteEmail" } };
  const refusal = orderRefusal(name, documentStatus);
  if (refusal) return { canRetry: false, note: { key: "noteRefused", why: refusal } };
  return { canRetry: true, note: { key: ORDER_STATES_A_JOB_ACTS_ON[name] ? "noteStep" : "noteJob", queue: name } };
}

export type DeadLetterAction = "retry" | "discard";

/** Why a dead letter could not be retried: nothing of the whole request is done then. */
export type Refusal = { id: string; queue: string; why: Said };

export type DeadLetterOutcome =
  | { kind: "missing"; ids: string[] }
  | { kind: "refused"; refusals: Refusal[] }
  | { kind: "done"; handled: { id: string; queue: string; jobId: string | null }[]; alreadyHandled: string[] };

class RefusedRetry extends Error {
  constructor(readonly refusals: Refusal[]) {
    super("some dead letters cannot be retried");
  }
}

type ClaimedLetter = { id: string; queue: string; payload: unknown; document_id: string | null };

/**
 * Retries or discards the dead letters `ids` for `audit`'s admin. Ids that are no dead letter refuse the whole request
 * (`missing`); so does a retry that cannot act (`refused`, with why). Letters already handled are left as they are.
 */
export async function handleDeadLetters(
  db: Db,
  action: DeadLetterAction,
  ids: readonly string[],
  audit: Omit<AuditEntry, "action" | "targetType" | "targetId" | "details">,
): Promise<DeadLetterOutcome> {
  const adminId = audit.actorUserId;
  if (!adminId) throw new Error("Only an admin handles dead letters.");
  const unique = [...new Set(ids)];
  try {
    return await db.transaction().execute(async (trx) => {
      const known = await trx.selectFrom("dead_letters").select("id").where("id", "in", unique).execute();
      const missing = unique.filter((id) => !known.some((row) => row.id === id));
      if (missing.length) return { kind: "missing", ids: missing };
      // The guard: a letter another request (or a second click) handled first is not claimed again.
      const claimed = await trx
        .updateTable("dead_letters")
        .set({ handled_at: sql`now()`, handled_by: adminId, outcome: action === "retry" ? "retried" : "discarded" })
        .where("id", "in", unique)
        .where("handled_at", "is", null)
        .returning(["id", "queue", "payload", "document_id"])
        .execute();
      const handled: { id: string; queue: string; jobId: string | null }[] = [];
      const refusals: Refusal[] = [];
      for (const letter of claimed) {
        const result = action === "retry" ? await resend(trx, letter, adminId) : { jobId: null };
        if ("why" in result) {
          refusals.push({ id: letter.id, queue: letter.queue, why: result.why });
          continue;
        }
        if (result.jobId)
          await trx
            .updateTable("dead_letters")
            .set({ retry_job_id: result.jobId })
            .where("id", "=", letter.id)
            .execute();
        await recordAudit(trx, {
          ...audit,
          action: action === "retry" ? "job.retried" : "job.discarded",
          targetType: "job",
          targetId: letter.id,
          details: { queue: letter.queue, documentId: letter.document_id, ...result },
        });
        handled.push({ id: letter.id, queue: letter.queue, jobId: result.jobId });
      }
      if (refusals.length) throw new RefusedRetry(refusals);
      const alreadyHandled = unique.filter((id) => !claimed.some((row) => row.id === id));
      return { kind: "done", handled, alreadyHandled };
    });
  } catch (error) {
    if (error instanceof RefusedRetry) return { kind: "refused", refusals: error.refusals };
    throw error;
  }
}

/** The dead letter's job sent again to the queue it died in (read from our row, never from the request). */
async function resend(
  trx: DbOrTrx,
  letter: ClaimedLetter,
  adminUserId: string,
): Promise<{ jobId: string | null; refundId?: string } | { why: Said }> {
  if (!(letter.queue in JOB_PAYLOADS)) return { why: { key: "queueGone", queue: letter.queue } };
  const queue = letter.queue as QueueName;
  const parsed = JOB_PAYLOADS[queue].safeParse(letter.payload);
  if (!parsed.success) {
    return { why: { key: "badPayload", queue, problem: parsed.error.issues[0]?.message ?? "" } };
  }
  if (queue === QUEUES.refundPayment) {
    const request = JOB_PAYLOADS[QUEUES.refundPayment].parse(letter.payload);
    const refund = await trx
      .selectFrom("refunds")
      .select(["id", "status"])
      .where("idempotency_key", "=", refundIdempotencyKey(request.paymentId, request.reason))
      .executeTakeFirst();
    if (!refund) return { why: { key: "nothingToRefund" } };
    if (refund.status !== "failed") {
      return { why: { key: refund.status === "succeeded" ? "refundPaid" : "refundUnderWay" } };
    }
    // The failed refund's own retry: the same idempotency key, so Stripe cannot pay it twice.
    const requeued = await requeueFailedRefund(trx, refund.id, adminUserId);
    return requeued ? { jobId: requeued.jobId, refundId: refund.id } : { why: { key: "refundUnderWay" } };
  }
  if (queue in ORDER_STATES_A_JOB_ACTS_ON) {
    const documentId = (letter.payload as { documentId?: string }).documentId;
    const order = documentId
      ? await trx.selectFrom("documents").select("status").where("id", "=", documentId).executeTakeFirst()
      : undefined;
    const refusal = orderRefusal(queue, order?.status ?? null);
    if (refusal) return { why: refusal };
  }
  const jobId = await sendJob(trx, queue, (parsed.data ?? {}) as never);
  return { jobId };
}
