import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { OrderSteps } from "~/components/order-steps";
import { Button } from "~/components/ui/button";
import {
  CheckoutUnavailableError,
  OrderChangedError,
  editPlacedOrder,
  payWithDevPayment,
  startCheckout,
  submitOrder,
} from "~/models/checkout.server";
import { citationStyleText, kindText, languageName } from "~/i18n/catalog-labels";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { message, translateMessage } from "~/i18n/messages";
import { getDocumentForOwner } from "~/models/documents.server";
import { getGenerationRates } from "~/models/generation-rates.server";
import { ownKeyPricingFor } from "~/models/own-key-pricing.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { estimateTime, formatMoney, formatTimeRange, priceOf } from "~/utils/pricing";
import { readFormData } from "~/utils/request.server";
import { requireUser } from "~/utils/session-cookie.server";
import { stripeConfigured } from "~/utils/stripe.server";
import { invariantResponse } from "~/utils/invariant";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

async function requirePayableOrder(request: Request, id: string | undefined) {
  const user = await requireUser(request);
  const document = await getDocumentForOwner(getDb(), id ?? "", user.id);
  invariantResponse(document, message("orders:review.notFound"), { status: 404 });
  if (document.status !== "draft" && document.status !== "awaiting_payment")
    throw redirect(`/documents/${document.id}`);
  return { user, document };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, document } = await requirePayableOrder(request, params.id);
  const env = getEnv();
  // A placed order keeps the pricing it was placed with; a draft follows the customer's key as it is now.
  const pricing =
    document.status === "draft"
      ? await ownKeyPricingFor(getDb(), user.id)
      : { ownKey: document.priced_with_own_key, ownKeyDiscount: document.priced_with_own_key ? env.BYOK_DISCOUNT : 0 };
  const price = priceOf({ ...document, ownKeyDiscount: pricing.ownKeyDiscount });
  const time = estimateTime(document, await getGenerationRates(getDb()));
  const locale = await getLocale(request);
  const t = await translatorFor(locale);
  const money = (cents: number) => formatMoney(cents, undefined, locale);
  return {
    title: t("orders:review.title"),
    order: {
      id: document.id,
      status: document.status,
      kind: document.kind,
      topic: document.topic,
      discipline: document.discipline,
      pages: document.pages,
      language: document.language,
      citationStyle: document.citation_style,
      express: document.express,
      instructions: document.instructions,
      hasRequirementsFile: document.requirements_text !== null,
    },
    price: {
      perPage: money(price.pricePerPageCents),
      base: money(price.baseCents),
      express: price.expressCents ? money(price.expressCents) : null,
      ownKey: pricing.ownKey
        ? { percent: Math.round(pricing.ownKeyDiscount * 100), amount: money(price.ownKeyCents) }
        : null,
      total: money(price.totalCents),
    },
    time: formatTimeRange(time, locale),
    cardPayment: stripeConfigured(),
    devPayment: env.ALLOW_DEV_PAYMENT,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, document } = await requirePayableOrder(request, params.id);
  const db = getDb();
  const t = await translatorFor(await getLocale(request));
  const refused = (error: Error, status: number) =>
    Response.json({ error: translateMessage(t, error.message) }, { status });
  const intent = (await readFormData(request)).get("intent");
  if (intent === "edit") {
    let reopened: boolean;
    try {
      reopened = await editPlacedOrder(db, document.id, user.id);
    } catch (error) {
      if (error instanceof CheckoutUnavailableError) return refused(error, 503);
      throw error;
    }
    throw redirect(reopened ? `/orders/${document.id}/details` : `/documents/${document.id}`);
  }
  if (intent === "card") {
    await submitOrder(db, document.id, user.id);
    try {
      throw redirect(await startCheckout(db, document.id, user.id));
    } catch (error) {
      if (error instanceof OrderChangedError) return refused(error, 409);
      if (error instanceof CheckoutUnavailableError) return refused(error, 503);
      throw error;
    }
  }
  if (intent === "dev") {
    if (!getEnv().ALLOW_DEV_PAYMENT) return Response.json({ error: t("orders:review.devPaymentOff") }, { status: 403 });
    await submitOrder(db, document.id, user.id);
    await payWithDevPayment(db, document.id, user.id);
    throw redirect(`/documents/${document.id}`);
  }
  return Response.json({ error: t("orders:review.choosePayment") }, { status: 400 });
}

