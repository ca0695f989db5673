// One order as an admin sees it (/admin/documents/$id): the order and its customer, its sections with their attempts,
// tokens and cost, its sources, payments and refunds, incidents, files, the jobs still working on it, and its timeline.
import { sql } from "kysely";
import { QUEUES } from "../jobs/definitions";
import type { DbOrTrx } from "../utils/db.server";
import { isUuid } from "./documents.server";

/** The queues of an order's generation and delivery (app/jobs/definitions.ts), whose jobs carry its documentId. */
export const PIPELINE_QUEUES: string[] = [
  QUEUES.planDocument,
  QUEUES.writeSection,
  QUEUES.reviewDocument,
  QUEUES.assembleDocument,
  QUEUES.exportDocument,
];

/**
 * The jobs still working on an order: waiting (created, retry) or running within their expiry. An order that is being
 * written but has none is stuck; an active job past its expiry counts as stuck too (its worker died).
 */
export async function liveJobsOf(db: DbOrTrx, documentId: string) {
  const { rows } = await sql<{ id: string; name: string; state: string; created_on: Date; expired: boolean }>`
    select id, name, state::text as state, created_on, (state = 'active' and started_on + expire_in < now()) as expired
    from pgboss.job
    where name = any(${PIPELINE_QUEUES}::text[]) and data->>'documentId' = ${documentId}
      and state in ('created', 'retry', 'active')
    order by created_on`.execute(db);
  return rows;
}

/**
 * The queues whose jobs can still move an order in this status and stage (any other job of it would find nothing to
 * do: the review's delayed safety-net assembly of a delivered order, say). None for a failed or refunded order.
 */
export function queuesThatMove(status: string, stage: string | null): string[] {
  if (status === "completed" || status === "completed_with_warnings") return [QUEUES.exportDocument];
  if (status !== "queued" && status !== "generating") return [];
  switch (stage) {
    case "writing":
    case "waiting_for_budget":
      return [QUEUES.planDocument, QUEUES.writeSection];
    case "reviewing":
      return [QUEUES.writeSection, QUEUES.reviewDocument];
    case "waiting_for_key":
      return [QUEUES.planDocument, QUEUES.writeSection, QUEUES.reviewDocument];
    case "assembling":
      return [QUEUES.reviewDocument, QUEUES.assembleDocument];
    case "done":
      return [QUEUES.assembleDocument, QUEUES.exportDocument];
    default:
      return [QUEUES.planDocument];
  }
}

/** Whether a job is still working on the order as it stands (waiting, or running within its expiry). */
export async function hasLiveJob(
  db: DbOrTrx,
  document: { id: string; status: string; progress_stage: string | null },
): Promise<boolean> {
  const queues = queuesThatMove(document.status, document.progress_stage);
  return (await liveJobsOf(db, document.id)).some((job) => !job.expired && queues.includes(job.name));
}

export async function getOrderForAdmin(db: DbOrTrx, documentId: string) {
  if (!isUuid(documentId)) return undefined;
  const document = await db
    .selectFrom("documents")
    .innerJoin("users", "users.id", "documents.user_id")
    .selectAll("documents")
    .select(["users.email", "users.premium", "users.deleted_at as customer_deleted_at"])
    .where("documents.id", "=", documentId)
    .executeTakeFirst();
  if (!document) return undefined;
  const [sections, attempts, sources, payments, refunds, incidents, events, audits, uploads, jobs] = await Promise.all([
    db
      .selectFrom("sections")
      .select([
        "id",
        "index",
        "heading",
        "status",
        "attempts",
        "target_words",
        "word_count",
        "score_uniqueness",
        "score_grammar",
        "score_ai",
        "provider",
        "model",
        "tokens_in",
        "tokens_out",
        "started_at",
        "completed_at",
        (eb) =>
          eb
            .selectFrom("token_usage")
            .select(sql<string>`coalesce(sum(cost_microdollars), 0)::text`.as("cost"))
            .whereRef("token_usage.section_id", "=", "sections.id")
            .as("cost_microdollars"),
      ])
      .where("document_id", "=", documentId)
      .orderBy("index")
      .execute(),
    db
      .selectFrom("section_attempts")
      .innerJoin("sections", "sections.id", "section_attempts.section_id")
      .select([
        "section_attempts.section_id",
        "section_attempts.attempt",
        "section_attempts.passed",
        "section_attempts.feedback",
        "section_attempts.provider",
        "section_attempts.model",
        "section_attempts.created_at",
        "sections.index",
      ])
      .where("sections.document_id", "=", documentId)
      .orderBy("section_attempts.created_at")
      .execute(),
    db
      .selectFrom("sources")
      .select(["id", "key", "title", "year", "doi", "cited_by_count"])
      .where("document_id", "=", documentId)
      .orderBy("key")
      .execute(),
    db.selectFrom("payments").selectAll().where("document_id", "=", documentId).orderBy("created_at").execute(),
    db
      .selectFrom("refunds")
      .innerJoin("payments", "payments.id", "refunds.payment_id")
      .selectAll("refunds")
      .select("payments.currency")
      .where("payments.document_id", "=", documentId)
      .orderBy("refunds.created_at")
      .execute(),
    db.selectFrom("incidents").selectAll().where("document_id", "=", documentId).orderBy("created_at").execute(),
    db.selectFrom("document_events").selectAll().where("document_id", "=", documentId).orderBy("id").execute(),
    db
      .selectFrom("audit_log")
      .leftJoin("users", "users.id", "audit_log.actor_user_id")
      .select(["audit_log.id", "audit_log.action", "audit_log.reason", "audit_log.created_at", "users.email as actor"])
      .where("audit_log.target_type", "=", "document")
      .where("audit_log.target_id", "=", documentId)
      .orderBy("audit_log.id")
      .execute(),
    db
      .selectFrom("uploads")
      .select(["id", "filename", "mime_type", "size_bytes", "created_at"])
      .where("document_id", "=", documentId)
      .orderBy("created_at")
      .execute(),
    liveJobsOf(db, documentId),
  ]);
  return { document, sections, attempts, sources, payments, refunds, incidents, events, audits, uploads, jobs };
}

