import { sql } from "kysely";
import type { DocumentStatus } from "../../db/schema";
import { QUEUES } from "../../worker/queues";
import type { Db, DbOrTrx } from "../utils/db.server";
import type { ProgressSnapshot } from "../utils/document-events";
import { CURRENCY, priceCents } from "../utils/pricing";
import { sendJob } from "../utils/queue.server";

export type NewOrder = { topic: string; pages: number; language: string };

export async function createDocument(db: DbOrTrx, userId: string, order: NewOrder) {
  return db
    .insertInto("documents")
    .values({
      user_id: userId,
      topic: order.topic,
      pages: order.pages,
      language: order.language,
      price_cents: priceCents(order.pages),
      currency: CURRENCY,
      status: "awaiting_payment",
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A document of another user is simply not found. */
export function getDocumentForOwner(db: DbOrTrx, documentId: string, userId: string) {
  if (!isUuid(documentId)) return Promise.resolve(undefined);
  return db
    .selectFrom("documents")
    .selectAll()
    .where("id", "=", documentId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

export function listDocumentsForOwner(db: DbOrTrx, userId: string) {
  return db
    .selectFrom("documents")
    .select(["id", "topic", "pages", "language", "status", "progress_percent", "price_cents", "currency", "created_at", "offline_demo"])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .execute();
}

export function listSections(db: DbOrTrx, documentId: string) {
  return db.selectFrom("sections").selectAll().where("document_id", "=", documentId).orderBy("index").execute();
}

/** One guarded UPDATE: applies only when the document is still in `from`; returns whether it applied. */
export async function transitionDocument(
  db: DbOrTrx,
  documentId: string,
  from: DocumentStatus | DocumentStatus[],
  to: DocumentStatus,
  extra: Record<string, unknown> = {},
): Promise<boolean> {
  const result = await db
    .updateTable("documents")
    .set({ ...extra, status: to, updated_at: sql`now()` } as never)
    .where("id", "=", documentId)
    .where("status", "in", Array.isArray(from) ? from : [from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Development payment: records a payment, marks the order queued and enqueues its generation, all in one transaction.
 * Returns false when the order was not awaiting payment (a second click changes nothing).
 */
export async function payWithDevPayment(db: Db, documentId: string, userId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const document = await trx
      .selectFrom("documents")
      .select(["id", "price_cents", "currency", "pages", "user_id"])
      .where("id", "=", documentId)
      .where("user_id", "=", userId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!document) return false;
    const applied = await transitionDocument(trx, documentId, "awaiting_payment", "queued", {
      paid_at: sql`now()`,
      progress_stage: "queued",
    });
    if (!applied) return false;
    await trx
      .insertInto("payments")
      .values({
        document_id: documentId,
        user_id: userId,
        provider: "dev",
        amount_cents: document.price_cents,
        currency: document.currency,
        status: "succeeded",
      })
      .execute();
    await sendJob(trx, QUEUES.planDocument, { documentId });
    return true;
  });
}

export async function getProgressSnapshot(db: DbOrTrx, documentId: string): Promise<ProgressSnapshot | undefined> {
  const document = await db
    .selectFrom("documents")
    .select(["id", "status", "progress_percent", "progress_stage", "current_section", "total_sections", "eta_seconds", "offline_demo"])
    .where("id", "=", documentId)
    .executeTakeFirst();
  if (!document) return undefined;
  const sections = await db
    .selectFrom("sections")
    .select(["index", "heading", "status", "word_count", "target_words"])
    .where("document_id", "=", documentId)
    .orderBy("index")
    .execute();
  return {
    documentId: document.id,
    status: document.status,
    percent: document.progress_percent,
    stage: document.progress_stage,
    currentSection: document.current_section,
    totalSections: document.total_sections,
    etaSeconds: document.eta_seconds,
    offlineDemo: document.offline_demo,
    sections: sections.map((s) => ({
      index: s.index,
      heading: s.heading,
      status: s.status,
      wordCount: s.word_count,
      targetWords: s.target_words,
    })),
  };
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
