import { createCookieSessionStorage, redirect } from "@remix-run/node";
import { createSession, getSessionUser, SESSION_DAYS } from "../models/sessions.server";
import { hasEssentialConsent } from "../models/users.server";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";
import { remember } from "./singleton.server";

export const SESSION_COOKIE = "__session";

// The cookie holds only the id of a `sessions` row, so revoking the row signs the browser out.
export function getSessionStorage() {
  return remember("sessionStorage", () => {
    const env = getEnv();
    return createCookieSessionStorage<{ sessionId: string }>({
      cookie: {
        name: SESSION_COOKIE,
        httpOnly: true,
        sameSite: "lax",
        path: "/",
        secure: env.isProduction && env.APP_URL.startsWith("https:"),
        secrets: [env.SESSION_SECRET],
        maxAge: SESSION_DAYS * 24 * 60 * 60,
      },
    });
  });
}

export type SignedInUser = NonNullable<Awaited<ReturnType<typeof getSessionUser>>>;

/** The user behind a Cookie header (also used by the socket.io handshake), or null. */
export async function getUserFromCookie(cookieHeader: string | null | undefined): Promise<SignedInUser | null> {
  if (!cookieHeader) return null;
  const session = await getSessionStorage().getSession(cookieHeader);
  const sessionId = session.get("sessionId");
  if (typeof sessionId !== "string" || !/^[0-9a-f-]{36}$/i.test(sessionId)) return null;
  return (await getSessionUser(getDb(), sessionId)) ?? null;
}

export function getOptionalUser(request: Request) {
  return getUserFromCookie(request.headers.get("Cookie"));
}

/** Throws a redirect to sign-in (or to the consent step) unless a consenting user is signed in. */
export async function requireUser(
  request: Request,
  options: { allowWithoutConsent?: boolean } = {},
): Promise<SignedInUser> {
  const user = await getOptionalUser(request);
  const url = new URL(request.url);
  const here = `${url.pathname}${url.search}`;
  if (!user) throw redirect(`/login?redirectTo=${encodeURIComponent(here)}`);
  if (!options.allowWithoutConsent && !(await hasEssentialConsent(getDb(), user.id))) {
    throw redirect(`/welcome?redirectTo=${encodeURIComponent(here)}`);
  }
  return user;
}

/** Creates a session row and returns the Set-Cookie header that carries it. */
export async function startSession(userId: string, origin: { ip: string | null; userAgent: string | null }) {
  const row = await createSession(getDb(), userId, origin);
  const storage = getSessionStorage();
  const session = await storage.getSession();
  session.set("sessionId", row.id);
  return storage.commitSession(session);
}

export async function destroySessionCookie(request: Request) {
  const storage = getSessionStorage();
  return storage.destroySession(await storage.getSession(request.headers.get("Cookie")));
}

export async function getSessionId(request: Request): Promise<string | undefined> {
  const session = await getSessionStorage().getSession(request.headers.get("Cookie"));
  return session.get("sessionId");
}
