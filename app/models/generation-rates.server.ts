import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";
import type { GenerationRates } from "../utils/pricing";

/** Measured seconds of generation per page, by kind of document. */
export async function getGenerationRates(db: DbOrTrx): Promise<GenerationRates> {
  const rows = await db.selectFrom("generation_rates").select(["kind", "seconds_per_page"]).execute();
  return Object.fromEntries(rows.map((r) => [r.kind, r.seconds_per_page]));
}

/** Folds one finished order into its kind's rate: a running mean over the last ~50 orders. */
export async function recordGenerationRate(db: DbOrTrx, kind: string, secondsPerPage: number): Promise<void> {
  if (!Number.isFinite(secondsPerPage) || secondsPerPage <= 0) return;
  await db
    .insertInto("generation_rates")
    .values({ kind, seconds_per_page: secondsPerPage, samples: 1 })
    .onConflict((oc) =>
      oc.column("kind").doUpdateSet({
        seconds_per_page: sql`generation_rates.seconds_per_page + (excluded.seconds_per_page - generation_rates.seconds_per_page) / least(generation_rates.samples + 1, 50)`,
        samples: sql`generation_rates.samples + 1`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}
