// A section of a delivered document written again with the customer's instruction (issue 21, item 3): asking for it
// (within the order's free regenerations or a bought one), reading it, and keeping or discarding the result. The
// writing itself is the worker's section.regenerate job.
import { sql, type Transaction as KyselyTransaction } from "kysely";
import type { Database, RegenerationStatus } from "../../db/schema";
import { QUEUES } from "../jobs/definitions";
import { sendJob } from "../jobs/queue.server";
import { inTransaction, type DbOrTrx } from "../utils/db.server";
import { notifyDocumentEvent } from "../utils/document-events.server";
import { ensureDeliveredVersion, lockEditable, recordVersion } from "./document-versions.server";
import { isUuid } from "./documents.server";
import { noteTextChanged } from "./text-changes.server";

type Transaction = KyselyTransaction<Database>;

/** Free regenerations an order includes per started block of this many pages. */
export const FREE_REGENERATIONS_PER_BLOCK = 3;
export const PAGES_PER_BLOCK = 10;

/** Still at work, or waiting for the customer to keep or discard it: one such per section at a time. */
export const ACTIVE_REGENERATION: readonly RegenerationStatus[] = ["queued", "writing", "ready"];

export function freeRegenerations(pages: number): number {
  return FREE_REGENERATIONS_PER_BLOCK * Math.ceil(Math.max(pages, 1) / PAGES_PER_BLOCK);
}

export type RegenerationQuota = {
  free: number;
  freeLeft: number;
  /** Bought regenerations not (or no longer, after a failure) used by one. */
  boughtLeft: number;
  /** The bought regeneration the next request would use, if any. */
  spareBoughtPaymentId: string | null;
};

/** What the order's regenerations allow now: a failed regeneration gives back what it used. */
export async function regenerationQuota(db: DbOrTrx, documentId: string, pages: number): Promise<RegenerationQuota> {
  const free = freeRegenerations(pages);
  const used = await db
    .selectFrom("regenerations")
    .select(sql<number>`count(*)::int`.as("count"))
    .where("document_id", "=", documentId)
    .where("status", "<>", "failed")
    .where("payment_id", "is", null)
    .executeTakeFirstOrThrow();
  const spare = await db
    .selectFrom("payments as p")
    .select("p.id")
    .where("p.document_id", "=", documentId)
    .where("p.purpose", "=", "regeneration")
    .where("p.status", "=", "succeeded")
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("regenerations as r")
            .select("r.id")
            .whereRef("r.payment_id", "=", "p.id")
            .where("r.status", "<>", "failed"),
        ),
      ),
    )
    .orderBy("p.created_at")
    .execute();
  return {
    free,
    freeLeft: Math.max(0, free - used.count),
    boughtLeft: spare.length,
    spareBoughtPaymentId: spare[0]?.id ?? null,
  };
}

export type RegenerationRequest = {
  documentId: string;
  ownerId: string;
  index: number;
  instruction: string;
};
export type RequestRefusal =
  | "not_found"
  | "not_editable"
  /** A regeneration of this section is still at work or waits to be kept or discarded. */
  | "busy"
  /** No free regeneration left and none bought. */
  | "quota_exhausted";

/**
 * Asks for section `index` to be written again with the instruction: within the order's free regenerations, else with
 * a bought one; the job is sent in the same transaction. Under the document's lock, so two requests at once (a double
 * click) make one regeneration and count the quota once.
 */
