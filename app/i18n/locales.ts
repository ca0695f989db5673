// The interface languages TesiGo ships: the same eight as the documents it writes (app/utils/catalog.ts).

export const LOCALES = ["en", "uk", "it", "ru", "de", "fr", "es", "pl"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** Each language named in itself, as the language switcher lists it. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: "English",
  uk: "Українська",
  it: "Italiano",
  ru: "Русский",
  de: "Deutsch",
  fr: "Français",
  es: "Español",
  pl: "Polski",
};

/** The namespaces every customer page may use (loaded with the page); `admin` comes with the admin area. */
export const PAGE_NAMESPACES = [
  "common",
  "validation",
  "catalog",
  "home",
  "auth",
  "account",
  "orders",
  "documents",
  "regeneration",
  "byok",
  "references",
  "citationSupport",
] as const;
/** Texts only the server uses: emails (app and worker) and the delivered DOCX/PDF's fixed texts. */
export const SERVER_NAMESPACES = ["email", "export"] as const;
/** Namespaces a few pages load with their route (`handle.i18n`): the versions pages (customer's and admin's), the
 * editor and the document page that links to it; the webhooks pages and the account pages that link to them; the API
 * reference (/api/docs). */
export const ROUTE_NAMESPACES = ["versions", "editing", "webhooks", "apiDocs"] as const;
export const NAMESPACES = [...PAGE_NAMESPACES, "admin", ...ROUTE_NAMESPACES, ...SERVER_NAMESPACES] as const;
export type Namespace = (typeof NAMESPACES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** What a missing key renders as: loud, so a test (and a reader) sees it instead of a plausible-looking raw key. */
export const MISSING_KEY_MARK = "⟦missing⟧";

/** The language the plain `lng` cookie names in a Cookie header, if it is one we ship (a preference, never echoed). */
export function localeOfCookieHeader(header: string | null | undefined): Locale | null {
  for (const part of (header ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name !== "lng") continue;
    let value = rest.join("=");
    try {
      value = decodeURIComponent(value);
    } catch {
      return null;
    }
    return isLocale(value) ? value : null;
  }
  return null;
}
