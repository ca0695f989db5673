import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { revokeAllSessions, revokeSession } from "~/models/sessions.server";
import { getDb } from "~/utils/db.server";
import { readFormData } from "~/utils/request.server";
import { destroySessionCookie, getOptionalUser, getSessionId } from "~/utils/session-cookie.server";

export async function loader() {
  return redirect("/");
}

/** Sign out this browser; with `everywhere` every session of the user ends. */
export async function action({ request }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const user = await getOptionalUser(request);
  if (user) {
    if (formData.get("everywhere") === "true") await revokeAllSessions(getDb(), user.id);
    else {
      const sessionId = await getSessionId(request);
      if (sessionId) await revokeSession(getDb(), sessionId);
    }
  }
  return redirect("/", { headers: { "Set-Cookie": await destroySessionCookie(request) } });
}
