import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { OrderNotPayableError, placedOrder } from "~/models/api-order-placement.server";
import { apiError, apiJson, methodNotAllowed, requireApiPoster } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { idempotent } from "~/utils/idempotency.server";
import { stripeConfigured } from "~/utils/stripe.server";

/**
 * POST /api/v1/orders/{id}/checkout: places a draft order for payment and answers the Stripe Checkout URL where it is
 * paid (the open one again, if there is one); 409 once the order is paid, 503 when card payment is off.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const caller = await requireApiPoster(request, "orders:write");
  const id = params.id ?? "";
  return idempotent(request, caller, { id }, async () => {
    if (!stripeConfigured()) return apiError(503, "card_payment_off", "Card payment is not configured on this server.");
    let placed;
    try {
      placed = await placedOrder(getDb(), caller.userId, id, { place: true });
    } catch (error) {
      if (error instanceof OrderNotPayableError)
        return apiError(409, "not_payable", "This order is no longer waiting for payment.");
      throw error;
    }
    if (!placed) return apiError(404, "not_found", "There is no order of yours with this id.");
    if (!placed.checkoutUrl)
      return apiError(503, "checkout_unavailable", "Stripe could not be reached: try again in a minute.", {
        "Retry-After": "60",
      });
    return apiJson(placed);
  });
}

/** A GET here is not an operation: said in JSON, with what is (not Remix's error for a missing loader). */
export function loader({ request }: LoaderFunctionArgs) {
  return methodNotAllowed(request, "POST");
}
