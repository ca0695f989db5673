import type { LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "~/utils/env.server";
import { bearerMatches, healthReport } from "~/utils/health.server";
import { getOptionalUser } from "~/utils/session-cookie.server";

/** Details for monitoring (Authorization: Bearer $METRICS_TOKEN) and signed-in admins; the status alone for anyone else. */
export async function loader({ request }: LoaderFunctionArgs) {
  const showDetails =
    bearerMatches(request.headers.get("authorization"), getEnv().METRICS_TOKEN) ||
    (await getOptionalUser(request))?.role === "admin";
  const { httpStatus, body } = await healthReport({ showDetails });
  return Response.json(body, { status: httpStatus, headers: { "Cache-Control": "no-store" } });
}
