import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { payApiOrderInDevelopment } from "~/models/api-order-placement.server";
import { getApiOrder } from "~/models/api-orders.server";
import { apiError, apiJson, methodNotAllowed, requireApiPoster } from "~/utils/api.server";
import type { OneOrder } from "~/utils/api-schemas";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { idempotent } from "~/utils/idempotency.server";

const NOT_FOUND = "There is no order of yours with this id.";

/**
 * POST /api/v1/orders/{id}/dev-payment: pays an order without a card where ALLOW_DEV_PAYMENT is on (development);
 * elsewhere this endpoint does not exist (404). 409 when the order is not waiting for payment.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  if (!getEnv().ALLOW_DEV_PAYMENT) return apiError(404, "not_found", "There is no such endpoint on this server.");
  const caller = await requireApiPoster(request, "orders:write");
  const id = params.id ?? "";
  return idempotent(request, caller, { id }, async () => {
    const db = getDb();
    const before = await getApiOrder(db, caller.userId, id);
    if (!before) return apiError(404, "not_found", NOT_FOUND);
    if (!(await payApiOrderInDevelopment(db, caller.userId, id)))
      return apiError(409, "not_payable", "This order is not waiting for payment.");
    const order = (await getApiOrder(db, caller.userId, id))!;
    return apiJson({ order } satisfies OneOrder);
  });
}

/** A GET here is not an operation: said in JSON, with what is (not Remix's error for a missing loader). */
export function loader({ request }: LoaderFunctionArgs) {
  return methodNotAllowed(request, "POST");
}
