import type { TFunction } from "i18next";
import { DEFAULT_LOCALE, isLocale, localeOfCookieHeader, LOCALES } from "../i18n/locales";
import type { en } from "../i18n/resources.server";
import { fixedTexts } from "../i18n/server-texts.server";
import { formatNumber } from "./format";

// Why a requirements file is refused, said in the reader's language where it is shown (`explain(t)`); the error's
// own message is the English sentence, for logs and for callers without a reader (tests, scripts).

type Refusals = (typeof en)["orders"]["uploadRefused"];
type RefusalKey = Exclude<keyof Refusals, "types" | "shorter" | "found" | "unnamedFile">;
/** What a file turned out to be, for "… is not a real PDF file (…)". */
export type FoundKind = keyof Refusals["found"];
/** `sizeBytes` and `usedBytes` are written in megabytes the reader's way when the reason is worded. */
type RefusalValues = {
  name: string;
  found?: FoundKind;
  format?: string;
  sizeBytes?: number;
  usedBytes?: number;
} & Record<string, string | number | undefined>;

const english = fixedTexts("en");

/**
 * The language of a request refused before the app reads it (the upload's body cap): the `lng` cookie, else
 * Accept-Language. The account's setting would need a database read the refusal does not wait for; the switcher
 * sets the cookie too, so a reader who chose a language gets it.
 */
export function refusalLocale(cookieHeader: string | undefined, acceptsLanguages: (langs: string[]) => string | false) {
  const cookie = localeOfCookieHeader(cookieHeader);
  if (cookie) return cookie;
  const accepted = acceptsLanguages([...LOCALES]);
  return isLocale(accepted) ? accepted : DEFAULT_LOCALE;
}

/** Texts of the orders, validation and common namespaces in `locale`, at once. */
export function refusalTexts(locale: string): (key: string, values?: object) => string {
  const t = fixedTexts(locale);
  return (key, values = {}) => String(t(key as never, values as never));
}

/** A file we will not accept; the reason names the file. */
export class UploadRefusedError extends Error {
  constructor(
    readonly key: RefusalKey,
    readonly values: RefusalValues,
  ) {
    super();
    this.name = "UploadRefusedError";
    this.message = this.explain(english, "en");
  }

  /**
   * The reason in `t`'s language, sizes as `locale` writes them; the shared sentences are filled in as values, so a
   * filename is never read as markup.
   */
  explain(t: TFunction, locale: string): string {
    const say = (key: string, values: object = {}) =>
      String(t(`orders:uploadRefused.${key}` as never, values as never));
    const { found, sizeBytes, usedBytes, ...values } = this.values;
    const megabytes = (bytes: number | undefined) => (bytes === undefined ? undefined : formatMegabytes(bytes, locale));
    return say(this.key, {
      ...values,
      name: values.name === UNNAMED_FILE ? say("unnamedFile") : values.name,
      size: megabytes(sizeBytes),
      used: megabytes(usedBytes),
      types: say("types"),
      shorter: say("shorter"),
      found: found ? say(`found.${found}`, { format: values.format }) : "",
    });
  }
}

/** What a file whose name is nothing but path or invisible characters is called (worded in the reader's language). */
export const UNNAMED_FILE = "Your file";

/** A size in megabytes, one decimal, rounded up: 10 MB and one byte reads 10.1 MB, never "10.0 MB; the limit is 10 MB". */
export function formatMegabytes(size: number, locale = "en"): string {
  const megabytes = Math.ceil((size / 1024 / 1024) * 10) / 10;
  return `${formatNumber(megabytes, locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
}
