/** Liveness: the process answers. Dependencies are checked at /health/detailed. */
export async function loader() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
