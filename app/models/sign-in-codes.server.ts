// Sign-in codes kept on the server (issue 16): the address a code was mailed to, an HMAC of the code and of its
// link, the wrong tries and the single use are all in the row; the browser holds only a signed pointer to it.
import { createHmac, randomBytes, randomInt, randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";

/** How long a code and its magic link stay valid. */
export const CODE_MINUTES = 15;
/** Wrong codes a code survives; the next try, right or wrong, is refused. */
export const MAX_CODE_ATTEMPTS = 5;
// No 0/O or 1/I: codes are read off a screen and typed.
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 6;

export type SignInFailure = "wrong_code" | "too_many_tries" | "expired" | "used" | "unknown" | "other_browser";

export type CodeCheck =
  { ok: true; email: string; redirectTo: string | null } | { ok: false; reason: SignInFailure; triesLeft?: number };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Codes are upper-case; people type them in any case and with stray spaces. */
export function normaliseCode(code: string): string {
  return code.replace(/\s+/g, "").toUpperCase();
}

function digest(key: Buffer, purpose: string, value: string): string {
  return createHmac("sha256", key).update(`${purpose}:${value}`).digest("base64url");
}

/** Creates a code for `email`; returns what goes into the email (never stored in the clear). */
export async function createSignInCode(
  db: DbOrTrx,
  key: Buffer,
  request: { email: string; ip: string | null; redirectTo: string | null },
): Promise<{ id: string; code: string; linkToken: string }> {
  const code = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
  const linkToken = randomBytes(32).toString("base64url");
  // The code's HMAC names its row, so a code is worth nothing against another row.
  const id = randomUUID();
  await db
    .insertInto("sign_in_codes")
    .values({
      id,
      email: normaliseEmail(request.email),
      code_hash: digest(key, `code:${id}`, code),
      link_hash: digest(key, "link", linkToken),
      redirect_to: request.redirectTo,
      ip: request.ip,
      expires_at: sql`now() + make_interval(mins => ${CODE_MINUTES})`,
    })
    .execute();
  return { id, code, linkToken };
}

/** The address a still-usable code was sent to (for "we sent a code to …"), or null. */
export async function pendingSignIn(db: DbOrTrx, id: string): Promise<{ email: string } | null> {
  const row = await db
    .selectFrom("sign_in_codes")
    .select("email")
    .where("id", "=", id)
    .where("used_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .where("attempts", "<", MAX_CODE_ATTEMPTS)
    .executeTakeFirst();
  return row ?? null;
}

/** Ends a code nobody will use (the browser asked for a new one or for another address). */
export async function retireSignInCode(db: DbOrTrx, id: string): Promise<void> {
  await db
    .updateTable("sign_in_codes")
    .set({ used_at: sql`now()` })
    .where("id", "=", id)
    .where("used_at", "is", null)
    .execute();
}

/** Deletes a code whose email could not be sent: it was never anyone's. */
export async function deleteSignInCode(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom("sign_in_codes").where("id", "=", id).execute();
}

/**
 * Checks a typed code against its row in one statement: a right code marks the row used, a wrong one counts a try.
 * Concurrent tries are serialised by the row lock, so at most MAX_CODE_ATTEMPTS wrong ones are ever judged and a code
 * signs in at most once.
 */
export async function checkSignInCode(db: DbOrTrx, key: Buffer, id: string, typed: string): Promise<CodeCheck> {
  const hash = digest(key, `code:${id}`, normaliseCode(typed));
  const judged = await db
    .updateTable("sign_in_codes")
    .set({
      attempts: sql`attempts + case when code_hash = ${hash} then 0 else 1 end`,
      used_at: sql`case when code_hash = ${hash} then now() else null end`,
    })
    .where("id", "=", id)
    .where("used_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .where("attempts", "<", MAX_CODE_ATTEMPTS)
    .returning(["email", "redirect_to", "attempts", sql<boolean>`used_at is not null`.as("ok")])
    .executeTakeFirst();
  if (judged?.ok) return { ok: true, email: judged.email, redirectTo: judged.redirect_to };
  if (judged) {
    const triesLeft = MAX_CODE_ATTEMPTS - judged.attempts;
    return triesLeft > 0 ? { ok: false, reason: "wrong_code", triesLeft } : { ok: false, reason: "too_many_tries" };
  }
  return { ok: false, reason: await whyUnusable(db, "id", id) };
}

/**
 * Signs in through the link of an email: only in the browser that asked for it (its pending row must be the link's),
 * so a mail scanner opening the link cannot use it up, and a link forwarded to someone else signs nobody in there.
 */
export async function useSignInLink(
  db: DbOrTrx,
  key: Buffer,
  pendingId: string | null,
  token: string,
): Promise<CodeCheck> {
  const linkHash = digest(key, "link", token);
  if (pendingId) {
    const used = await db
      .updateTable("sign_in_codes")
      .set({ used_at: sql`now()` })
      .where("id", "=", pendingId)
      .where("link_hash", "=", linkHash)
      .where("used_at", "is", null)
      .where("expires_at", ">", sql<Date>`now()`)
      .where("attempts", "<", MAX_CODE_ATTEMPTS)
      .returning(["email", "redirect_to"])
      .executeTakeFirst();
    if (used) return { ok: true, email: used.email, redirectTo: used.redirect_to };
  }
  const reason = await whyUnusable(db, "link_hash", linkHash);
  return {
    ok: false,
    reason:
      reason === "unknown" || reason === "used" || reason === "expired" || reason === "too_many_tries"
        ? reason
        : "other_browser",
  };
}

async function whyUnusable(db: DbOrTrx, column: "id" | "link_hash", value: string): Promise<SignInFailure> {
  const row = await db
    .selectFrom("sign_in_codes")
    .select(["used_at", "attempts", sql<boolean>`expires_at <= now()`.as("expired")])
    .where(column, "=", value)
    .executeTakeFirst();
  if (!row) return "unknown";
  if (row.used_at) return "used";
  if (row.attempts >= MAX_CODE_ATTEMPTS) return "too_many_tries";
  if (row.expired) return "expired";
  return "other_browser";
}

/** Codes a day past their expiry are of no further use, not even to explain a refusal. */
export async function pruneSignInCodes(db: DbOrTrx): Promise<number> {
  const result = await db
    .deleteFrom("sign_in_codes")
    .where("expires_at", "<", sql<Date>`now() - interval '1 day'`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
