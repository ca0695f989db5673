import { redirect } from "@remix-run/node";
import { Authenticator } from "remix-auth";
import { TOTPStrategy } from "remix-auth-totp";
import { findOrCreateUserByEmail } from "../models/users.server";
import { getDb } from "./db.server";
import { escapeHtml, sendEmail } from "./email.server";
import { getEnv } from "./env.server";
import { remember } from "./singleton.server";
import { startSession } from "./session.server";

export const TOTP_STRATEGY = "TOTP";
/** How long a code and its magic link stay valid. */
export const CODE_MINUTES = 15;

export const AUTH_ERRORS = {
  requiredEmail: "Enter your email address.",
  invalidEmail: "That does not look like an email address.",
  invalidTotp: "That code is not right. Check the email and try again.",
  expiredTotp: "That code or sign-in link has expired. Request a new one below.",
  rateLimitExceeded: "Too many wrong codes. Request a new one below.",
  missingSessionEmail:
    "This sign-in link has already been used, has expired, or was opened in a different browser. Request a new one below.",
  missingSessionTotp: "This sign-in link has already been used or has expired. Request a new one below.",
};

/** The client address of a sign-in request, for the session row (the strategy hands verify the same Request). */
export const requestOrigins = new WeakMap<Request, { ip: string | null; userAgent: string | null }>();

export function getAuthenticator() {
  return remember("authenticator", () => {
    const env = getEnv();
    const authenticator = new Authenticator<void>();
    authenticator.use(
      new TOTPStrategy(
        {
          secret: env.TOTP_SECRET,
          magicLinkPath: "/magic-link",
          emailSentRedirect: "/login",
          successRedirect: "/documents",
          failureRedirect: "/login",
          // No 0/O or 1/I: codes are read off a screen and typed.
          totpGeneration: { period: CODE_MINUTES * 60, maxAttempts: 5, charSet: "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" },
          customErrors: AUTH_ERRORS,
          cookieOptions: {
            httpOnly: true,
            sameSite: "Lax",
            path: "/",
            maxAge: CODE_MINUTES * 60,
            ...(env.isProduction && env.APP_URL.startsWith("https:") ? { secure: true as const } : {}),
          },
          sendTOTP: async ({ email, code, magicLink }) => {
            await sendEmail({
              to: email,
              subject: `Your TesiGo sign-in code: ${code}`,
              text: `Your sign-in code is ${code}.\n\nOr open this link in the same browser to sign in:\n${magicLink}\n\nThe code and the link expire in ${CODE_MINUTES} minutes. If you did not ask for them, ignore this email.`,
              html: `<p>Your sign-in code is <strong style="font-size:20px;letter-spacing:2px">${escapeHtml(code)}</strong>.</p><p>Or <a href="${escapeHtml(magicLink)}">sign in with this link</a> in the same browser.</p><p>The code and the link expire in ${CODE_MINUTES} minutes. If you did not ask for them, ignore this email.</p>`,
            });
          },
        },
        // Verified: create the user if new, start a database session, and carry its cookie on the redirect.
        async ({ email, request }) => {
          const user = await findOrCreateUserByEmail(getDb(), email);
          if (!user) throw new Error("This account has been deleted.");
          const origin = requestOrigins.get(request) ?? { ip: null, userAgent: request.headers.get("user-agent") };
          const cookie = await startSession(user.id, origin);
          throw redirect("/welcome", { headers: { "Set-Cookie": cookie } });
        },
      ),
      TOTP_STRATEGY,
    );
    return authenticator;
  });
}

/** Reads what the TOTP strategy keeps in its own cookie: the email a code was sent to, and the last error. */
export function readTotpCookie(cookieHeader: string | null): { email: string | null; error: string | null; pending: boolean } {
  const raw = cookieHeader
    ?.split(/;\s*/)
    .find((c) => c.startsWith("_totp="))
    ?.slice("_totp=".length);
  if (!raw) return { email: null, error: null, pending: false };
  const params = new URLSearchParams(decodeURIComponent(raw));
  return { email: params.get("email"), error: params.get("error"), pending: Boolean(params.get("totp")) };
}