export async function requestRegeneration(
  db: DbOrTrx,
  request: RegenerationRequest,
): Promise<{ ok: true; id: string } | { ok: false; reason: RequestRefusal }> {
  return inTransaction(db, async (trx) => {
    const document = await lockEditable(trx, request.documentId, request.ownerId);
    if (!document.ok) return document;
    const section = await trx
      .selectFrom("sections")
      .select(["revision"])
      .where("document_id", "=", request.documentId)
      .where("index", "=", request.index)
      .executeTakeFirst();
    if (!section) return { ok: false, reason: "not_found" };
    const active = await trx
      .selectFrom("regenerations")
      .select("id")
      .where("document_id", "=", request.documentId)
      .where("section_index", "=", request.index)
      .where("status", "in", ACTIVE_REGENERATION)
      .executeTakeFirst();
    if (active) return { ok: false, reason: "busy" };
    const { pages } = await trx
      .selectFrom("documents")
      .select("pages")
      .where("id", "=", request.documentId)
      .executeTakeFirstOrThrow();
    const quota = await regenerationQuota(trx, request.documentId, pages);
    if (!quota.freeLeft && !quota.spareBoughtPaymentId) return { ok: false, reason: "quota_exhausted" };
    const regeneration = await trx
      .insertInto("regenerations")
      .values({
        document_id: request.documentId,
        user_id: request.ownerId,
        section_index: request.index,
        instruction: request.instruction,
        base_revision: section.revision,
        payment_id: quota.freeLeft ? null : quota.spareBoughtPaymentId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await sendJob(trx, QUEUES.regenerateSection, { regenerationId: regeneration.id });
    await notifyDocumentEvent(trx, request.documentId, {
      type: "regeneration",
      regenerationId: regeneration.id,
      index: request.index,
      status: "queued",
    });
    return { ok: true, id: regeneration.id };
  });
}

/** The owner's section `index` with its current text and its latest regeneration; undefined when there is none. */
export async function getRegenerationPage(db: DbOrTrx, documentId: string, ownerId: string, index: number) {
  if (!isUuid(documentId) || !Number.isSafeInteger(index)) return undefined;
  const document = await db
    .selectFrom("documents")
    .select(["id", "topic", "status", "pages", "currency", "language"])
    .where("id", "=", documentId)
    .where("user_id", "=", ownerId)
    .executeTakeFirst();
  if (!document) return undefined;
  const section = await db
    .selectFrom("sections")
    .select(["index", "heading", "content", "revision"])
    .where("document_id", "=", documentId)
    .where("index", "=", index)
    .executeTakeFirst();
  if (!section) return undefined;
  const latest = await db
    .selectFrom("regenerations")
    .select([
      "id",
      "status",
      "instruction",
      "content",
      "base_revision",
      "score_uniqueness",
      "score_grammar",
      "score_ai",
      "failure_reason",
      "payment_id",
      "created_at",
    ])
    .where("document_id", "=", documentId)
    .where("section_index", "=", index)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  const quota = await regenerationQuota(db, documentId, document.pages);
  const sections = await db
    .selectFrom("sections")
    .select(["index", "heading"])
    .where("document_id", "=", documentId)
    .orderBy("index")
    .execute();
  return { document, section, sections, latest: latest ?? null, quota };
}

export type KeepRefusal =
  | { ok: false; reason: "not_found" | "not_editable" }
  /** Kept, discarded or failed already, or not written yet. */
  | { ok: false; reason: "not_ready"; status: RegenerationStatus }
  /** The section was changed after the regeneration started: keeping it would drop that change (say so first). */
  | { ok: false; reason: "section_changed" };

/**
 * Makes the regeneration's text the section's, in one transaction: a new revision of the section, a version by
 * "regeneration", the text change noted (the files follow), and the regeneration kept. Only a ready regeneration is
 * kept (a second click finds it kept); over a change made since it started only with `anyway`.
 */
export async function keepRegeneration(
  db: DbOrTrx,
  keep: { documentId: string; ownerId: string; regenerationId: string; anyway: boolean },
): Promise<{ ok: true; version: number } | KeepRefusal> {
  return inTransaction(db, async (trx) => {
    const document = await lockEditable(trx, keep.documentId, keep.ownerId);
    if (!document.ok) return document;
    const regeneration = await lockRegeneration(trx, keep.documentId, keep.regenerationId);
    if (!regeneration) return { ok: false, reason: "not_found" };
    if (regeneration.status !== "ready" || regeneration.content === null)
      return { ok: false, reason: "not_ready", status: regeneration.status };
    const section = await trx
      .selectFrom("sections")
      .select(["id", "revision"])
      .where("document_id", "=", keep.documentId)
      .where("index", "=", regeneration.section_index)
      .forUpdate()
      .executeTakeFirst();
    if (!section) return { ok: false, reason: "not_found" };
    if (section.revision !== regeneration.base_revision && !keep.anyway)
      return { ok: false, reason: "section_changed" };
    await ensureDeliveredVersion(trx, keep.documentId);
    const revision = section.revision + 1;
    await trx
      .updateTable("sections")
      .set({
        content: regeneration.content,
        revision,
        // The gates judged this very text while it was written: its scores stand for the new revision.
        score_uniqueness: regeneration.score_uniqueness,
        score_grammar: regeneration.score_grammar,
        score_ai: regeneration.score_ai,
        checked_revision: revision,
        check_feedback: JSON.stringify([]),
      })
      .where("id", "=", section.id)
      .execute();
    const kept = await settle(trx, keep.regenerationId, "ready", "kept");
    if (!kept) return { ok: false, reason: "not_ready", status: regeneration.status };
    const version = await recordVersion(trx, keep.documentId, {
      author: "regeneration",
      userId: keep.ownerId,
      changed: [regeneration.section_index],
    });
    await noteTextChanged(trx, keep.documentId);
    await notifyDocumentEvent(trx, keep.documentId, {
      type: "regeneration",
      regenerationId: keep.regenerationId,
      index: regeneration.section_index,
      status: "kept",
    });
    return { ok: true, version };
  });
}

/** Discards a ready regeneration: nothing else changes (it still counts against the quota: it was written). */
export async function discardRegeneration(
  db: DbOrTrx,
  discard: { documentId: string; ownerId: string; regenerationId: string },
): Promise<{ ok: true } | KeepRefusal> {
  return inTransaction(db, async (trx) => {
    const document = await lockEditable(trx, discard.documentId, discard.ownerId);
    if (!document.ok) return document;
    const regeneration = await lockRegeneration(trx, discard.documentId, discard.regenerationId);
    if (!regeneration) return { ok: false, reason: "not_found" };
    if (!(await settle(trx, discard.regenerationId, "ready", "discarded")))
      return { ok: false, reason: "not_ready", status: regeneration.status };
    await notifyDocumentEvent(trx, discard.documentId, {
      type: "regeneration",
      regenerationId: discard.regenerationId,
      index: regeneration.section_index,
      status: "discarded",
    });
    return { ok: true };
  });
}

function lockRegeneration(trx: Transaction, documentId: string, regenerationId: string) {
  if (!isUuid(regenerationId)) return Promise.resolve(undefined);
  return trx
    .selectFrom("regenerations")
    .select(["id", "status", "content", "section_index", "base_revision", "score_uniqueness", "score_grammar"])
    .select("score_ai")
    .where("id", "=", regenerationId)
    .where("document_id", "=", documentId)
    .forUpdate()
    .executeTakeFirst();
}

/** A regeneration's status change, guarded by the status it must have; whether it applied. */
export async function settle(
  db: DbOrTrx,
  regenerationId: string,
  from: RegenerationStatus | readonly RegenerationStatus[],
  to: RegenerationStatus,
  columns: Partial<{
    content: string;
    failure_reason: string;
    score_uniqueness: number | null;
    score_grammar: number | null;
    score_ai: number | null;
  }> = {},
): Promise<boolean> {
  const finished = to === "writing" ? {} : { finished_at: sql<Date>`now()` };
  const result = await db
    .updateTable("regenerations")
    .set({ status: to, updated_at: sql`now()`, ...finished, ...columns })
    .where("id", "=", regenerationId)
    .where("status", "in", typeof from === "string" ? [from] : from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
