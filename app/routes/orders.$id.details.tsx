import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { OrderSteps } from "~/components/order-steps";
import { Button } from "~/components/ui/button";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";
import { citationStyleText, languageName } from "~/i18n/catalog-labels";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { updateDraftDocument } from "~/models/documents.server";
import { ownKeyPricingFor } from "~/models/own-key-pricing.server";
import { getDb } from "~/utils/db.server";
import { CITATION_STYLE_CODES, LANGUAGE_CODES, MAX_PAGES, MIN_PAGES, wordsPerPage } from "~/utils/catalog";
import { requireDraftOrder } from "~/utils/orders.server";
import { EXPRESS_SURCHARGE, formatMoney, priceOf } from "~/utils/pricing";
import { readFormData } from "~/utils/request.server";
import { orderDetailsSchema } from "~/utils/schemas";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, document } = await requireDraftOrder(request, params.id);
  const t = await translatorFor(await getLocale(request));
  return {
    title: t("orders:details.title"),
    ownKeyDiscount: (await ownKeyPricingFor(getDb(), user.id)).ownKeyDiscount,
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
  const { t } = useTranslation(["orders", "catalog"]);
  const locale = useLocale();
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
  const price = priceOf({ kind: order.kind, pages, express, ownKeyDiscount: order.ownKeyDiscount });
  return (
    <div className="mx-auto max-w-xl">
      <OrderSteps current="details" documentId={order.id} />
      <h1 className="text-2xl font-bold">{t("details.heading")}</h1>
      <Form method="post" {...getFormProps(form)} className="mt-6 space-y-5">
        <div className="grid gap-5 sm:grid-cols-2">
          <Field
            id={fields.pages.id}
            label={t("details.pages")}
            errors={fields.pages.errors}
            hint={t("details.pagesHint", { words: wordsPerPage(language), language: languageName(language, locale) })}
          >
            <input
              {...getInputProps(fields.pages, { type: "number" })}
              min={MIN_PAGES}
              max={MAX_PAGES}
              className={inputClass}
              onChange={(e) => setPages(Number(e.currentTarget.value))}
            />
          </Field>
          <Field id={fields.language.id} label={t("details.language")} errors={fields.language.errors}>
            <select
              {...getSelectProps(fields.language)}
              className={inputClass}
              onChange={(e) => setLanguage(e.currentTarget.value)}
            >
              {LANGUAGE_CODES.map((code) => (
                <option key={code} value={code}>
                  {languageName(code, locale)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field id={fields.citationStyle.id} label={t("details.citationStyle")} errors={fields.citationStyle.errors}>
          <select {...getSelectProps(fields.citationStyle)} className={inputClass}>
            {CITATION_STYLE_CODES.map((code) => (
              <option key={code} value={code}>
                {citationStyleText(t, code)}
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
            <strong>{t("details.express")}</strong>{" "}
            {t("details.expressWhat", { percent: Math.round(EXPRESS_SURCHARGE * 100) })}
          </span>
        </label>
        <FieldErrors id={fields.express.errorId} errors={fields.express.errors} />
        <p className="rounded-md bg-brand-50 p-3 text-sm text-brand-900" aria-live="polite">
          {validPages ? (
            <Trans
              t={t}
              i18nKey={express ? "details.priceExpress" : "details.price"}
              count={pages}
              values={{
                price: formatMoney(price.totalCents, undefined, locale),
                express: formatMoney(price.expressCents, undefined, locale),
              }}
              components={{ price: <strong data-testid="price" /> }}
            />
          ) : (
            t("details.pagesToSeePrice")
          )}
        </p>
        <div className="flex items-center gap-4">
          <Button type="submit" disabled={navigation.state !== "idle"}>
            {t("continue")}
          </Button>
          <Link to={`/orders/${order.id}/topic`} className="text-sm text-slate-600 underline">
            {t("back")}
          </Link>
        </div>
      </Form>
    </div>
  );
}
