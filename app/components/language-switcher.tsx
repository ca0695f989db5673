import { Form, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LOCALE_NAMES, LOCALES } from "../i18n/locales";

/**
 * The header's language choice: a plain form (works without JavaScript, via its button), submitted on change when
 * scripts run. Signed in, it also becomes the account's setting. It reloads the page, so the page never shows the
 * new `<html lang>` over the old language's words while the browser fetches the new texts.
 */
export function LanguageSwitcher({ locale }: { locale: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <Form method="post" action="/language" className="flex items-center gap-1" reloadDocument>
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <label htmlFor="language-switcher" className="sr-only">
        {t("language.label")}
      </label>
      <select
        id="language-switcher"
        name="lng"
        defaultValue={locale}
        key={locale}
        className="rounded border border-slate-300 bg-white py-1 pl-2 pr-7 text-sm text-slate-700"
        onChange={(event) => event.currentTarget.form?.requestSubmit()}
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="sr-only text-sm text-slate-700 underline focus:not-sr-only focus:rounded focus:px-1"
      >
        {t("language.change")}
      </button>
    </Form>
  );
}
