import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportUserData } from "~/models/account.server";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { getDb } from "~/utils/db.server";
import { requireUser } from "~/utils/session-cookie.server";
import { invariantResponse } from "~/utils/invariant";

/** GET /account/export: everything we hold about the signed-in user, as a JSON download. */
export async function loader({ request }: LoaderFunctionArgs) {
  // Consent or not, a person may always have their data.
  const user = await requireUser(request, { allowWithoutConsent: true });
  const data = await exportUserData(getDb(), user.id);
  invariantResponse(data, (await translatorFor(await getLocale(request)))("account:export.notFound"), { status: 404 });
  const date = data.exported_at.slice(0, 10);
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json",
      "Content-Disposition": `attachment; filename="tesigo-export-${date}.json"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
