// Sign-in by a code or link mailed to the address (remix-auth, with our own strategy: docs/decisions/018-sign-in-codes-on-the-server.md).
// The code, its address, its tries and its single use live in a sign_in_codes row; the browser only points at it.
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
import { findOrCreateUserByEmail } from "../models/users.server";
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

/** What a refused sign-in tells the person, by reason. "no_code": a code typed with no code asked in this browser. */
export const SIGN_IN_MESSAGES: Record<SignInFailure | "no_code" | "disabled", string> = {
  wrong_code: "That code is not right. Check the email and try again.",
  too_many_tries: "Too many wrong codes: this one no longer works. Request a new code below.",
  expired: "That code or sign-in link has expired. Request a new one below.",
  used: "This sign-in link has already been used, or a newer code was sent since. Request a new one below.",
  unknown: "This sign-in link is not valid. Request a new one below.",
  other_browser:
    "This sign-in link works only in the browser where you asked for it. Open it there, or type the code from the email in that browser.",
  no_code: "Ask for a code first: enter your email address below.",
  disabled: "This account has been disabled. If you think this is a mistake, write to our support.",
};

export function isSignInFailure(value: string | null): value is SignInFailure | "no_code" | "disabled" {
  return value !== null && Object.hasOwn(SIGN_IN_MESSAGES, value);
}

export class SignInRefused extends Error {
  constructor(
    readonly reason: SignInFailure | "no_code" | "disabled",
    readonly triesLeft?: number,
  ) {
    super(SIGN_IN_MESSAGES[reason]);
    this.name = "SignInRefused";
  }

  get userMessage(): string {
    if (this.reason !== "wrong_code" || this.triesLeft === undefined) return this.message;
    return `${this.message} ${this.triesLeft} ${this.triesLeft === 1 ? "try" : "tries"} left.`;
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
    throw new Response("We could not send the email just now. Please try again in a minute.", { status: 503 });
  }
  // The code this browser waited on before is of no further use to it.
  if (request.replaces && request.replaces !== id) await retireSignInCode(db, request.replaces);
  return pendingSignInCookie(id);
}

/** After a verified code or link: a session row, its cookie, the browser remembered, on to consent or the target. */
export async function completeSignIn(request: Request, context: AppLoadContext, signedIn: SignedIn): Promise<Response> {
  const headers = new Headers();
  headers.append("Set-Cookie", await startSession(signedIn.userId, requestOrigin(request, context)));
  headers.append("Set-Cookie", await rememberKnownAddress(request, emailKey(signedIn.email)));
  headers.append("Set-Cookie", await clearPendingSignInCookie());
  const next = signedIn.redirectTo ? `/welcome?redirectTo=${encodeURIComponent(signedIn.redirectTo)}` : "/welcome";
  return redirect(next, { headers });
}
