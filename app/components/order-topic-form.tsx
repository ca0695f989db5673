import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { Button } from "~/components/ui/button";
import { Field, inputClass } from "~/components/ui/field";
import { kindText } from "~/i18n/catalog-labels";
import { DOCUMENT_KIND_CODES } from "~/utils/catalog";
import { formatMoney, PRICE_PER_PAGE_CENTS } from "~/utils/pricing";
import { orderTopicSchema } from "~/utils/schemas";

/** Step 1 of the order wizard: what kind of document, on what. */
export function OrderTopicForm({
  lastResult,
  defaultValue,
}: {
  lastResult?: SubmissionResult<string[]>;
  defaultValue?: { kind: string; topic: string; discipline: string; institution: string };
}) {
  const { t } = useTranslation(["orders", "catalog"]);
  const locale = useLocale();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "order-topic",
    lastResult,
    defaultValue: defaultValue ?? { kind: "essay" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: orderTopicSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-5">
      <Field id={fields.kind.id} label={t("topic.kind")} errors={fields.kind.errors}>
        <select {...getSelectProps(fields.kind)} className={inputClass}>
          {DOCUMENT_KIND_CODES.map((code) => (
            <option key={code} value={code}>
              {t("topic.kindOption", {
                kind: kindText(t, code),
                price: formatMoney(PRICE_PER_PAGE_CENTS[code], undefined, locale),
              })}
            </option>
          ))}
        </select>
      </Field>
      <Field id={fields.topic.id} label={t("topic.topic")} errors={fields.topic.errors} hint={t("topic.topicHint")}>
        <textarea {...getInputProps(fields.topic, { type: "text" })} rows={3} className={inputClass} />
      </Field>
      <Field
        id={fields.discipline.id}
        label={t("topic.discipline")}
        errors={fields.discipline.errors}
        hint={t("topic.disciplineHint")}
      >
        <input {...getInputProps(fields.discipline, { type: "text" })} className={inputClass} />
      </Field>
      <Field id={fields.institution.id} label={t("topic.institution")} errors={fields.institution.errors}>
        <input
          {...getInputProps(fields.institution, { type: "text" })}
          className={inputClass}
          autoComplete="organization"
        />
      </Field>
      <Button type="submit" disabled={navigation.state !== "idle"}>
        {t("continue")}
      </Button>
    </Form>
  );
}
