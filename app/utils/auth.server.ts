// Sign-in by a code or link mailed to the address (remix-auth, with our own strategy: docs/decisions/018-sign-in-codes-on-the-server.md).
// The code, its address, its tries and its single use live in a sign_in_codes row; the browser only points at it.
import { translatorFor } from "../i18n/i18n.server";
import { createHmac } from "node:crypto";
import { redirect } from "@remix-run/node";
import { Authenticator } from "remix-auth";
import { Strategy } from "remix-auth/strategy";
import {
  CODE_MINUTES,
  checkSignInCode,
  createSignInCode,
  deleteSignInCode,
  normaliseEmail,
  retireSignInCode,
  useSignInLink,
  type CodeCheck,
  type SignInFailure,
} from "../models/sign-in-codes.server";
import { getLocale } from "../i18n/i18n.server";
import { findOrCreateUserByEmail, setUserLocaleIfUnset } from "../models/users.server";
import type { DbOrTrx } from "./db.server";
import { getDb } from "./db.server";
import { sendEmail } from "./email.server";
import { signInCodeEmail } from "./email-templates.server";
import { getEnv } from "./env.server";
import { logger } from "./logger.server";
import { requestOrigin, type AppLoadContext } from "./request.server";
import {
  clearPendingSignInCookie,
  pendingSignInCookie,
  readPendingSignIn,
  rememberKnownAddress,
} from "./sign-in-cookies.server";
import { startSession } from "./session-cookie.server";
import { remember } from "./singleton.server";

export const EMAIL_CODE_STRATEGY = "email-code";

/** Why a sign-in was refused. "no_code": a code typed with no code asked in this browser. */
export type SignInRefusal = SignInFailure | "no_code" | "disabled";

/** What a refused sign-in tells the person, by reason: a key of the auth namespace, in the reader's language. */
export const SIGN_IN_MESSAGES = {
  wrong_code: "auth:refused.wrong_code",
  too_many_tries: "auth:refused.too_many_tries",
  expired: "auth:refused.expired",
  used: "auth:refused.used",
  unknown: "auth:refused.unknown",
  other_browser: "auth:refused.other_browser",
  no_code: "auth:refused.no_code",
  disabled: "auth:refused.disabled",
} as const satisfies Record<SignInRefusal, `auth:refused.${string}`>;

export function isSignInFailure(value: string | null): value is SignInRefusal {
  return value !== null && Object.hasOwn(SIGN_IN_MESSAGES, value);
}

/** Any translator that knows the auth namespace (a page's or the server's). */
type AuthT = (key: `auth:${string}`, options?: { count: number }) => string;

/** The refusal in the reader's words; a wrong code also says how many tries are left. */
export function signInMessage(t: unknown, reason: SignInRefusal, triesLeft?: number): string {
  const translate = t as AuthT;
  const text = translate(SIGN_IN_MESSAGES[reason]);
  if (reason !== "wrong_code" || triesLeft === undefined) return text;
  return `${text} ${translate("auth:refused.triesLeft", { count: triesLeft })}`;
}

export class SignInRefused extends Error {
  constructor(
    readonly reason: SignInRefusal,
    readonly triesLeft?: number,
  ) {
    super(`sign-in refused: ${reason}`);
    this.name = "SignInRefused";
  }
}

/** The key of codes, links and address HMACs (TOTP_SECRET, 64 hex characters). */
function signInKey(): Buffer {
  return remember("signInKey", () => Buffer.from(getEnv().TOTP_SECRET, "hex"));
}

/** An address as the limits and the known-browser cookie name it: an HMAC, never the address itself. */
export function emailKey(email: string): string {
  return createHmac("sha256", signInKey())
    .update(`email:${normaliseEmail(email)}`)
    .digest("base64url")
    .slice(0, 32);
}

type SignedIn = { userId: string; email: string; redirectTo: string | null };

/**
 * Verifies a typed code (POST with `code`) or an email's link (GET with `t`) against the row this browser waits on;
 * the address signed in is always the row's. Throws SignInRefused when it does not hold.
 */
class EmailCodeStrategy extends Strategy<SignedIn, { email: string; redirectTo: string | null }> {
  name = EMAIL_CODE_STRATEGY;

  async authenticate(request: Request): Promise<SignedIn> {
    const db = getDb();
    const pendingId = await readPendingSignIn(request);
    let check: CodeCheck;
    if (request.method === "POST") {
      const code = (await request.formData()).get("code");
      if (typeof code !== "string" || !pendingId) throw new SignInRefused("no_code");
      check = await checkSignInCode(db, signInKey(), pendingId, code);
    } else {
      const token = new URL(request.url).searchParams.get("t");
      if (!token || token.length > 100) throw new SignInRefused("unknown");
      check = await useSignInLink(db, signInKey(), pendingId, token);
    }
    if (!check.ok) throw new SignInRefused(check.reason, check.triesLeft);
    return this.verify({ email: check.email, redirectTo: check.redirectTo });
  }
}

export function getAuthenticator() {
  return remember("authenticator", () => {
    const authenticator = new Authenticator<SignedIn>();
    authenticator.use(
      new EmailCodeStrategy(async ({ email, redirectTo }) => {
        const user = await findOrCreateUserByEmail(getDb(), email);
        if (!user) throw new SignInRefused("unknown");
        if (user.disabled_at) throw new SignInRefused("disabled");
        return { userId: user.id, email: user.email, redirectTo };
      }),
      EMAIL_CODE_STRATEGY,
    );
    return authenticator;
  });
}

/**
 * Mails a new code and link for `email` and returns the pending cookie that points this browser at it. The link is
 * built from APP_URL only, never from the request. A code whose email could not be sent is deleted again.
 */
export async function sendSignInCode(
  db: DbOrTrx,
  request: {
    email: string;
    ip: string | null;
    redirectTo: string | null;
    replaces: string | null;
    /** The language of the page that asked: the email speaks it. */
    locale: string | null;
  },
): Promise<string> {
  const { id, code, linkToken } = await createSignInCode(db, signInKey(), request);
  const magicLink = `${getEnv().APP_URL}/magic-link?t=${linkToken}`;
  try {
    const to = { email: normaliseEmail(request.email), locale: request.locale };
    await sendEmail(await signInCodeEmail(to, { code, magicLink, minutes: CODE_MINUTES }));
  } catch (error) {
    await deleteSignInCode(db, id);
    logger.error({ err: error }, "could not send a sign-in email");
    const t = await translatorFor(request.locale ?? "en");
    throw new Response(t("auth:emailNotSent"), { status: 503 });
  }
  // The code this browser waited on before is of no further use to it.
  if (request.replaces && request.replaces !== id) await retireSignInCode(db, request.replaces);
  return pendingSignInCookie(id);
}

/**
 * After a verified code or link: a session row, its cookie, the browser remembered, on to consent or the target. An
 * account without a language setting takes the one this page was read in, so later emails from the worker speak it.
 */
export async function completeSignIn(request: Request, context: AppLoadContext, signedIn: SignedIn): Promise<Response> {
  await setUserLocaleIfUnset(getDb(), signedIn.userId, await getLocale(request));
  const headers = new Headers();
  headers.append("Set-Cookie", await startSession(signedIn.userId, requestOrigin(request, context)));
  headers.append("Set-Cookie", await rememberKnownAddress(request, emailKey(signedIn.email)));
  headers.append("Set-Cookie", await clearPendingSignInCookie());
  const next = signedIn.redirectTo ? `/welcome?redirectTo=${encodeURIComponent(signedIn.redirectTo)}` : "/welcome";
  return redirect(next, { headers });
}
