import { sql, type Selectable } from "kysely";
import type { DocumentStatus, DocumentsTable } from "../../db/schema";
import type { DbOrTrx } from "../utils/db.server";
import type { ProgressSnapshot } from "../utils/document-events";
import { CURRENCY, priceOf } from "../utils/pricing";
import { ownKeyPricingFor } from "./own-key-pricing.server";

export type NewOrder = {
  topic: string;
  pages: number;
  language: string;
  kind?: string;
  citationStyle?: string;
  express?: boolean;
};

/** An order ready for payment in one step (tests, scripts); customers go through the wizard below. */
export async function createDocument(db: DbOrTrx, userId: string, order: NewOrder) {
  const kind = order.kind ?? "essay";
  const express = order.express ?? false;
  const { ownKey, ownKeyDiscount } = await ownKeyPricingFor(db, userId);
  return db
    .insertInto("documents")
    .values({
      user_id: userId,
      kind,
      topic: order.topic,
      pages: order.pages,
      language: order.language,
      citation_style: order.citationStyle ?? "apa7",
      express,
      price_cents: priceOf({ kind, pages: order.pages, express, ownKeyDiscount }).totalCents,
      priced_with_own_key: ownKey,
      currency: CURRENCY,
      status: "awaiting_payment",
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

// The order wizard keeps its state in a `draft` document, so steps and reloads never lose what was entered.
const DRAFT_DEFAULTS = { pages: 10, language: "en" };

export async function createDraftDocument(
  db: DbOrTrx,
  userId: string,
  topic: { kind: string; topic: string; discipline?: string; institution?: string },
) {
  return db
    .insertInto("documents")
    .values({
      user_id: userId,
      kind: topic.kind,
      topic: topic.topic,
      discipline: topic.discipline || null,
      institution: topic.institution || null,
      ...DRAFT_DEFAULTS,
      price_cents: priceOf({ kind: topic.kind, pages: DRAFT_DEFAULTS.pages, express: false }).totalCents,
      currency: CURRENCY,
      status: "draft",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export type DraftPatch = Partial<{
  kind: string;
  topic: string;
  discipline: string | null;
  institution: string | null;
  pages: number;
  language: string;
  citation_style: string;
  express: boolean;
  instructions: string | null;
  requirements_text: string | null;
}>;

/** Changes a draft of this user; the price follows. Returns false when it is not (or no longer) an editable draft. */
export async function updateDraftDocument(
  db: DbOrTrx,
  documentId: string,
  userId: string,
  patch: DraftPatch,
): Promise<boolean> {
  if (!isUuid(documentId)) return false;
  const current = await db
    .selectFrom("documents")
    .select(["kind", "pages", "express"])
    .where("id", "=", documentId)
    .where("user_id", "=", userId)
    .where("status", "=", "draft")
    .executeTakeFirst();
  if (!current) return false;
  const { ownKey, ownKeyDiscount } = await ownKeyPricingFor(db, userId);
  const next = {
    kind: patch.kind ?? current.kind,
    pages: patch.pages ?? current.pages,
    express: patch.express ?? current.express,
    ownKeyDiscount,
  };
  const result = await db
    .updateTable("documents")
    .set({ ...patch, price_cents: priceOf(next).totalCents, priced_with_own_key: ownKey, updated_at: sql`now()` })
    .where("id", "=", documentId)
    .where("user_id", "=", userId)
    .where("status", "=", "draft")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The customer proceeds to payment: the price is fixed from the server's own computation, and with it whether the
 * customer's own LLM key writes the order (a key deleted or saved later changes neither).
 */
export async function placeOrder(db: DbOrTrx, documentId: string, userId: string): Promise<boolean> {
  const document = await db
    .selectFrom("documents")
    .select(["kind", "pages", "express"])
    .where("id", "=", documentId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!document) return false;
  const { ownKey, ownKeyDiscount } = await ownKeyPricingFor(db, userId);
  const result = await db
    .updateTable("documents")
    .set({
      status: "awaiting_payment",
      price_cents: priceOf({ ...document, ownKeyDiscount }).totalCents,
      priced_with_own_key: ownKey,
      updated_at: sql`now()`,
    })
    .where("id", "=", documentId)
    .where("user_id", "=", userId)
    .where("status", "=", "draft")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Back from payment to editing (open checkout sessions are expired by the caller). */
export function reopenOrder(db: DbOrTrx, documentId: string, userId: string): Promise<boolean> {
  return db
    .updateTable("documents")
    .set({ status: "draft", updated_at: sql`now()` })
    .where("id", "=", documentId)
    .where("user_id", "=", userId)
    .where("status", "=", "awaiting_payment")
    .executeTakeFirst()
    .then((r) => Number(r.numUpdatedRows) === 1);
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

/** Whether `userId` owns the document (without reading its row: its text can be hundreds of kB). */
export async function ownsDocument(db: DbOrTrx, documentId: string, userId: string): Promise<boolean> {
  if (!isUuid(documentId)) return false;
  const row = await db
    .selectFrom("documents")
    .select("id")
    .where("id", "=", documentId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The document page's row of one of this user's documents: every column it shows, and the text's hash instead of the
 * text (the page reads the text's parts through readDocumentText).
 */
export function getDocumentPageForOwner(db: DbOrTrx, documentId: string, userId: string) {
  if (!isUuid(documentId)) return Promise.resolve(undefined);
  return db
    .selectFrom("documents")
    .select([
      "id",
      "topic",
      "pages",
      "language",
      "status",
      "failure_reason",
      "quality_warnings",
      "docx_key",
      "pdf_key",
      "score_uniqueness",
      "score_grammar",
      "score_ai",
      "citation_precision",
      "citation_recall",
      "content_md5",
      "progress_percent",
      "progress_stage",
      "current_section",
      "total_sections",
      "eta_seconds",
      "offline_demo",
      "priced_with_own_key",
    ])
    .where("id", "=", documentId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

export function listDocumentsForOwner(db: DbOrTrx, userId: string) {
  return db
    .selectFrom("documents")
    .select([
      "id",
      "topic",
      "pages",
      "language",
      "status",
      "progress_percent",
      "price_cents",
      "currency",
      "created_at",
      "offline_demo",
    ])
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
  const applied = Number(result.numUpdatedRows) === 1;
  // The admin's timeline of the order (setStage records the changes it makes itself).
  if (applied) await db.insertInto("document_events").values({ document_id: documentId, status: to }).execute();
  return applied;
}

export async function getProgressSnapshot(db: DbOrTrx, documentId: string): Promise<ProgressSnapshot | undefined> {
  const document = await db
    .selectFrom("documents")
    .select([
      "id",
      "status",
      "progress_percent",
      "progress_stage",
      "current_section",
      "total_sections",
      "eta_seconds",
      "offline_demo",
    ])
    .where("id", "=", documentId)
    .executeTakeFirst();
  if (!document) return undefined;
  const sections = await db
    .selectFrom("sections")
    .select(["index", "heading", "status", "word_count", "target_words"])
    .where("document_id", "=", documentId)
    .orderBy("index")
    .execute();
  return snapshotOf(
    document,
    sections.map((s) => ({
      index: s.index,
      heading: s.heading,
      status: s.status,
      wordCount: s.word_count,
      targetWords: s.target_words,
    })),
  );
}

type SnapshotColumns = Pick<
  Selectable<DocumentsTable>,
  | "id"
  | "status"
  | "progress_percent"
  | "progress_stage"
  | "current_section"
  | "total_sections"
  | "eta_seconds"
  | "offline_demo"
>;

/** A document's progress as the browser keeps it, from its row and the sections it lists. */
export function snapshotOf(document: SnapshotColumns, sections: ProgressSnapshot["sections"]): ProgressSnapshot {
  return {
    documentId: document.id,
    status: document.status,
    percent: document.progress_percent,
    stage: document.progress_stage,
    currentSection: document.current_section,
    totalSections: document.total_sections,
    etaSeconds: document.eta_seconds,
    offlineDemo: document.offline_demo,
    sections,
  };
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
