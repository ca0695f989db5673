import { z } from "zod";
import { CONTROL_CHARACTER_MESSAGE, hasControlCharacter } from "./control-characters";
import { CITATION_STYLE_CODES, DOCUMENT_KIND_CODES, LANGUAGE_CODES, MAX_PAGES, MIN_PAGES } from "./catalog";

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
