import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { Field, inputClass } from "~/components/ui/field";
import { DOCUMENT_KIND_CODES, DOCUMENT_KINDS } from "~/utils/catalog";
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
      <Field id={fields.kind.id} label="Kind of document" errors={fields.kind.errors}>
        <select {...getSelectProps(fields.kind)} className={inputClass}>
          {DOCUMENT_KIND_CODES.map((code) => (
            <option key={code} value={code}>
              {DOCUMENT_KINDS[code].label} — {formatMoney(PRICE_PER_PAGE_CENTS[code])} per page
            </option>
          ))}
        </select>
      </Field>
      <Field
        id={fields.topic.id}
        label="Topic"
        errors={fields.topic.errors}
        hint="For example: The impact of remote work on urban housing markets"
      >
        <textarea {...getInputProps(fields.topic, { type: "text" })} rows={3} className={inputClass} />
      </Field>
      <Field
        id={fields.discipline.id}
        label="Discipline (optional)"
        errors={fields.discipline.errors}
        hint="For example: Economics, Law, Nursing"
      >
        <input {...getInputProps(fields.discipline, { type: "text" })} className={inputClass} />
      </Field>
      <Field
        id={fields.institution.id}
        label="Institution (optional, printed on the title page)"
        errors={fields.institution.errors}
      >
        <input
          {...getInputProps(fields.institution, { type: "text" })}
          className={inputClass}
          autoComplete="organization"
        />
      </Field>
      <Button type="submit" disabled={navigation.state !== "idle"}>
        Continue
      </Button>
    </Form>
  );
}