export type AdminOrder = NonNullable<Awaited<ReturnType<typeof getOrderForAdmin>>>;

export type TimelineEntry = { at: Date; kind: string; text: string };

/** The timeline's sentences, each a key of the admin's language (app/locales/<lng>/admin.json, order.events). */
export type TimelineText =
  | "created"
  | "stage"
  | "attempt"
  | "passed"
  | "rejected"
  | "paymentStarted"
  | "payment"
  | "refundRequested"
  | "refund"
  | "incident"
  | "incidentResolved"
  | "audit"
  | "theSystem"
  | "warning";
export type Say = (text: TimelineText, values?: Record<string, string | number>) => string;

/** Everything that happened to the order, oldest first, in the words `say` gives (the admin's language). */
export function orderTimeline(
  order: AdminOrder,
  money: (cents: number, currency: string) => string,
  say: Say,
): TimelineEntry[] {
  const { document } = order;
  const entries: TimelineEntry[] = [{ at: document.created_at, kind: "order", text: say("created") }];
  for (const e of order.events)
    entries.push({
      at: e.created_at,
      kind: "state",
      text: `${e.status}${e.stage ? ` · ${say("stage", { stage: e.stage })}` : ""}${e.detail ? ` — ${e.detail}` : ""}`,
    });
  for (const a of order.attempts)
    entries.push({
      at: a.created_at,
      kind: "section",
      text: say("attempt", {
        section: a.index + 1,
        attempt: a.attempt,
        result: say(a.passed ? "passed" : "rejected"),
        writer: `${a.provider} ${a.model}`,
      }),
    });
  for (const p of order.payments) {
    entries.push({
      at: p.created_at,
      kind: "payment",
      text: say("paymentStarted", { amount: money(p.amount_cents, p.currency), provider: p.provider }),
    });
    if (p.status !== "pending")
      entries.push({
        at: p.updated_at,
        kind: "payment",
        text: say("payment", { status: p.status.replaceAll("_", " ") }),
      });
  }
  for (const r of order.refunds) {
    entries.push({
      at: r.created_at,
      kind: "refund",
      text: say("refundRequested", { amount: money(r.amount_cents, r.currency), reason: r.reason }),
    });
    if (r.status !== "pending")
      entries.push({
        at: r.updated_at,
        kind: "refund",
        text: `${say("refund", { amount: money(r.amount_cents, r.currency), status: r.status })}${r.last_error ? `: ${r.last_error}` : ""}`,
      });
  }
  for (const i of order.incidents) {
    entries.push({ at: i.created_at, kind: "incident", text: say("incident", { kind: i.kind, summary: i.summary }) });
    if (i.resolved_at)
      entries.push({ at: i.resolved_at, kind: "incident", text: say("incidentResolved", { kind: i.kind }) });
  }
  for (const a of order.audits)
    entries.push({
      at: a.created_at,
      kind: "admin",
      text: `${say("audit", { action: a.action, actor: a.actor ?? say("theSystem") })}${a.reason ? ` — ${a.reason}` : ""}`,
    });
  // Warnings carry no time of their own: they were recorded by the time the order was finished.
  const warnedAt = document.completed_at ?? document.updated_at;
  for (const warning of document.quality_warnings as unknown as string[])
    entries.push({ at: warnedAt, kind: "warning", text: say("warning", { warning }) });
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The reason of the refund a failed order's dead letter sends (worker/jobs/dead-letters.ts). */
export const GENERATION_FAILED_REFUND = "generation_failed";

/** What the retry button would do for the order as it stands, as a key of admin.json's order.retry and its values. */
export type RetryExplanation =
  | { key: "delivered" | "working" | "refundedFailure" | "refundPending" | "stuck" }
  | { key: "notRetryable"; status: string };

export function retryExplanation(order: AdminOrder): RetryExplanation {
  const { document } = order;
  if ((document.status === "completed" || document.status === "completed_with_warnings") && document.docx_key)
    return { key: "delivered" };
  if (
    document.status === "refunded" &&
    document.progress_stage === "failed" &&
    order.refunds.some((r) => r.reason === GENERATION_FAILED_REFUND)
  )
    return { key: "refundedFailure" };
  if (document.status === "failed") return { key: "refundPending" };
  if (
    document.status === "queued" ||
    document.status === "generating" ||
    document.status === "completed" ||
    document.status === "completed_with_warnings"
  )
    return order.jobs.some(
      (j) => !j.expired && queuesThatMove(document.status, document.progress_stage).includes(j.name),
    )
      ? { key: "working" }
      : { key: "stuck" };
  return { key: "notRetryable", status: document.status };
}
