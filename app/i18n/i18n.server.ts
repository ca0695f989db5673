import { createInstance, type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
import { RemixI18Next } from "remix-i18next/server";
import { getOptionalUser } from "../utils/session-cookie.server";
import { DEFAULT_LOCALE, isLocale, localeOfCookieHeader, LOCALES, NAMESPACES, type Locale } from "./locales";
import { i18nOptions } from "./options";
import { resources } from "./resources.server";

/** The plain `lng` cookie the language switcher sets (a preference, not a secret: any listed language is fine). */
export const LANGUAGE_COOKIE = "lng";
const LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;

export function languageCookieHeader(locale: Locale): string {
  return `${LANGUAGE_COOKIE}=${locale}; Path=/; Max-Age=${LANGUAGE_COOKIE_MAX_AGE}; SameSite=Lax`;
}

/**
 * The reader's language: the account's setting, else the `lng` cookie, else the browser's Accept-Language, else
 * English. The signed-in user is looked up once per request (the root loader asks again; the row is small).
 */
export const i18nServer = new RemixI18Next({
  detection: {
    supportedLanguages: [...LOCALES],
    fallbackLanguage: DEFAULT_LOCALE,
    order: ["custom", "header"],
    async findLocale(request) {
      const user = await getOptionalUser(request);
      if (user && isLocale(user.locale)) return user.locale;
      return localeOfCookieHeader(request.headers.get("Cookie"));
    },
  },
  i18next: { ...i18nOptions, resources },
});

export async function getLocale(request: Request): Promise<Locale> {
  const locale = await i18nServer.getLocale(request);
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

/** A translator for `locale` outside a page (emails, the worker's exports, loaders): every namespace, made once. */
export function translatorFor(locale: string) {
  const language = isLocale(locale) ? locale : DEFAULT_LOCALE;
  let t = translators.get(language);
  if (!t) translators.set(language, (t = i18nServer.getFixedT(language, NAMESPACES)));
  return t;
}

const translators = new Map<Locale, ReturnType<typeof i18nServer.getFixedT<typeof NAMESPACES>>>();

const pageInstances = new Map<string, Promise<I18n>>();

/**
 * The i18next instance that renders a page (entry.server.tsx), one per language and set of namespaces, made once: the
 * texts are bundled and nothing on the server changes an instance's language, so requests can share it.
 */
export function createPageI18n(locale: Locale, namespaces: string[]): Promise<I18n> {
  const key = `${locale}:${[...namespaces].sort().join(",")}`;
  let instance = pageInstances.get(key);
  if (!instance) {
    const made = createInstance();
    instance = made
      .use(initReactI18next)
      .init({ ...i18nOptions, resources, lng: locale, ns: namespaces })
      .then(() => made);
    pageInstances.set(key, instance);
  }
  return instance;
}
