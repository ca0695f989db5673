import type { TFunction } from "i18next";
import { intlTag } from "../utils/format";

// What an order's codes (kind, citation style, state, stage, language) read as, in the reader's language. The codes
// stay in the database and the URLs; only these functions turn them into words.

/** Any page's or server's t: the catalog namespace is loaded with every page and on the server. */
type CatalogT = unknown;

function label(t: CatalogT, group: string, code: string): string {
  return String((t as TFunction)(`catalog:${group}.${code}` as never));
}

export const kindText = (t: CatalogT, kind: string) => label(t, "kinds", kind);
export const citationStyleText = (t: CatalogT, style: string) => label(t, "citationStyles", style);
export const statusText = (t: CatalogT, status: string) => label(t, "statuses", status);
export const stageText = (t: CatalogT, stage: string | null | undefined) => label(t, "stages", stage ?? "working");

// One Intl.DisplayNames per reader's language: making one costs far more than asking it.
const languageNames = new Map<string, Intl.DisplayNames>();

/** A document language named in the reader's language ("Ucraino" for an Italian reader), by Intl. */
export function languageName(code: string, locale: string): string {
  try {
    let names = languageNames.get(locale);
    if (!names) languageNames.set(locale, (names = new Intl.DisplayNames([intlTag(locale)], { type: "language" })));
    const name = names.of(code);
    return name ? name.charAt(0).toLocaleUpperCase(intlTag(locale)) + name.slice(1) : code;
  } catch {
    return code;
  }
}
