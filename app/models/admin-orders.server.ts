// The orders an admin searches (/admin/documents): by the customer's email, the topic or the id, filtered by state,
// kind, language and the day the order was made; newest first, a page at a time.
import type { DocumentStatus } from "../../db/schema";
import type { DbOrTrx } from "../utils/db.server";
import { escapeLike } from "./audit-log.server";
import { isUuid } from "./documents.server";

export type OrderFilter = {
  /** An order id (exact), or part of the customer's email or of the topic. */
  q?: string;
  status?: DocumentStatus;
  kind?: string;
  language?: string;
  /** Orders made on or after this moment, and before `to`. */
  from?: Date;
  to?: Date;
};

export const ORDERS_PAGE_SIZE = 25;

/** Page `page` (from 1) of the orders that match, with the customer's email, and whether more pages follow. */
export async function searchOrders(db: DbOrTrx, filter: OrderFilter, page: number) {
  let query = db
    .selectFrom("documents")
    .innerJoin("users", "users.id", "documents.user_id")
    .select([
      "documents.id",
      "documents.topic",
      "documents.kind",
      "documents.language",
      "documents.pages",
      "documents.status",
      "documents.progress_stage",
      "documents.price_cents",
      "documents.currency",
      "documents.created_at",
      "users.email",
    ])
    .orderBy("documents.created_at", "desc")
    .orderBy("documents.id", "desc")
    .limit(ORDERS_PAGE_SIZE + 1)
    .offset((page - 1) * ORDERS_PAGE_SIZE);
  const q = filter.q?.trim();
  if (q && isUuid(q)) query = query.where("documents.id", "=", q);
  else if (q) {
    const pattern = `%${escapeLike(q)}%`;
    query = query.where((eb) => eb.or([eb("users.email", "ilike", pattern), eb("documents.topic", "ilike", pattern)]));
  }
  if (filter.status) query = query.where("documents.status", "=", filter.status);
  if (filter.kind) query = query.where("documents.kind", "=", filter.kind);
  if (filter.language) query = query.where("documents.language", "=", filter.language);
  if (filter.from) query = query.where("documents.created_at", ">=", filter.from);
  if (filter.to) query = query.where("documents.created_at", "<", filter.to);
  const rows = await query.execute();
  return { rows: rows.slice(0, ORDERS_PAGE_SIZE), more: rows.length > ORDERS_PAGE_SIZE };
}
