import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getGenerationRates } from "~/models/generation-rates.server";
import { ownKeyPricingFor } from "~/models/own-key-pricing.server";
import { apiJson, parseApiBody, readJsonBody, methodNotAllowed, requireApiPoster } from "~/utils/api.server";
import { quoteRequestSchema, type Quote } from "~/utils/api-schemas";
import { getDb } from "~/utils/db.server";
import { idempotent } from "~/utils/idempotency.server";
import { CURRENCY, estimateTime, priceOf } from "~/utils/pricing";

/** POST /api/v1/quotes: the price and time estimate of an order, as the order wizard computes them; changes nothing. */
export async function action({ request }: ActionFunctionArgs) {
  const caller = await requireApiPoster(request, "orders:read");
  const body = await readJsonBody(request);
  const input = await parseApiBody(quoteRequestSchema, body);
  return idempotent(request, caller, body, async () => {
    // Priced as the wizard prices this account's next order: with its own LLM key's discount where it has one.
    const { ownKeyDiscount } = await ownKeyPricingFor(getDb(), caller.userId);
    const price = priceOf({ ...input, ownKeyDiscount });
    const estimate = estimateTime(input, await getGenerationRates(getDb()));
    const quote: Quote = {
      price: {
        amountCents: price.totalCents,
        currency: CURRENCY,
        perPageCents: price.pricePerPageCents,
        baseCents: price.baseCents,
        expressCents: price.expressCents,
        ownKeyCents: price.ownKeyCents,
      },
      estimate,
    };
    return apiJson(quote);
  });
}

/** A GET here is not an operation: said in JSON, with what is (not Remix's error for a missing loader). */
export function loader({ request }: LoaderFunctionArgs) {
  return methodNotAllowed(request, "POST");
}
