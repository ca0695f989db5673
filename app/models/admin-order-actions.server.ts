// What an admin does to an order (/admin/documents/$id): retry it from its last checkpoint, rewrite one section,
// refund a payment in full or in part, send the delivery email again. Each runs in the caller's transaction (which
// records the audit entry), under the order's row lock, and refuses with a sentence an admin understands.
import { sql, type Expression } from "kysely";
import type { DocumentStatus, Refund } from "../../db/schema";
import { QUEUES } from "../jobs/definitions";
import { planPriority, sectionPriority } from "../jobs/priorities";
import { sendJob, sendJobs } from "../jobs/queue.server";
import type { DbOrTrx } from "../utils/db.server";
import { documentReadyEmail } from "../utils/email-templates.server";
import { GENERATION_FAILED_REFUND, hasLiveJob } from "./admin-order.server";
import { setStage, writingPercent, type Stage } from "./document-progress.server";
import { lockPayment } from "./payments.server";
import { AdminActionRefused } from "./admin-action-refused.server";
import { adminRefundReason, refundableAmount, refundIdempotencyKey } from "./refunds.server";

const DELIVERED: readonly DocumentStatus[] = ["completed", "completed_with_warnings"];

function lockOrder(trx: DbOrTrx, documentId: string) {
  return trx.selectFrom("documents").selectAll().where("id", "=", documentId).forNoKeyUpdate().executeTakeFirst();
}

async function lockedOrder(trx: DbOrTrx, documentId: string) {
  const document = await lockOrder(trx, documentId);
  if (!document) throw new AdminActionRefused("notFound", {}, 404);
  return document;
}

/** The order's money: what its payments were refunded, and its refunds not (yet) made. */
export async function refundsOfOrder(trx: DbOrTrx, documentId: string) {
  const row = await trx
    .selectFrom("payments")
    .select([
      sql<number>`coalesce(sum(refunded_cents), 0)::int`.as("refundedCents"),
      sql<string>`coalesce(min(currency), 'eur')`.as("currency"),
      (eb) =>
        eb
          .selectFrom("refunds")
          .innerJoin("payments as p", "p.id", "refunds.payment_id")
          .select(sql<number>`count(*)::int`.as("n"))
          .where("p.document_id", "=", documentId)
          .where("refunds.status", "in", ["pending", "failed"])
          .as("unsettled"),
    ])
    .where("document_id", "=", documentId)
    .executeTakeFirstOrThrow();
  return { refundedCents: row.refundedCents, currency: row.currency, unsettled: Number(row.unsettled ?? 0) };
}

/** Whether the order's jobs go first: a premium customer's, or an express order (as when it was paid for). */
async function firstInLine(trx: DbOrTrx, document: { user_id: string; express: boolean }): Promise<boolean> {
  const customer = await trx
    .selectFrom("users")
    .select("premium")
    .where("id", "=", document.user_id)
    .executeTakeFirstOrThrow();
  return customer.premium || document.express;
}

/** Whether the order was refunded because its generation failed (the dead letter's refund). */
async function refundedForFailure(trx: DbOrTrx, documentId: string): Promise<boolean> {
  const refund = await trx
    .selectFrom("refunds")
    .innerJoin("payments", "payments.id", "refunds.payment_id")
    .select("refunds.id")
    .where("payments.document_id", "=", documentId)
    .where("refunds.reason", "=", GENERATION_FAILED_REFUND)
    .executeTakeFirst();
  return Boolean(refund);
}

export type Checkpoint = "plan" | "sections" | "review" | "assembly" | "files";

/**
 * Retries a failed or stuck order from its last checkpoint: no outline yet → the plan; sections unwritten → those
 * sections (each from its next attempt; written ones are kept); all written → the review; reviewed → the assembly; a
 * delivered order without its files → the export. Refused for an order that is neither failed nor stuck, while a
 * refund of it is unsettled (its completion would stop the order again), and — unless `acknowledgeRefund` — for an
 * order whose money was given back: retrying it writes it for free, which the admin must mean.
 */
