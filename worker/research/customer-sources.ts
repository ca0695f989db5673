// The customer's own references in the plan: read as uploaded, kept (updated in place) with what the lookup found,
// and preferred to the search's copy of the same work.
import type { DbOrTrx } from "../../app/utils/db.server";
import type { RankedSource } from "./merge";
import type { CustomerSourceRow, ResolvedCustomerSource } from "./resolve";
import { normaliseTitle } from "./text";

/** The order's uploaded references, in the file's order, still as uploaded (a second plan finds none pending). */
export function readCustomerSources(db: DbOrTrx, documentId: string): Promise<CustomerSourceRow[]> {
  return db
    .selectFrom("sources")
    .select(["id", "key", "doi", "title", "csl"])
    .where("document_id", "=", documentId)
    .where("priority", "=", true)
    .where("resolution", "=", "pending")
    .orderBy("import_position")
    .execute();
}

/** Each uploaded row becomes the looked-up source (its key, fields and how it was found); only a pending row changes. */
export async function storeCustomerSources(trx: DbOrTrx, sources: readonly ResolvedCustomerSource[]): Promise<void> {
  for (const source of sources) {
    await trx
      .updateTable("sources")
      .set({
        key: source.key,
        doi: source.doi,
        openalex_id: source.openalexId,
        title: source.title,
        year: source.year,
        csl: JSON.stringify(source.csl),
        abstract: source.abstract,
        cited_by_count: source.citedByCount,
        language: source.language,
        open_access_url: source.openAccessUrl,
        resolution: source.resolution,
      })
      .where("id", "=", source.id)
      .where("resolution", "=", "pending")
      .execute();
  }
}

/** The search's sources less those that are one of the customer's works (same DOI, or same title). */
export function withoutCustomerSources(
  searched: readonly RankedSource[],
  customer: readonly ResolvedCustomerSource[],
): RankedSource[] {
  const dois = new Set(customer.flatMap((s) => (s.doi ? [s.doi] : [])));
  const titles = new Set(customer.map((s) => normaliseTitle(s.title)));
  return searched.filter((s) => !(s.doi && dois.has(s.doi)) && !titles.has(normaliseTitle(s.title)));
}
