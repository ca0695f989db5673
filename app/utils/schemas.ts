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
    reason: typedText({ error: "Say why: it goes into the audit log." })
      .trim()
      .min(5, "Say why in a few words: it goes into the audit log.")
      .max(500, "Keep the reason under 500 characters."),
  });
}

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
