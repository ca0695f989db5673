import type { InitOptions } from "i18next";
import { MAX_PAGES, MIN_PAGES } from "../utils/catalog";
import { DEFAULT_LOCALE, LOCALES, MISSING_KEY_MARK, PAGE_NAMESPACES } from "./locales";

/** The i18next options the server, the browser and the worker share. */
export const i18nOptions = {
  supportedLngs: [...LOCALES],
  fallbackLng: DEFAULT_LOCALE,
  defaultNS: "common",
  ns: [...PAGE_NAMESPACES],
  // React escapes what it renders; emails escape their own values (app/utils/email-templates.server.ts).
  interpolation: {
    escapeValue: false,
    // Limits a message may mention without each call passing them.
    defaultVariables: { minPages: MIN_PAGES, maxPages: MAX_PAGES },
  },
  parseMissingKeyHandler: (key: string) => `${MISSING_KEY_MARK} ${key}`,
  returnNull: false,
} satisfies InitOptions;
