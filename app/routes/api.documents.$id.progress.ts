import type { LoaderFunctionArgs } from "@remix-run/node";
import { isUuid, ownsDocument } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { readLiveSnapshot } from "~/utils/document-event-relay.server";
import { getOptionalUser } from "~/utils/session-cookie.server";

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * The progress snapshot as JSON: the truth the browser re-reads on every (re)connect and polls while disconnected.
 * Owner only (admins: any); anyone else, signed in or not, gets 404 (the page then re-runs its loader, which sends a
 * signed-out browser to sign in).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  const id = params.id ?? "";
  const allowed = !user
    ? false
    : user.role === "admin"
      ? isUuid(id) && (await getDb().selectFrom("documents").select("id").where("id", "=", id).executeTakeFirst())
      : await ownsDocument(getDb(), id, user.id);
  const snapshot = allowed ? await readLiveSnapshot(getDb(), id) : undefined;
  if (!snapshot) return Response.json({ error: "Document not found." }, { status: 404, headers: NO_STORE });
  return Response.json(snapshot, { headers: NO_STORE });
}