export async function retryOrder(
  trx: DbOrTrx,
  documentId: string,
  /** `evenWithLiveJobs`: resume although a job of it still waits (a paused order's; its handlers are idempotent). */
  options: { acknowledgeRefund: boolean; evenWithLiveJobs?: boolean },
): Promise<{ checkpoint: Checkpoint; jobs: number; refundedCents: number }> {
  const document = await lockedOrder(trx, documentId);
  const delivered = DELIVERED.includes(document.status);
  const writing = document.status === "queued" || document.status === "generating";
  // Failed, then refunded in full by the failure's own refund (not one that fell below the quality threshold: a retry
  // would deliver the sections that failed it).
  const failedThenRefunded =
    document.status === "refunded" &&
    document.progress_stage === "failed" &&
    (await refundedForFailure(trx, documentId));
  if (delivered && document.docx_key) throw new AdminActionRefused("deliveredWithFiles");
  if (!delivered && !writing && document.status !== "failed" && !failedThenRefunded)
    throw new AdminActionRefused("notRetriable", { status: document.status });
  if (!options.evenWithLiveJobs && (await hasLiveJob(trx, document))) throw new AdminActionRefused("notStuck");
  const money = await refundsOfOrder(trx, documentId);
  if (money.unsettled > 0) throw new AdminActionRefused("refundUnsettled");
  if (!delivered && money.refundedCents > 0 && !options.acknowledgeRefund)
    throw new AdminActionRefused(
      "refundedAcknowledge",
      { money: { amount: { cents: money.refundedCents, currency: money.currency } } },
      400,
    );

  const from = { status: document.status };
  const resume = (stage: Stage, extra: { percent?: number; status?: DocumentStatus } = {}) =>
    setStage(trx, documentId, stage, {
      from,
      status: extra.status ?? "generating",
      percent: extra.percent,
      columns: { failure_reason: null, completed_at: null },
    });
  const result = (checkpoint: Checkpoint, jobs: number) => ({ checkpoint, jobs, refundedCents: money.refundedCents });
  if (delivered) {
    await sendJob(trx, QUEUES.exportDocument, { documentId });
    return result("files", 1);
  }
  const first = await firstInLine(trx, document);
  const sections = await trx
    .selectFrom("sections")
    .select(["id", "index", "status", (eb) => lastAttempt(eb.ref("sections.id")).as("last_attempt")])
    .where("document_id", "=", documentId)
    .execute();
  if (sections.length === 0) {
    await resume("queued", { status: "queued" });
    await sendJob(trx, QUEUES.planDocument, { documentId }, { priority: planPriority(first) });
    return result("plan", 1);
  }
  const unwritten = sections.filter((s) => s.status === "pending" || s.status === "writing");
  if (unwritten.length > 0) {
    await resume("writing", { percent: writingPercent(sections.length - unwritten.length, sections.length) });
    await sendJobs(
      trx,
      QUEUES.writeSection,
      unwritten.map((s) => ({
        data: { documentId, sectionId: s.id, attempt: (s.last_attempt ?? 0) + 1 },
        priority: sectionPriority(first, document.pages, s.index),
      })),
    );
    return result("sections", unwritten.length);
  }
  if (document.review_findings === null) {
    await resume("reviewing");
    await sendJob(trx, QUEUES.reviewDocument, { documentId });
    return result("review", 1);
  }
  await resume("assembling");
  await sendJob(trx, QUEUES.assembleDocument, { documentId });
  return result("assembly", 1);
}

/** The number of a section's latest stored attempt (null before its first). */
function lastAttempt(sectionId: Expression<string>) {
  return sql<number | null>`(select max(attempt) from section_attempts where section_id = ${sectionId})`;
}

/**
 * Sends one section of a paid order back to the writer: it is written afresh (with the writer's full number of tries)
 * and the order is reviewed, assembled and exported again. For a delivered order, or one whose sections are being
 * written; returns the files the new export replaces (the caller deletes them once this commits).
 */
