import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getApiOrder } from "~/models/api-orders.server";
import { apiError, apiJson, requireApiCaller, methodNotAllowed } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";

/** GET /api/v1/orders/{id}: state, progress, scores and warnings; 404 for an order that is not the caller's. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const caller = await requireApiCaller(request, "orders:read");
  const order = await getApiOrder(getDb(), caller.userId, params.id ?? "");
  if (!order) return apiError(404, "not_found", "There is no order of yours with this id.");
  return apiJson({ order });
}

/** Any method but GET here is not an operation: said in JSON, with what is (not Remix's error for a missing action). */
export function action({ request }: ActionFunctionArgs) {
  return methodNotAllowed(request, "GET");
}
