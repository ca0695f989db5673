import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
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
import { getDocumentForOwner } from "~/models/documents.server";
import { getGenerationRates } from "~/models/generation-rates.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { CITATION_STYLES, kindLabel, LANGUAGES, type CitationStyle, type LanguageCode } from "~/utils/catalog";
import { estimateTime, formatMoney, formatTimeRange, priceOf } from "~/utils/pricing";
import { readFormData } from "~/utils/request.server";
import { requireUser } from "~/utils/session-cookie.server";
import { stripeConfigured } from "~/utils/stripe.server";
import { invariantResponse } from "~/utils/invariant";

export const meta: MetaFunction = () => [{ title: "Review and pay · TesiGo" }];

async function requirePayableOrder(request: Request, id: string | undefined) {
  const user = await requireUser(request);
  const document = await getDocumentForOwner(getDb(), id ?? "", user.id);
  invariantResponse(document, "Not found", { status: 404 });
  if (document.status !== "draft" && document.status !== "awaiting_payment")
    throw redirect(`/documents/${document.id}`);
  return { user, document };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { document } = await requirePayableOrder(request, params.id);
  const price = priceOf(document);
  const time = estimateTime(document, await getGenerationRates(getDb()));
  const env = getEnv();
  return {
    order: {
      id: document.id,
      status: document.status,
      kind: kindLabel(document.kind),
      topic: document.topic,
      discipline: document.discipline,
      pages: document.pages,
      language: LANGUAGES[document.language as LanguageCode]?.label ?? document.language,
      citationStyle: CITATION_STYLES[document.citation_style as CitationStyle] ?? document.citation_style,
      express: document.express,
      instructions: document.instructions,
      hasRequirementsFile: document.requirements_text !== null,
    },
    price: {
      perPage: formatMoney(price.pricePerPageCents),
      base: formatMoney(price.baseCents),
      express: price.expressCents ? formatMoney(price.expressCents) : null,
      total: formatMoney(price.totalCents),
    },
    time: formatTimeRange(time),
    cardPayment: stripeConfigured(),
    devPayment: env.ALLOW_DEV_PAYMENT,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, document } = await requirePayableOrder(request, params.id);
  const db = getDb();
  const intent = (await readFormData(request)).get("intent");
  if (intent === "edit") {
    let reopened: boolean;
    try {
      reopened = await editPlacedOrder(db, document.id, user.id);
    } catch (error) {
      if (error instanceof CheckoutUnavailableError) return Response.json({ error: error.message }, { status: 503 });
      throw error;
    }
    throw redirect(reopened ? `/orders/${document.id}/details` : `/documents/${document.id}`);
  }
  if (intent === "card") {
    await submitOrder(db, document.id, user.id);
    try {
      throw redirect(await startCheckout(db, document.id, user.id));
    } catch (error) {
      if (error instanceof OrderChangedError) return Response.json({ error: error.message }, { status: 409 });
      if (error instanceof CheckoutUnavailableError) return Response.json({ error: error.message }, { status: 503 });
      throw error;
    }
  }
  if (intent === "dev") {
    if (!getEnv().ALLOW_DEV_PAYMENT)
      return Response.json({ error: "The development payment step is switched off on this server." }, { status: 403 });
    await submitOrder(db, document.id, user.id);
    await payWithDevPayment(db, document.id, user.id);
    throw redirect(`/documents/${document.id}`);
  }
  return Response.json({ error: "Choose how to pay." }, { status: 400 });
}

export default function Review() {
  const { order, price, time, cardPayment, devPayment } = useLoaderData<typeof loader>();
  const actionData = useActionData<{ error?: string }>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const busy = navigation.state !== "idle";
  const rows: [string, string][] = [
    ["Kind", order.kind],
    ["Topic", order.topic],
    ...(order.discipline ? ([["Discipline", order.discipline]] as [string, string][]) : []),
    ["Length", `${order.pages} pages`],
    ["Language", order.language],
    ["Citation style", order.citationStyle],
    ["Delivery", order.express ? "Express" : "Standard"],
    [
      "Requirements",
      [order.hasRequirementsFile ? "file attached" : null, order.instructions ? "instructions given" : null]
        .filter(Boolean)
        .join(", ") || "none",
    ],
  ];
  return (
    <div className="mx-auto max-w-xl">
      {order.status === "draft" ? <OrderSteps current="review" documentId={order.id} /> : null}
      <h1 className="text-2xl font-bold">Review and pay</h1>
      {searchParams.get("checkout") === "cancelled" ? (
        <p role="status" className="mt-4 rounded-md border border-slate-200 bg-white p-3 text-sm">
          Payment cancelled: nothing was charged. You can pay whenever you are ready.
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
          {order.pages} pages × {price.perPage} = {price.base}
          {price.express ? ` + express ${price.express}` : ""}
        </p>
        <p className="mt-1 text-lg font-bold" data-testid="total">
          Total {price.total}
        </p>
        <p className="mt-1">Estimated writing time: {time} after payment.</p>
      </div>
      <div className="mt-6 flex flex-wrap items-center gap-3">
        {cardPayment ? (
          <Form method="post">
            <input type="hidden" name="intent" value="card" />
            <Button type="submit" disabled={busy}>
              Pay {price.total} by card
            </Button>
          </Form>
        ) : null}
        {devPayment ? (
          <Form method="post">
            <input type="hidden" name="intent" value="dev" />
            <Button type="submit" variant={cardPayment ? "secondary" : "primary"} disabled={busy}>
              Pay {price.total} (dev payment)
            </Button>
          </Form>
        ) : null}
        {order.status === "draft" ? (
          <Link to={`/orders/${order.id}/requirements`} className="text-sm text-slate-600 underline">
            Back
          </Link>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="edit" />
            <button type="submit" className="text-sm text-slate-600 underline" disabled={busy}>
              Change the order
            </button>
          </Form>
        )}
      </div>
      {devPayment ? (
        <p className="mt-3 text-xs text-slate-500">
          Dev payment: development only; marks the order paid without charging anything.
        </p>
      ) : null}
      {!cardPayment && !devPayment ? (
        <p className="mt-6 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-700">
          Card payments are not configured on this server yet. Please contact support to complete this order.
        </p>
      ) : null}
    </div>
  );
}