export async function regenerateSection(trx: DbOrTrx, documentId: string, sectionId: string) {
  const document = await lockedOrder(trx, documentId);
  const paid = await trx
    .selectFrom("payments")
    .select("id")
    .where("document_id", "=", documentId)
    .where("status", "in", ["succeeded", "partially_refunded"])
    .executeTakeFirst();
  if (!paid) throw new AdminActionRefused("notPaid");
  const delivered = DELIVERED.includes(document.status);
  const writing = document.status === "generating" && document.progress_stage === "writing";
  if (!delivered && !writing)
    throw new AdminActionRefused("rewriteWhen", { status: document.status, stage: document.progress_stage });
  if (delivered && (await hasLiveJob(trx, document))) throw new AdminActionRefused("filesBeingMade");
  const section = await trx
    .selectFrom("sections")
    .select(["id", "index", "status", (eb) => lastAttempt(eb.ref("sections.id")).as("last_attempt")])
    .where("id", "=", sectionId)
    .where("document_id", "=", documentId)
    .forUpdate()
    .executeTakeFirst();
  if (!section) throw new AdminActionRefused("noSuchSection", {}, 404);
  if (section.status !== "passed" && section.status !== "failed")
    throw new AdminActionRefused("sectionBeingWritten", { number: section.index + 1 });
  const last = section.last_attempt ?? 0;
  await trx
    .updateTable("sections")
    .set({ status: "pending", attempts_before_rewrite: last, completed_at: null })
    .where("id", "=", sectionId)
    .where("status", "=", section.status)
    .execute();
  // The section's old verdict goes; the review writes the warnings of the sections as they end up.
  const warnings = (document.quality_warnings as unknown as string[]).filter(
    (w) => !w.startsWith(`Section ${section.index + 1} "`),
  );
  const finished = sql<number>`sections_finished - 1`;
  if (delivered) {
    await setStage(trx, documentId, "writing", {
      from: { status: document.status },
      status: "generating",
      percent: writingPercent(document.sections_finished - 1, document.total_sections ?? 0),
      columns: {
        sections_finished: finished,
        quality_warnings: JSON.stringify(warnings),
        docx_key: null,
        pdf_key: null,
        completed_at: null,
      },
    });
  } else {
    await trx
      .updateTable("documents")
      .set({ sections_finished: finished, quality_warnings: JSON.stringify(warnings), updated_at: sql`now()` })
      .where("id", "=", documentId)
      .where("status", "=", "generating")
      .where("progress_stage", "=", "writing")
      .execute();
  }
  await sendJob(
    trx,
    QUEUES.writeSection,
    { documentId, sectionId, attempt: last + 1 },
    { priority: sectionPriority(await firstInLine(trx, document), document.pages, section.index) },
  );
  return {
    index: section.index,
    replacedFiles: delivered ? [document.docx_key, document.pdf_key].filter((k): k is string => Boolean(k)) : [],
  };
}

/**
 * Refunds `amountCents` of one of the order's payments through the payment.refund job. The refund row is made here,
 * under the payment's lock, so what is left to refund is counted with it; `requestId` (the form's) makes its reason and
 * idempotency key, so the same form submitted twice, or twice at once, refunds once (`repeated`).
 */
export async function refundByAdmin(
  trx: DbOrTrx,
  request: { documentId: string; paymentId: string; amountCents: number; requestId: string },
): Promise<{ refund: Refund; repeated: boolean }> {
  const locked = await lockPayment(trx, request.paymentId);
  if (!locked || locked.payment.document_id !== request.documentId)
    throw new AdminActionRefused("noSuchPayment", {}, 404);
  const { payment } = locked;
  const reason = adminRefundReason(request.requestId);
  const existing = await trx
    .selectFrom("refunds")
    .selectAll()
    .where("payment_id", "=", payment.id)
    .where("reason", "=", reason)
    .executeTakeFirst();
  if (existing) return { refund: existing, repeated: true };
  if (payment.status !== "succeeded" && payment.status !== "partially_refunded")
    throw new AdminActionRefused("paymentNotRefundable", { payment: payment.status });
  const left = await refundableAmount(trx, payment, undefined);
  if (request.amountCents > left)
    throw new AdminActionRefused(
      left > 0 ? "refundTooMuch" : "nothingLeft",
      {
        money: {
          left: { cents: left, currency: payment.currency },
          paid: { cents: payment.amount_cents, currency: payment.currency },
          taken: { cents: payment.amount_cents - left, currency: payment.currency },
        },
      },
      400,
    );
  const refund = await trx
    .insertInto("refunds")
    .values({
      payment_id: payment.id,
      amount_cents: request.amountCents,
      reason,
      idempotency_key: refundIdempotencyKey(payment.id, reason),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await sendJob(trx, QUEUES.refundPayment, {
    paymentId: payment.id,
    reason,
    amountCents: request.amountCents,
    documentId: request.documentId,
  });
  return { refund, repeated: false };
}

/** Sends the "your document is ready" email again, for a delivered order whose customer still has an account. */
export async function resendDeliveryEmail(trx: DbOrTrx, documentId: string, appUrl: string): Promise<string> {
  const document = await lockedOrder(trx, documentId);
  if (!DELIVERED.includes(document.status) || !document.docx_key)
    throw new AdminActionRefused(DELIVERED.includes(document.status) ? "emailFilesNotReady" : "emailNotDelivered", {
      status: document.status,
    });
  const customer = await trx
    .selectFrom("users")
    .select(["email", "locale", "deleted_at"])
    .where("id", "=", document.user_id)
    .executeTakeFirstOrThrow();
  if (customer.deleted_at) throw new AdminActionRefused("customerDeleted");
  await sendJob(
    trx,
    QUEUES.sendEmail,
    await documentReadyEmail(customer, document, appUrl, document.status === "completed_with_warnings"),
  );
  return customer.email;
}
