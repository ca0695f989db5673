import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { completeSignIn, EMAIL_CODE_STRATEGY, getAuthenticator, SignInRefused } from "~/utils/auth.server";
import type { AppLoadContext } from "~/utils/request.server";
import { clearPendingSignInCookie } from "~/utils/sign-in-cookies.server";

// The link from the sign-in email. Success starts a session; a used, expired or foreign link lands on /login, which
// says why and offers a new code.
export async function loader({ request, context }: LoaderFunctionArgs) {
  try {
    return await completeSignIn(
      request,
      context as AppLoadContext,
      await getAuthenticator().authenticate(EMAIL_CODE_STRATEGY, request),
    );
  } catch (error) {
    if (!(error instanceof SignInRefused)) throw error;
    // A link opened in another browser leaves that browser's own pending code alone.
    const headers = error.reason === "other_browser" ? undefined : { "Set-Cookie": await clearPendingSignInCookie() };
    throw redirect(`/login?error=${error.reason}`, { headers });
  }
}
