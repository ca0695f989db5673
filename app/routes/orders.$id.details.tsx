import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { OrderSteps } from "~/components/order-steps";
import { Button } from "~/components/ui/button";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";
import { updateDraftDocument } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import {
  CITATION_STYLE_CODES,
  CITATION_STYLES,
  LANGUAGE_CODES,
  LANGUAGES,
  MAX_PAGES,
  MIN_PAGES,
  wordsPerPage,
  type LanguageCode,
} from "~/utils/catalog";
import { requireDraftOrder } from "~/utils/orders.server";
import { EXPRESS_SURCHARGE, formatMoney, priceOf } from "~/utils/pricing";
import { readFormData } from "~/utils/request.server";
import { orderDetailsSchema } from "~/utils/schemas";

export const meta: MetaFunction = () => [{ title: "Order: details · TesiGo" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { document } = await requireDraftOrder(request, params.id);
  return {
    id: document.id,
    kind: document.kind,
    pages: document.pages,
    language: document.language,
    citationStyle: document.citation_style,
    express: document.express,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, document } = await requireDraftOrder(request, params.id);
  const submission = parseWithZod(await readFormData(request, orderDetailsSchema), { schema: orderDetailsSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  const { pages, language, citationStyle, express } = submission.value;
  await updateDraftDocument(getDb(), document.id, user.id, {
    pages,
    language,
    citation_style: citationStyle,
    express: express === "on",
  });
  throw redirect(`/orders/${document.id}/requirements`);
}

export default function OrderDetails() {
  const order = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [pages, setPages] = useState(order.pages);
  const [express, setExpress] = useState(order.express);
  const [language, setLanguage] = useState(order.language);
  const [form, fields] = useForm({
    id: "order-details",
    lastResult,
    defaultValue: {
      pages: String(order.pages),
      language: order.language,
      citationStyle: order.citationStyle,
      express: order.express ? "on" : undefined,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: orderDetailsSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const validPages = Number.isInteger(pages) && pages >= MIN_PAGES && pages <= MAX_PAGES;
  const price = priceOf({ kind: order.kind, pages, express });
  return (
    <div className="mx-auto max-w-xl">
      <OrderSteps current="details" documentId={order.id} />
      <h1 className="text-2xl font-bold">Length, language and style</h1>
      <Form method="post" {...getFormProps(form)} className="mt-6 space-y-5">
        <div className="grid gap-5 sm:grid-cols-2">
          <Field
            id={fields.pages.id}
            label="Pages"
            errors={fields.pages.errors}
            hint={`${MIN_PAGES}–${MAX_PAGES}. A page: A4, 12 pt, 1.5 line spacing, 2.5 cm margins — about ${wordsPerPage(language)} words in ${LANGUAGES[language as LanguageCode]?.label ?? language}.`}
          >
            <input
              {...getInputProps(fields.pages, { type: "number" })}
              min={MIN_PAGES}
              max={MAX_PAGES}
              className={inputClass}
              onChange={(e) => setPages(Number(e.currentTarget.value))}
            />
          </Field>
          <Field id={fields.language.id} label="Language" errors={fields.language.errors}>
            <select
              {...getSelectProps(fields.language)}
              className={inputClass}
              onChange={(e) => setLanguage(e.currentTarget.value)}
            >
              {LANGUAGE_CODES.map((code) => (
                <option key={code} value={code}>
                  {LANGUAGES[code].label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field id={fields.citationStyle.id} label="Citation style" errors={fields.citationStyle.errors}>
          <select {...getSelectProps(fields.citationStyle)} className={inputClass}>
            {CITATION_STYLE_CODES.map((code) => (
              <option key={code} value={code}>
                {CITATION_STYLES[code]}
              </option>
            ))}
          </select>
        </Field>
        <label className="flex gap-3 rounded-md border border-slate-200 bg-white p-3">
          <input
            {...getInputProps(fields.express, { type: "checkbox" })}
            className="mt-1 h-4 w-4"
            onChange={(e) => setExpress(e.currentTarget.checked)}
          />
          <span>
            <strong>Express delivery</strong> (+{Math.round(EXPRESS_SURCHARGE * 100)} %): your order goes ahead of the
            queue.
          </span>
        </label>
        <FieldErrors id={fields.express.errorId} errors={fields.express.errors} />
        <p className="rounded-md bg-brand-50 p-3 text-sm text-brand-900" aria-live="polite">
          {validPages ? (
            <>
              Price: <strong data-testid="price">{formatMoney(price.totalCents)}</strong> for {pages} pages
              {express ? ` (including ${formatMoney(price.expressCents)} for express delivery)` : ""}.
            </>
          ) : (
            `Enter ${MIN_PAGES}–${MAX_PAGES} pages to see the price.`
          )}
        </p>
        <div className="flex items-center gap-4">
          <Button type="submit" disabled={navigation.state !== "idle"}>
            Continue
          </Button>
          <Link to={`/orders/${order.id}/topic`} className="text-sm text-slate-600 underline">
            Back
          </Link>
        </div>
      </Form>
    </div>
  );
}
