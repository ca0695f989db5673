import type { z } from "zod";
import { getLocale, translatorFor } from "./i18n.server";
import { translateMessage } from "./messages";

/** A failed parse's messages by field, in the reader's language (for pages that list errors without Conform). */
export async function translatedIssues(
  request: Request,
  error: z.ZodError,
  fieldOfFormIssue: string,
): Promise<Record<string, string[]>> {
  const t = await translatorFor(await getLocale(request));
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    (errors[String(issue.path[0] ?? fieldOfFormIssue)] ??= []).push(translateMessage(t, issue.message));
  }
  return errors;
}

/** The first message of a failed parse, in the reader's language (for a 400 the error page shows). */
export async function firstIssueMessage(request: Request, error: z.ZodError): Promise<string> {
  const t = await translatorFor(await getLocale(request));
  return translateMessage(t, error.issues[0]?.message ?? "");
}
