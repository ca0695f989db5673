import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDocumentForOwner, getProgressSnapshot } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { getOptionalUser } from "~/utils/session.server";

/** The progress snapshot as JSON: the truth the browser re-reads on every (re)connect. Owner only; others get 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  const document = user ? await getDocumentForOwner(getDb(), params.id ?? "", user.id) : undefined;
  if (!document) return Response.json({ error: "Document not found." }, { status: 404 });
  const snapshot = await getProgressSnapshot(getDb(), document.id);
  return Response.json(snapshot, { headers: { "Cache-Control": "no-store" } });
}
