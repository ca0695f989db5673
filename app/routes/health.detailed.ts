import { detailedHealth } from "~/utils/health.server";

export async function loader() {
  const { httpStatus, ...body } = await detailedHealth();
  return Response.json(body, { status: httpStatus, headers: { "Cache-Control": "no-store" } });
}
