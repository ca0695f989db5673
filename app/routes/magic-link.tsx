import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getAuthenticator, requestOrigins, TOTP_STRATEGY } from "~/utils/auth.server";
import { requestOrigin, type AppLoadContext } from "~/utils/request.server";

// The link from the sign-in email. Success redirects with a new session; an expired or reused link lands on
// /login, which says so and offers a new code.
export async function loader({ request, context }: LoaderFunctionArgs) {
  requestOrigins.set(request, requestOrigin(request, context as AppLoadContext));
  await getAuthenticator().authenticate(TOTP_STRATEGY, request);
  return redirect("/login");
}
