import { z } from "zod";
import { CONTROL_CHARACTER_MESSAGE, hasControlCharacter } from "./control-characters";
import { LOCALES } from "../i18n/locales";
import { message } from "../i18n/messages";
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
  return z.literal("on", { error: message("validation:checkbox") }).optional();
}

export const loginEmailSchema = z.object({
  email: typedText({ error: message("validation:email.required") })
    .trim()
    .max(254, message("validation:email.tooLong"))
    .pipe(z.email({ error: message("validation:email.invalid") })),
});

export const loginCodeSchema = z.object({
  code: typedText({ error: message("validation:code.required") })
    .trim()
    .regex(/^[A-Za-z0-9]{6}$/, message("validation:code.format")),
});

export const consentSchema = z.object({
  essential: z.literal("on", {
    error: message("validation:consent.essential"),
  }),
  analytics: checkbox(),
  marketing: checkbox(),
  name: typedText()
    .trim()
    .max(120, message("validation:maxLength", { max: 120 }))
    .optional(),
});

// The order wizard, one schema per step.
export const orderTopicSchema = z.object({
  kind: z.enum(DOCUMENT_KIND_CODES, { error: message("validation:order.kind") }),
  topic: typedText({ error: message("validation:order.topicRequired") })
    .trim()
    .min(10, message("validation:order.topicTooShort"))
    .max(300, message("validation:order.topicTooLong")),
  discipline: typedText()
    .trim()
    .max(120, message("validation:maxLength", { max: 120 }))
    .optional(),
  institution: typedText()
    .trim()
    .max(160, message("validation:maxLength", { max: 160 }))
    .optional(),
});

export const orderDetailsSchema = z.object({
  pages: z
    .number({ error: message("validation:order.pagesRequired") })
    .int(message("validation:order.pagesWhole"))
    .min(MIN_PAGES, message("validation:order.pagesMin"))
    .max(MAX_PAGES, message("validation:order.pagesMax")),
  language: z.enum(LANGUAGE_CODES, { error: message("validation:listedLanguage") }),
  citationStyle: z.enum(CITATION_STYLE_CODES, { error: message("validation:order.citationStyle") }),
  express: checkbox(),
});

export const orderInstructionsSchema = z.object({
  instructions: typedText().trim().max(5000, message("validation:order.instructionsTooLong")).optional(),
});

/**
 * An admin action that moves money or deletes data: the admin types `phrase` to confirm and says why (recorded in the
 * audit log). Merge it into the action's own schema: `z.object({ ...fields, ...confirmedAction("REFUND").shape })`.
 */
export function confirmedAction(phrase: string) {
  return z.object({
    confirmation: typedText({ error: message("validation:confirm.required", { phrase }) })
      .trim()
      .refine((value) => value === phrase, message("validation:confirm.mismatch", { phrase })),
    reason: auditReason(),
  });
}

/** Why an admin acts, in their words: every admin action asks it and the audit log keeps it. */
export function auditReason() {
  return typedText({ error: message("validation:reason.required") })
    .trim()
    .min(5, message("validation:reason.tooShort"))
    .max(500, message("validation:reason.tooLong"));
}

// Admin: providers (/admin/providers) and users (/admin/users).

/** Pin a provider's circuit breaker open or closed, or reset it (closed, counts cleared, pin removed). */
export const breakerActionSchema = z.object({
  intent: z.enum(["force_open", "force_closed", "reset"], { error: message("validation:breaker.intent") }),
  provider: typedText({ error: message("validation:breaker.provider") })
    .trim()
    .min(1, message("validation:breaker.provider"))
    .max(200, message("validation:breaker.listedProvider")),
  reason: auditReason(),
});

/** What an admin types to disable an account (its sessions end at once). */
export const DISABLE_ACCOUNT_PHRASE = "DISABLE";

export const disableAccountSchema = z.object({
  intent: z.literal("disable", { error: message("validation:chooseAction") }),
  ...confirmedAction(DISABLE_ACCOUNT_PHRASE).shape,
});

/** Enable a disabled account; mark it premium, or standard again. */
export const accountChangeSchema = z.object({
  intent: z.enum(["enable", "premium", "standard"], { error: message("validation:chooseAction") }),
  reason: auditReason(),
});

/** An empty field of a GET form means "any". */
const blankAsAbsent = (value: unknown) => (value === "" ? undefined : value);

/** The search of /admin/documents (a GET form: every field may be absent). */
export const adminOrderSearchSchema = z
  .object({
    q: z.preprocess(blankAsAbsent, typedText().trim().max(200, message("validation:search.tooLong")).optional()),
    status: z.preprocess(
      blankAsAbsent,
      z.enum(DOCUMENT_STATUSES, { error: message("validation:search.status") }).optional(),
    ),
    kind: z.preprocess(
      blankAsAbsent,
      z.enum(DOCUMENT_KIND_CODES, { error: message("validation:search.kind") }).optional(),
    ),
    language: z.preprocess(
      blankAsAbsent,
      z.enum(LANGUAGE_CODES, { error: message("validation:listedLanguage") }).optional(),
    ),
    from: z.preprocess(blankAsAbsent, z.iso.date({ error: message("validation:search.from") }).optional()),
    to: z.preprocess(blankAsAbsent, z.iso.date({ error: message("validation:search.to") }).optional()),
    page: z.preprocess(
      blankAsAbsent,
      z.coerce
        .number({ error: message("validation:search.page") })
        .int(message("validation:search.page"))
        .min(1, message("validation:search.page"))
        .max(10_000, message("validation:search.pageTooHigh"))
        .default(1),
    ),
  })
  .refine((s) => !s.from || !s.to || s.from <= s.to, { path: ["to"], error: message("validation:search.order") });

