import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Button } from "~/components/ui/button";
import { Field, inputClass } from "~/components/ui/field";
import { createDocument } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { readFormData } from "~/utils/request.server";
import { LANGUAGES, LANGUAGE_CODES } from "~/utils/languages";
import { formatMoney, MAX_PAGES, MIN_PAGES, priceCents } from "~/utils/pricing";
import { orderSchema } from "~/utils/schemas";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "New order · TesiGo" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await readFormData(request), { schema: orderSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  const document = await createDocument(getDb(), user.id, submission.value);
  throw redirect(`/orders/${document.id}/pay`);
}

export default function NewOrder() {
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [pages, setPages] = useState(10);
  const [form, fields] = useForm({
    id: "order",
    lastResult,
    defaultValue: { pages: "10", language: "en" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: orderSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const validPages = Number.isInteger(pages) && pages >= MIN_PAGES && pages <= MAX_PAGES;
  return (
    <div className="mx-auto max-w-xl">
      <h1 className="text-2xl font-bold">Order a document</h1>
      <p className="mt-2 text-slate-600">Tell us what to write. You will see the price before you pay.</p>
      <Form method="post" {...getFormProps(form)} className="mt-6 space-y-5">
        <Field id={fields.topic.id} label="Topic" errors={fields.topic.errors} hint="For example: The impact of remote work on urban housing markets">
          <textarea
            {...getInputProps(fields.topic, { type: "text" })}
            rows={3}
            className={inputClass}
            aria-describedby={fields.topic.errors?.length ? fields.topic.errorId : `${fields.topic.id}-hint`}
          />
        </Field>
        <div className="grid gap-5 sm:grid-cols-2">
          <Field id={fields.pages.id} label="Pages" errors={fields.pages.errors} hint={`${MIN_PAGES}–${MAX_PAGES} pages`}>
            <input
              {...getInputProps(fields.pages, { type: "number" })}
              min={MIN_PAGES}
              max={MAX_PAGES}
              className={inputClass}
              onChange={(e) => setPages(Number(e.currentTarget.value))}
            />
          </Field>
          <Field id={fields.language.id} label="Language" errors={fields.language.errors}>
            <select {...getSelectProps(fields.language)} className={inputClass}>
              {LANGUAGE_CODES.map((code) => (
                <option key={code} value={code}>
                  {LANGUAGES[code].label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <p className="rounded-md bg-brand-50 p-3 text-sm text-brand-900" aria-live="polite">
          {validPages ? (
            <>
              Price: <strong data-testid="price">{formatMoney(priceCents(pages))}</strong> for {pages} pages.
            </>
          ) : (
            `Enter ${MIN_PAGES}–${MAX_PAGES} pages to see the price.`
          )}
        </p>
        <Button type="submit" disabled={navigation.state !== "idle"}>
          Continue to payment
        </Button>
      </Form>
    </div>
  );
}
