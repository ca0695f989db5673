import { sql } from "kysely";
import type { DbOrTrx } from "../../app/utils/db.server";
import type { Completion } from "./provider";

// US dollars per million tokens (input, output). Unknown models cost 0 and are listed by the admin screens later.
const PRICES_PER_MILLION: Record<string, [number, number]> = {
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4o": [2.5, 10],
  "gpt-4.1-mini": [0.4, 1.6],
  "claude-sonnet-4-5": [3, 15],
  "claude-haiku-4-5": [1, 5],
};

export function costMicrodollars(model: string, tokensIn: number, tokensOut: number): number {
  const price = PRICES_PER_MILLION[model];
  if (!price) return 0;
  return Math.round(tokensIn * price[0] + tokensOut * price[1]);
}

/** Records one call's tokens and cost, and adds them to the document's totals, in the caller's transaction. */
export async function recordUsage(
  trx: DbOrTrx,
  usage: { documentId: string; sectionId?: string; userId: string; purpose: string; completion: Completion },
) {
  const { completion } = usage;
  const cost = costMicrodollars(completion.model, completion.tokensIn, completion.tokensOut);
  await trx
    .insertInto("token_usage")
    .values({
      document_id: usage.documentId,
      section_id: usage.sectionId ?? null,
      user_id: usage.userId,
      provider: completion.provider,
      model: completion.model,
      purpose: usage.purpose,
      tokens_in: completion.tokensIn,
      tokens_out: completion.tokensOut,
      cost_microdollars: cost,
    })
    .execute();
  await trx
    .updateTable("documents")
    .set({
      tokens_in: sql`tokens_in + ${completion.tokensIn}`,
      tokens_out: sql`tokens_out + ${completion.tokensOut}`,
      cost_microdollars: sql`cost_microdollars + ${cost}`,
    })
    .where("id", "=", usage.documentId)
    .execute();
}
