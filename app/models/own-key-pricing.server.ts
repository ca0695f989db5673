// Whether a customer's next order is priced with their own LLM key, and the share it takes off (BYOK_DISCOUNT): the
// one input of priceOf (app/utils/pricing.ts) that depends on who orders — for the wizard, the review step, Checkout
// and the API's quotes alike.
import type { DbOrTrx } from "../utils/db.server";
import { getEnv } from "../utils/env.server";

export type OwnKeyPricing = { ownKey: boolean; ownKeyDiscount: number };

export async function ownKeyPricingFor(db: DbOrTrx, userId: string): Promise<OwnKeyPricing> {
  const env = getEnv();
  if (!env.BYOK_ENABLED) return { ownKey: false, ownKeyDiscount: 0 };
  const key = await db.selectFrom("customer_llm_keys").select("id").where("user_id", "=", userId).executeTakeFirst();
  return key ? { ownKey: true, ownKeyDiscount: env.BYOK_DISCOUNT } : { ownKey: false, ownKeyDiscount: 0 };
}
