// A customer's own references for an order: stored as its sources with priority while the order is a draft; the
// plan looks each up in the indexes (worker/research/resolve.ts) and assigns them to sections before the found ones.
import type { SourceResolution } from "../../db/schema";
import type { Db } from "../utils/db.server";
import type { ImportedReference } from "../utils/reference-import.server";

export type CustomerReference = {
  position: number;
  key: string;
  title: string;
  doi: string | null;
  year: number | null;
  resolution: SourceResolution | null;
};

/** The key an imported entry is stored under until the plan names it after its author and year. */
export function importedKey(position: number): string {
  return `own${position}`;
}

/**
 * Replaces the order's uploaded references with these, in one transaction, while the order is a draft of this
 * customer (false otherwise: nothing changed).
 */
export async function replaceCustomerReferences(
  db: Db,
  documentId: string,
  userId: string,
  references: readonly ImportedReference[],
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const draft = await trx
      .selectFrom("documents")
      .select("id")
      .where("id", "=", documentId)
      .where("user_id", "=", userId)
      .where("status", "=", "draft")
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!draft) return false;
    await trx.deleteFrom("sources").where("document_id", "=", documentId).where("priority", "=", true).execute();
    if (references.length === 0) return true;
    await trx
      .insertInto("sources")
      .values(
        references.map((reference) => {
          const key = importedKey(reference.position);
          return {
            document_id: documentId,
            key,
            doi: reference.doi,
            title: reference.title,
            year: reference.year,
            csl: JSON.stringify({ ...reference.csl, id: key }),
            priority: true,
            import_position: reference.position,
            resolution: "pending" as const,
          };
        }),
      )
      .execute();
    return true;
  });
}

/** The order's uploaded references, in the file's order. */
export async function listCustomerReferences(db: Db, documentId: string): Promise<CustomerReference[]> {
  const rows = await db
    .selectFrom("sources")
    .select(["import_position", "key", "title", "doi", "year", "resolution"])
    .where("document_id", "=", documentId)
    .where("priority", "=", true)
    .orderBy("import_position")
    .execute();
  return rows.map(({ import_position, ...row }) => ({ ...row, position: import_position ?? 0 }));
}
