// The customer's orders as the public API shows them (issue 22): one shape for the list and for one order, newest
// first with an opaque cursor, and another customer's order never distinguishable from one that does not exist.
import { sql, type Selectable } from "kysely";
import { z } from "zod";
import type { DocumentsTable } from "../../db/schema";
import type { ApiOrder } from "../utils/api-schemas";
import type { DbOrTrx } from "../utils/db.server";
import { isUuid } from "./documents.server";

const COLUMNS = [
  "id",
  "status",
  "kind",
  "topic",
  "pages",
  "language",
  "citation_style",
  "price_cents",
  "currency",
  "progress_percent",
  "progress_stage",
  "total_sections",
  "sections_finished",
  "eta_seconds",
  "score_uniqueness",
  "score_grammar",
  "score_ai",
  "quality_warnings",
  "docx_key",
  "pdf_key",
  "created_at",
  "paid_at",
  "completed_at",
] as const satisfies readonly (keyof DocumentsTable)[];

type OrderRow = Pick<Selectable<DocumentsTable>, (typeof COLUMNS)[number]>;

export const MAX_PAGE_SIZE = 100;

/** The position after an order in the list: the last order's id, opaque to the caller (its time is read back). */
const cursorSchema = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const id = Buffer.from(value, "base64url").toString("utf8");
    if (!isUuid(id)) {
      ctx.addIssue({ code: "custom", message: "is not a cursor this API returned" });
      return z.NEVER;
    }
    return id;
  });

export const listQuerySchema = z.object({
  cursor: cursorSchema.optional(),
  limit: z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .default(20),
});

function cursorOf(row: Pick<OrderRow, "id">): string {
  return Buffer.from(row.id, "utf8").toString("base64url");
}

/** An order as the API shows it (the Order schema of the OpenAPI document). */
export function apiOrder(row: OrderRow): ApiOrder {
  const filesReady = Boolean(row.docx_key && row.pdf_key);
  return {
    id: row.id,
    status: row.status,
    kind: row.kind,
    topic: row.topic,
    pages: row.pages,
    language: row.language,
    citationStyle: row.citation_style,
    price: { amountCents: row.price_cents, currency: row.currency },
    progress: {
      percent: row.progress_percent,
      stage: row.progress_stage,
      sectionsTotal: row.total_sections,
      sectionsFinished: row.sections_finished,
      etaSeconds: row.eta_seconds,
    },
    scores: { uniqueness: row.score_uniqueness, grammar: row.score_grammar, ai: row.score_ai },
    warnings: row.quality_warnings as unknown as string[],
    files: filesReady
      ? { docx: `/api/v1/orders/${row.id}/files/docx`, pdf: `/api/v1/orders/${row.id}/files/pdf` }
      : null,
    createdAt: new Date(row.created_at).toISOString(),
    paidAt: row.paid_at ? new Date(row.paid_at).toISOString() : null,
    completedAt: row.completed_at ? new Date(row.completed_at).toISOString() : null,
  };
}

/** One page of the user's orders, newest first, and the cursor of the next page (null on the last). */
export async function listApiOrders(
  db: DbOrTrx,
  userId: string,
  query: z.infer<typeof listQuerySchema>,
): Promise<{ orders: ApiOrder[]; nextCursor: string | null }> {
  let select = db.selectFrom("documents").select(COLUMNS).where("user_id", "=", userId);
  // After the cursor's order, compared in Postgres (its times have microseconds a JavaScript date would lose).
  if (query.cursor)
    select = select.where(
      sql<boolean>`(created_at, id) < (select created_at, id from documents where id = ${query.cursor} and user_id = ${userId})`,
    );
  const rows = await select
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return { orders: page.map(apiOrder), nextCursor: rows.length > query.limit ? cursorOf(page.at(-1)!) : null };
}

/** One of the user's orders; undefined when there is none of theirs under this id. */
export async function getApiOrder(db: DbOrTrx, userId: string, id: string) {
  if (!isUuid(id)) return undefined;
  const row = await db
    .selectFrom("documents")
    .select(COLUMNS)
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row && apiOrder(row);
}
