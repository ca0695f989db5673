import type { ActionFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getLocale, languageCookieHeader, translatorFor } from "~/i18n/i18n.server";
import { setUserLocale } from "~/models/users.server";
import { getDb } from "~/utils/db.server";
import { readFormData, safeRedirectPath } from "~/utils/request.server";
import { languageChoiceSchema } from "~/utils/schemas";
import { getOptionalUser } from "~/utils/session-cookie.server";

/** The header's language switcher: sets the `lng` cookie and, signed in, the account's setting; back to the page. */
export async function action({ request }: ActionFunctionArgs) {
  const formData = await readFormData(request, languageChoiceSchema);
  const parsed = languageChoiceSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const t = await translatorFor(await getLocale(request));
    return json({ error: t("validation:language.choose") }, { status: 400 });
  }
  const { lng } = parsed.data;
  const user = await getOptionalUser(request);
  if (user) await setUserLocale(getDb(), user.id, lng);
  return redirect(safeRedirectPath(formData.get("redirectTo"), "/"), {
    headers: { "Set-Cookie": languageCookieHeader(lng) },
  });
}

/** Only a tampered form gets here (the switcher lists the shipped languages): say so, and offer the way back. */
export default function LanguageRefused() {
  const data = useActionData<typeof action>();
  const { t } = useTranslation(["common", "validation"]);
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-slate-700" role="alert">
        {data && "error" in data ? data.error : t("validation:language.choose")}
      </p>
      <Link to="/" className="mt-6 inline-block font-semibold text-brand-700 underline">
        {t("error.home")}
      </Link>
    </div>
  );
}