/** An amount typed in the currency's units ("12.50" or "12,50"), as integer cents. */
function moneyAmount() {
  return typedText({ error: message("validation:refund.amountRequired") })
    .trim()
    .regex(/^\d{1,7}(?:[.,]\d{1,2})?$/, message("validation:refund.amountFormat"))
    .transform((text) => {
      const [whole, fraction = ""] = text.split(/[.,]/);
      return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
    })
    .refine((cents) => cents > 0, message("validation:refund.amountPositive"));
}

const adminId = (what: "section" | "payment") => z.guid({ error: message(`validation:order.notOfThis.${what}`) });

/** The actions on an order's admin page, told apart by `intent`. */
export const adminOrderActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("retry"), acknowledgeRefund: checkbox() }),
    z.object({ intent: z.literal("regenerate"), sectionId: adminId("section") }),
    z.object({
      intent: z.literal("refund"),
      paymentId: adminId("payment"),
      /** The form's one-time id: the same form submitted twice refunds once. */
      requestId: z.guid({ error: message("validation:refund.reload") }),
      amount: moneyAmount(),
      ...confirmedAction("REFUND").shape,
    }),
    z.object({ intent: z.literal("resend-email") }),
  ],
  { error: message("validation:pageAction") },
);
export type AdminOrderAction = z.infer<typeof adminOrderActionSchema>;

/** Most dead letters one form handles at once (/admin/jobs). */
export const MAX_DEAD_LETTERS_AT_ONCE = 100;

/** Retry or discard the ticked dead letters (/admin/jobs); the reason, if given, goes into the audit log. */
export const deadLetterActionSchema = z.object({
  intent: z.enum(["retry", "discard"], { error: message("validation:deadLetters.intent") }),
  ids: z
    .array(
      z.guid({ error: (issue) => message("validation:deadLetters.badId", { id: String(issue.input).slice(0, 60) }) }),
      {
        error: message("validation:deadLetters.none"),
      },
    )
    .min(1, message("validation:deadLetters.none"))
    .max(MAX_DEAD_LETTERS_AT_ONCE, message("validation:deadLetters.tooMany", { max: MAX_DEAD_LETTERS_AT_ONCE })),
  reason: typedText().trim().max(500, message("validation:reason.tooLong")).optional(),
});

// Versions of a delivered text (/documents/:id/versions, /admin/documents/:id/versions).

/** A version's number in a URL: 1, 2, 3… (anything else is a version that does not exist). */
export const versionNumberSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/)
  .transform(Number);

/** The customer's "Restore this version". */
export const restoreVersionSchema = z.object({
  intent: z.literal("restore", { error: message("versions:restore.unknownAction") }),
});

/** An admin's "Restore for the customer": why, in their words (the audit log keeps it). */
export const adminRestoreVersionSchema = z.object({
  intent: z.literal("restore", { error: message("versions:restore.unknownAction") }),
  reason: auditReason(),
});

/** The header's language switcher (/language). */
export const languageChoiceSchema = z.object({
  lng: z.enum(LOCALES, { error: message("validation:language.choose") }),
  redirectTo: typedText().max(2000).optional(),
});

/** The longest instruction a customer gives a section's regeneration (issue 21). */
export const MAX_REGENERATION_INSTRUCTION = 1000;

const regenerationId = () => z.guid({ error: message("regeneration:errors.unknown") });

/** The actions on a section's regeneration page, told apart by `intent`. */
export const regenerationActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("regenerate"),
      instruction: typedText({ error: message("regeneration:errors.instructionRequired") })
        .trim()
        .min(3, message("regeneration:errors.instructionShort"))
        .max(MAX_REGENERATION_INSTRUCTION, message("regeneration:errors.instructionLong")),
    }),
    z.object({ intent: z.literal("keep"), regenerationId: regenerationId(), anyway: checkbox() }),
    z.object({ intent: z.literal("discard"), regenerationId: regenerationId() }),
    z.object({ intent: z.literal("buy") }),
  ],
  { error: message("validation:pageAction") },
);
export type RegenerationAction = z.infer<typeof regenerationActionSchema>;

/** The longest section text a save takes (a long chapter is a few thousand words). */
export const MAX_SECTION_CHARACTERS = 100_000;

/** A delivered section's new text (the editor's autosave), with the revision of the text it was made from. */
export const sectionTextSchema = z.object({
  content: typedText({ error: message("editing:save.contentRequired") }).max(
    MAX_SECTION_CHARACTERS,
    message("editing:save.tooLong", { max: MAX_SECTION_CHARACTERS }),
  ),
  revision: typedText({ error: message("editing:save.revisionRequired") })
    .regex(/^\d{1,9}$/, message("editing:save.revisionRequired"))
    .transform(Number),
});

/** The order's own references (the upload is a multipart form of its own): taking them all away. */
export const customerReferencesSchema = z.object({
  intent: z.enum(["remove"], { error: message("references:form.unknownIntent") }),
});
