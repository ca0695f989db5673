import { z } from "zod";
import { CONTROL_CHARACTER_MESSAGE, hasControlCharacter } from "./control-characters";
import { CITATION_STYLE_CODES, DOCUMENT_KIND_CODES, LANGUAGE_CODES, MAX_PAGES, MIN_PAGES } from "./catalog";
import { DOCUMENT_STATUSES } from "../../db/schema";

// One schema per form, used by the browser (Conform) and the action alike.

/** A field a person types into: a control character is refused first (Postgres cannot store NUL), shown beside it. */
export function typedText(params?: Parameters<typeof z.string>[0]) {
  return z
    .string(params)
    .refine((value) => !hasControlCharacter(value), { message: CONTROL_CHARACTER_MESSAGE, abort: true });
}

/** A checkbox: ticked ("on") or absent. */
function checkbox() {
  return z.literal("on", { error: "Tick the box or leave it empty." }).optional();
}

export const loginEmailSchema = z.object({
  email: typedText({ error: "Enter your email address." })
    .trim()
    .max(254, "That email address is too long.")
    .pipe(z.email({ error: "That does not look like an email address." })),
});

export const loginCodeSchema = z.object({
  code: typedText({ error: "Enter the code from the email." })
    .trim()
    .regex(/^[A-Za-z0-9]{6}$/, "The code has 6 letters and digits."),
});

export const consentSchema = z.object({
  essential: z.literal("on", {
    error:
      "TesiGo cannot work without the essential terms (your account, your orders, payments). Tick the box to continue.",
  }),
  analytics: checkbox(),
  marketing: checkbox(),
  name: typedText().trim().max(120, "Use at most 120 characters.").optional(),
});

// The order wizard, one schema per step.
export const orderTopicSchema = z.object({
  kind: z.enum(DOCUMENT_KIND_CODES, { error: "Choose what kind of document you need." }),
  topic: typedText({ error: "Tell us the topic of the document." })
    .trim()
    .min(10, "Describe the topic in at least 10 characters.")
    .max(300, "Keep the topic under 300 characters; put details in the instructions."),
  discipline: typedText().trim().max(120, "Use at most 120 characters.").optional(),
  institution: typedText().trim().max(160, "Use at most 160 characters.").optional(),
});

export const orderDetailsSchema = z.object({
  pages: z
    .number({ error: "Enter the number of pages." })
    .int("Use a whole number of pages.")
    .min(MIN_PAGES, `Orders start at ${MIN_PAGES} pages.`)
    .max(MAX_PAGES, `Orders go up to ${MAX_PAGES} pages.`),
  language: z.enum(LANGUAGE_CODES, { error: "Choose one of the listed languages." }),
  citationStyle: z.enum(CITATION_STYLE_CODES, { error: "Choose one of the listed citation styles." }),
  express: checkbox(),
});

export const orderInstructionsSchema = z.object({
  instructions: typedText()
    .trim()
    .max(5000, "Keep the instructions under 5,000 characters; attach a file for more.")
    .optional(),
});

/**
 * An admin action that moves money or deletes data: the admin types `phrase` to confirm and says why (recorded in the
 * audit log). Merge it into the action's own schema: `z.object({ ...fields, ...confirmedAction("REFUND").shape })`.
 */
export function confirmedAction(phrase: string) {
  return z.object({
    confirmation: typedText({ error: `Type ${phrase} to confirm.` })
      .trim()
      .refine((value) => value === phrase, `Type ${phrase} (in capitals) to confirm.`),
    reason: auditReason(),
  });
}

/** Why an admin acts, in their words: every admin action asks it and the audit log keeps it. */
export function auditReason() {
  return typedText({ error: "Say why: it goes into the audit log." })
    .trim()
    .min(5, "Say why in a few words: it goes into the audit log.")
    .max(500, "Keep the reason under 500 characters.");
}

// Admin: providers (/admin/providers) and users (/admin/users).

/** Pin a provider's circuit breaker open or closed, or reset it (closed, counts cleared, pin removed). */
export const breakerActionSchema = z.object({
  intent: z.enum(["force_open", "force_closed", "reset"], { error: "Choose force open, force closed or reset." }),
  provider: typedText({ error: "Choose a provider." })
    .trim()
    .min(1, "Choose a provider.")
    .max(200, "Choose one of the listed providers."),
  reason: auditReason(),
});

