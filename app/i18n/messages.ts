import type { TFunction } from "i18next";

// A validation message is a translation key (shared by the browser's and the server's zod schemas), optionally with
// values: "validation:order.pagesMin" or "validation:deadLetters.badId|{"id":"abc"}". The page translates it where it shows
// it (FieldErrors), in the reader's language; the schema stays language-free.

const VALUES_SEPARATOR = "|";

/** A message key, with the values its translation interpolates. */
export function message(key: string, values?: Record<string, string | number>): string {
  return values ? `${key}${VALUES_SEPARATOR}${JSON.stringify(values)}` : key;
}

/** The reader's text for a message from `message()`; text that is not a key (e.g. a server's own words) passes. */
export function translateMessage(t: TFunction, text: string): string {
  const at = text.indexOf(VALUES_SEPARATOR);
  const key = at === -1 ? text : text.slice(0, at);
  if (!/^[a-z]+:[A-Za-z0-9_.]+$/.test(key)) return text;
  let values: Record<string, unknown> = {};
  if (at !== -1) {
    try {
      values = JSON.parse(text.slice(at + 1)) as Record<string, unknown>;
    } catch {
      values = {};
    }
  }
  return String(t(key as never, values as never));
}
