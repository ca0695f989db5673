import { getFormProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { Button } from "~/components/ui/button";
import { Field, inputClass } from "~/components/ui/field";
import { LOCALE_NAMES, LOCALES } from "~/i18n/locales";
import { languageChoiceSchema } from "~/utils/schemas";

/** The account page's language setting: one of the shipped languages, nothing else. */
export const accountLanguageSchema = languageChoiceSchema.pick({ lng: true });

/** "Interface language": each language named in itself, the one the page is read in chosen. */
export function AccountLanguageForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation("account");
  const locale = useLocale();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "account-language",
    lastResult,
    defaultValue: { lng: locale },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: accountLanguageSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="mt-6 flex max-w-md items-start gap-3">
      <div className="min-w-0 flex-1">
        <Field id={fields.lng.id} label={t("language.label")} hint={t("language.hint")} errors={fields.lng.errors}>
          <select {...getSelectProps(fields.lng)} className={inputClass}>
            {LOCALES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LOCALE_NAMES[code]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Button type="submit" variant="secondary" className="mt-6" disabled={navigation.state === "submitting"}>
        {t("language.save")}
      </Button>
    </Form>
  );
}
