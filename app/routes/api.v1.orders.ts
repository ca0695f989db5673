import type { LoaderFunctionArgs } from "@remix-run/node";
import { listApiOrders, listQuerySchema } from "~/models/api-orders.server";
import { apiError, apiJson, requireApiCaller } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";

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
