import { z } from "zod";
import { LANGUAGE_CODES } from "./languages";
import { CITATION_STYLE_CODES, DOCUMENT_KIND_CODES, MAX_PAGES, MIN_PAGES } from "./pricing";

// One schema per form, used by the browser (Conform) and the action alike.

export const loginEmailSchema = z.object({
  email: z
    .string({ error: "Enter your email address." })
    .trim()
    .max(254, "That email address is too long.")
    .pipe(z.email({ error: "That does not look like an email address." })),
});

export const loginCodeSchema = z.object({
  code: z
    .string({ error: "Enter the code from the email." })
    .trim()
    .regex(/^[A-Za-z0-9]{6}$/, "The code has 6 letters and digits."),
});

export const consentSchema = z.object({
  essential: z.literal("on", {
    error: "TesiGo cannot work without the essential terms (your account, your orders, payments). Tick the box to continue.",
  }),
  analytics: z.literal("on").optional(),
  marketing: z.literal("on").optional(),
  name: z.string().trim().max(120, "Use at most 120 characters.").optional(),
});

// The order wizard, one schema per step.
export const orderTopicSchema = z.object({
  kind: z.enum(DOCUMENT_KIND_CODES, { error: "Choose what kind of document you need." }),
  topic: z
    .string({ error: "Tell us the topic of the document." })
    .trim()
    .min(10, "Describe the topic in at least 10 characters.")
    .max(300, "Keep the topic under 300 characters; put details in the instructions."),
  discipline: z.string().trim().max(120, "Use at most 120 characters.").optional(),
  institution: z.string().trim().max(160, "Use at most 160 characters.").optional(),
});

export const orderDetailsSchema = z.object({
  pages: z
    .number({ error: "Enter the number of pages." })
    .int("Use a whole number of pages.")
    .min(MIN_PAGES, `Orders start at ${MIN_PAGES} pages.`)
    .max(MAX_PAGES, `Orders go up to ${MAX_PAGES} pages.`),
  language: z.enum(LANGUAGE_CODES, { error: "Choose one of the listed languages." }),
  citationStyle: z.enum(CITATION_STYLE_CODES, { error: "Choose one of the listed citation styles." }),
  express: z.literal("on").optional(),
});

export const orderInstructionsSchema = z.object({
  instructions: z.string().trim().max(5000, "Keep the instructions under 5,000 characters; attach a file for more.").optional(),
});
