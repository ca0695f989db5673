import { createCookieSessionStorage, redirect } from "@remix-run/node";
import { createSession, getSessionUser, SESSION_DAYS } from "../models/sessions.server";
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
  const sessionId = await sessionIdOfCookie(cookieHeader);
  return sessionId ? ((await getSessionUser(getDb(), sessionId)) ?? null) : null;
}

/** The session id a correctly signed session cookie names, or null (no cookie, a forged or malformed one). */
export async function sessionIdOfCookie(cookieHeader: string | null | undefined): Promise<string | null> {
  if (!cookieHeader?.includes(`${SESSION_COOKIE}=`)) return null;
  const sessionId = (await getSessionStorage().getSession(cookieHeader)).get("sessionId");
  return typeof sessionId === "string" && /^[0-9a-f-]{36}$/i.test(sessionId) ? sessionId : null;
}

// A page request asks for its user several times (the rate limiter, the root and route loaders, the language):
// a GET looks it up once. Other methods look again each time: an action may change the very row it reads.
const usersOfRequests = new WeakMap<Request, Promise<SignedInUser | null>>();

export function getOptionalUser(request: Request): Promise<SignedInUser | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return getUserFromCookie(request.headers.get("Cookie"));
  let user = usersOfRequests.get(request);
  if (!user) usersOfRequests.set(request, (user = getUserFromCookie(request.headers.get("Cookie"))));
  return user;
}

/** The user an earlier step of this GET request already read from its own Cookie header (the rate limiter). */
export function rememberRequestUser(request: Request, user: SignedInUser | null) {
  if (request.method === "GET" || request.method === "HEAD") usersOfRequests.set(request, Promise.resolve(user));
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
  if (!options.allowWithoutConsent && user.essentialConsent !== true) {
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