/** What an admin types to disable an account (its sessions end at once). */
export const DISABLE_ACCOUNT_PHRASE = "DISABLE";

export const disableAccountSchema = z.object({
  intent: z.literal("disable", { error: "Choose an action." }),
  ...confirmedAction(DISABLE_ACCOUNT_PHRASE).shape,
});

/** Enable a disabled account; mark it premium, or standard again. */
export const accountChangeSchema = z.object({
  intent: z.enum(["enable", "premium", "standard"], { error: "Choose an action." }),
  reason: auditReason(),
});

/** An empty field of a GET form means "any". */
const blankAsAbsent = (value: unknown) => (value === "" ? undefined : value);

/** The search of /admin/documents (a GET form: every field may be absent). */
export const adminOrderSearchSchema = z
  .object({
    q: z.preprocess(
      blankAsAbsent,
      typedText()
        .trim()
        .max(200, "Search for at most 200 characters: an email, part of a topic or an order id.")
        .optional(),
    ),
    status: z.preprocess(
      blankAsAbsent,
      z.enum(DOCUMENT_STATUSES, { error: "Choose one of the listed states." }).optional(),
    ),
    kind: z.preprocess(
      blankAsAbsent,
      z.enum(DOCUMENT_KIND_CODES, { error: "Choose one of the listed kinds." }).optional(),
    ),
    language: z.preprocess(
      blankAsAbsent,
      z.enum(LANGUAGE_CODES, { error: "Choose one of the listed languages." }).optional(),
    ),
    from: z.preprocess(blankAsAbsent, z.iso.date({ error: "Give the first day as a date (YYYY-MM-DD)." }).optional()),
    to: z.preprocess(blankAsAbsent, z.iso.date({ error: "Give the last day as a date (YYYY-MM-DD)." }).optional()),
    page: z.preprocess(
      blankAsAbsent,
      z.coerce
        .number({ error: "The page is a whole number from 1." })
        .int("The page is a whole number from 1.")
        .min(1, "The page is a whole number from 1.")
        .max(10_000, "There are not that many pages.")
        .default(1),
    ),
  })
  .refine((s) => !s.from || !s.to || s.from <= s.to, { path: ["to"], error: "The last day comes after the first." });

/** An amount typed in the currency's units ("12.50" or "12,50"), as integer cents. */
function moneyAmount() {
  return typedText({ error: "Enter the amount to refund." })
    .trim()
    .regex(/^\d{1,7}(?:[.,]\d{1,2})?$/, "Enter an amount in euros, such as 12.50 (at most two decimals).")
    .transform((text) => {
      const [whole, fraction = ""] = text.split(/[.,]/);
      return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
    })
    .refine((cents) => cents > 0, "Enter an amount above zero.");
}

const adminId = (what: string) => z.guid({ error: `That is not ${what} of this order.` });

/** The actions on an order's admin page, told apart by `intent`. */
export const adminOrderActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("retry"), acknowledgeRefund: checkbox() }),
    z.object({ intent: z.literal("regenerate"), sectionId: adminId("a section") }),
    z.object({
      intent: z.literal("refund"),
      paymentId: adminId("a payment"),
      /** The form's one-time id: the same form submitted twice refunds once. */
      requestId: z.guid({ error: "Reload the page and fill in the refund again." }),
      amount: moneyAmount(),
      ...confirmedAction("REFUND").shape,
    }),
    z.object({ intent: z.literal("resend-email") }),
  ],
  { error: "Choose one of the page's actions." },
);
export type AdminOrderAction = z.infer<typeof adminOrderActionSchema>;

/** Most dead letters one form handles at once (/admin/jobs). */
export const MAX_DEAD_LETTERS_AT_ONCE = 100;

/** Retry or discard the ticked dead letters (/admin/jobs); the reason, if given, goes into the audit log. */
export const deadLetterActionSchema = z.object({
  intent: z.enum(["retry", "discard"], { error: "Choose Retry or Discard." }),
  ids: z
    .array(z.guid({ error: (issue) => `"${String(issue.input).slice(0, 60)}" is not a dead letter's id.` }), {
      error: "Tick at least one dead letter.",
    })
    .min(1, "Tick at least one dead letter.")
    .max(MAX_DEAD_LETTERS_AT_ONCE, `Handle at most ${MAX_DEAD_LETTERS_AT_ONCE} dead letters at once.`),
  reason: typedText().trim().max(500, "Keep the reason under 500 characters.").optional(),
});
