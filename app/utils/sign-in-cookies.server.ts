// The two small cookies of sign-in, both signed with SESSION_SECRET (an edited one reads as absent):
// - `__signin`: which sign_in_codes row this browser is waiting on (never the address: the row holds that);
// - `__known`: the addresses (as HMACs) that have signed in from this browser, so their owner's next code request
//   counts in a bucket of its own (app/utils/sign-in-limits.server.ts).
import { randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { z } from "zod";
import { CODE_MINUTES } from "../models/sign-in-codes.server";
import { getEnv } from "./env.server";
import { remember } from "./singleton.server";

const KNOWN_DAYS = 400;
const KNOWN_ADDRESSES = 5;

function cookieOptions(maxAgeSeconds: number) {
  const env = getEnv();
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    path: "/",
    maxAge: maxAgeSeconds,
    secure: env.isProduction && env.APP_URL.startsWith("https:"),
    secrets: [env.SESSION_SECRET],
  };
}

const pendingCookie = () =>
  remember("signInPendingCookie", () => createCookie("__signin", cookieOptions(CODE_MINUTES * 60)));
const knownCookie = () =>
  remember("signInKnownCookie", () => createCookie("__known", cookieOptions(KNOWN_DAYS * 24 * 60 * 60)));

const pendingValue = z.object({ id: z.uuid() });
const knownValue = z.object({
  device: z.string().regex(/^[\w-]{16,64}$/),
  emails: z.array(z.string().max(64)).max(KNOWN_ADDRESSES),
});

/** The sign_in_codes row this browser waits on, or null. */
export async function readPendingSignIn(request: Request): Promise<string | null> {
  const parsed = pendingValue.safeParse(await pendingCookie().parse(request.headers.get("Cookie")));
  return parsed.success ? parsed.data.id : null;
}

export function pendingSignInCookie(id: string): Promise<string> {
  return pendingCookie().serialize({ id });
}

export function clearPendingSignInCookie(): Promise<string> {
  return pendingCookie().serialize("", { maxAge: 0 });
}

type Known = z.infer<typeof knownValue>;

async function readKnown(request: Request): Promise<Known | null> {
  const parsed = knownValue.safeParse(await knownCookie().parse(request.headers.get("Cookie")));
  return parsed.success ? parsed.data : null;
}

/** This browser's id when `emailKey` has signed in from it before, else null. */
export async function knownDeviceFor(request: Request, emailKey: string): Promise<string | null> {
  const known = await readKnown(request);
  return known?.emails.includes(emailKey) ? known.device : null;
}

/** Remembers that `emailKey` signed in from this browser (the newest few addresses). */
export async function rememberKnownAddress(request: Request, emailKey: string): Promise<string> {
  const known = (await readKnown(request)) ?? { device: randomBytes(18).toString("base64url"), emails: [] };
  const emails = [emailKey, ...known.emails.filter((e) => e !== emailKey)].slice(0, KNOWN_ADDRESSES);
  return knownCookie().serialize({ device: known.device, emails });
}
