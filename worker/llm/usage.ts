import { sql } from "kysely";
import { nextUtcMidnight, tokensUsedToday } from "../../app/models/token-usage.server";
import type { DbOrTrx } from "../../app/utils/db.server";
import { getEnv } from "../../app/utils/env.server";
import type { Completion } from "./provider";

// US dollars per million tokens (input, output). Unknown models cost 0 and are listed by the admin screens later.
const PRICES_PER_MILLION: Record<string, [number, number]> = {
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4o": [2.5, 10],
  "gpt-4.1-mini": [0.4, 1.6],
  "claude-sonnet-4-5": [3, 15],
  "claude-sonnet-4-6": [3, 15],
  "claude-sonnet-5": [2, 10],
  "claude-sonnet-5-5": [2, 10],
  "claude-haiku-4-5": [1, 5],
};

/** A model's price: MODEL_PRICES (parsed with the environment) over the built-in table. */
export function costMicrodollars(model: string, tokensIn: number, tokensOut: number): number {
  const price = getEnv().MODEL_PRICES[model] ?? PRICES_PER_MILLION[model];
  if (!price) return 0;
  return Math.round(tokensIn * price[0] + tokensOut * price[1]);
}

type UsageOf = { documentId: string; sectionId?: string; userId: string; purpose: string; completion: Completion };

/** One call's `token_usage` row: its tokens and its cost. */
export function usageRow(usage: UsageOf) {
  const { completion } = usage;
  return {
    document_id: usage.documentId,
    section_id: usage.sectionId ?? null,
    user_id: usage.userId,
    provider: completion.provider,
    model: completion.model,
    purpose: usage.purpose,
    tokens_in: completion.tokensIn,
    tokens_out: completion.tokensOut,
    cost_microdollars: costMicrodollars(completion.model, completion.tokensIn, completion.tokensOut),
    paid_by_customer: completion.paidByCustomer ?? false,
  };
}

/**
 * Records one call's tokens and cost in the caller's transaction. The document's totals are summed from these rows
 * at review (refreshDocumentUsage), so parallel sections do not queue up on the document row for every call.
 */
export async function recordUsage(trx: DbOrTrx, usage: UsageOf) {
  await trx.insertInto("token_usage").values(usageRow(usage)).execute();
}

/** The document's token totals, and TesiGo's cost of it (calls with the customer's own key are theirs), from its token_usage rows. */
export async function refreshDocumentUsage(trx: DbOrTrx, documentId: string) {
  await sql`
    update documents d set
      tokens_in = u.tokens_in, tokens_out = u.tokens_out, cost_microdollars = u.cost
    from (
      select coalesce(sum(tokens_in), 0) as tokens_in, coalesce(sum(tokens_out), 0) as tokens_out,
             coalesce(sum(cost_microdollars) filter (where not paid_by_customer), 0) as cost
      from token_usage where document_id = ${documentId}
    ) u
    where d.id = ${documentId}`.execute(trx);
}

export type BudgetCheck = { allowed: true } | { allowed: false; reason: string; resumeAt: Date };

/**
 * Whether a new LLM call fits today's token limits (0 = no limit): the global one and the one per customer.
 * Work over a limit waits until midnight UTC with a clear status; it is never dropped.
 */
export async function checkDailyBudget(
  db: DbOrTrx,
  userId: string,
  limits: { global: number; perUser: number },
  now = new Date(),
): Promise<BudgetCheck> {
  if (!limits.global && !limits.perUser) return { allowed: true };
  const used = await tokensUsedToday(db, userId, now);
  const resumeAt = nextUtcMidnight(now);
  if (limits.global && used.total >= limits.global) {
    return { allowed: false, reason: "TesiGo's daily writing capacity is used up", resumeAt };
  }
  if (limits.perUser && used.user >= limits.perUser) {
    return { allowed: false, reason: "your daily writing allowance is used up", resumeAt };
  }
  return { allowed: true };
}
