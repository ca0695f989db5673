// Wrong: a migration takes a value from project code, which may change after it was written.
import type { Kysely } from "kysely";
import { PRICE_PER_PAGE_CENTS } from "../../app/price";

export async function up(db: Kysely<any>): Promise<void> {
  await db.updateTable("documents").set({ price_cents: PRICE_PER_PAGE_CENTS }).execute();
}
