import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createApiOrder, placedOrder } from "~/models/api-order-placement.server";
import { listApiOrders, listQuerySchema } from "~/models/api-orders.server";
import { apiError, apiJson, parseApiBody, readJsonBody, requireApiCaller, requireApiPoster } from "~/utils/api.server";
import { orderRequestSchema } from "~/utils/api-schemas";
import { getDb } from "~/utils/db.server";
import { idempotent } from "~/utils/idempotency.server";

/** GET /api/v1/orders: the key owner's orders, newest first; `limit` (1–100, 20) and `cursor` (from `nextCursor`). */
export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireApiCaller(request, "orders:read");
  const params = new URL(request.url).searchParams;
  const query = listQuerySchema.safeParse({
    cursor: params.get("cursor") ?? undefined,
    limit: params.get("limit") ?? undefined,
  });
  if (!query.success) {
    const issue = query.error.issues[0]!;
    return apiError(400, "invalid_query", `${issue.path.join(".")} ${issue.message}`);
  }
  return apiJson(await listApiOrders(getDb(), caller.userId, query.data));
}

/**
 * POST /api/v1/orders: the order from one JSON body (the wizard's steps), placed for payment with its Checkout URL, or
 * kept as a draft (`draft: true`) for a requirements file.
 */
export async function action({ request }: ActionFunctionArgs) {
  const caller = await requireApiPoster(request, "orders:write", "GET, POST");
  const body = await readJsonBody(request);
  const input = await parseApiBody(orderRequestSchema, body);
  return idempotent(request, caller, body, async () => {
    const db = getDb();
    const id = await createApiOrder(db, caller.userId, input);
    const placed = await placedOrder(db, caller.userId, id, { place: false });
    return apiJson(placed, { status: 201, headers: { Location: `/api/v1/orders/${id}` } });
  });
}