export default function Review() {
  const { t } = useTranslation(["orders", "catalog", "byok"]);
  const locale = useLocale();
  const { order, price, time, cardPayment, devPayment } = useLoaderData<typeof loader>();
  const actionData = useActionData<{ error?: string }>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const busy = navigation.state !== "idle";
  const requirements =
    order.hasRequirementsFile && order.instructions
      ? t("review.both")
      : order.hasRequirementsFile
        ? t("review.fileAttached")
        : order.instructions
          ? t("review.instructionsGiven")
          : t("review.none");
  const rows: [string, string][] = [
    [t("review.kind"), kindText(t, order.kind)],
    [t("review.topic"), order.topic],
    ...(order.discipline ? ([[t("review.discipline"), order.discipline]] as [string, string][]) : []),
    [t("review.length"), t("review.pages", { count: order.pages })],
    [t("review.language"), languageName(order.language, locale)],
    [t("review.citationStyle"), citationStyleText(t, order.citationStyle)],
    [t("review.delivery"), order.express ? t("review.express") : t("review.standard")],
    [t("review.requirements"), requirements],
  ];
  return (
    <div className="mx-auto max-w-xl">
      {order.status === "draft" ? <OrderSteps current="review" documentId={order.id} /> : null}
      <h1 className="text-2xl font-bold">{t("review.heading")}</h1>
      {searchParams.get("checkout") === "cancelled" ? (
        <p role="status" className="mt-4 rounded-md border border-slate-200 bg-white p-3 text-sm">
          {t("review.cancelled")}
        </p>
      ) : null}
      {actionData?.error ? (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {actionData.error}
        </p>
      ) : null}
      <dl className="mt-6 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {rows.map(([term, value]) => (
          <div key={term} className="flex gap-4 p-3">
            <dt className="w-32 shrink-0 text-sm text-slate-500">{term}</dt>
            <dd className="font-medium">{value}</dd>
          </div>
        ))}
      </dl>
      <div className="mt-6 rounded-lg border border-brand-100 bg-brand-50 p-4 text-sm text-brand-900">
        <p>
          {price.express
            ? t("review.sumExpress", {
                count: order.pages,
                perPage: price.perPage,
                base: price.base,
                express: price.express,
              })
            : t("review.sum", { count: order.pages, perPage: price.perPage, base: price.base })}
        </p>
        {price.ownKey ? (
          <p className="mt-1" data-testid="own-key-discount">
            {t("byok:review.discount", price.ownKey)}
          </p>
        ) : null}
        <p className="mt-1 text-lg font-bold" data-testid="total">
          {t("review.total", { total: price.total })}
        </p>
        <p className="mt-1">{t("review.time", { time })}</p>
      </div>
      <div className="mt-6 flex flex-wrap items-center gap-3">
        {cardPayment ? (
          <Form method="post">
            <input type="hidden" name="intent" value="card" />
            <Button type="submit" disabled={busy}>
              {t("review.payByCard", { total: price.total })}
            </Button>
          </Form>
        ) : null}
        {devPayment ? (
          <Form method="post">
            <input type="hidden" name="intent" value="dev" />
            <Button type="submit" variant={cardPayment ? "secondary" : "primary"} disabled={busy}>
              {t("review.payDev", { total: price.total })}
            </Button>
          </Form>
        ) : null}
        {order.status === "draft" ? (
          <Link to={`/orders/${order.id}/requirements`} className="text-sm text-slate-600 underline">
            {t("back")}
          </Link>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="edit" />
            <button type="submit" className="text-sm text-slate-600 underline" disabled={busy}>
              {t("review.change")}
            </button>
          </Form>
        )}
      </div>
      {devPayment ? <p className="mt-3 text-xs text-slate-500">{t("review.devNote")}</p> : null}
      {!cardPayment && !devPayment ? (
        <p className="mt-6 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-700">
          {t("review.noPayment")}
        </p>
      ) : null}
    </div>
  );
}
