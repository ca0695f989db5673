import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { getDocumentForOwner, payWithDevPayment } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { LANGUAGES, type LanguageCode } from "~/utils/languages";
import { formatMoney } from "~/utils/pricing";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Payment · TesiGo" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const document = await getDocumentForOwner(getDb(), params.id ?? "", user.id);
  if (!document) throw new Response("Not found", { status: 404 });
  if (document.status !== "awaiting_payment") throw redirect(`/documents/${document.id}`);
  return {
    document: {
      id: document.id,
      topic: document.topic,
      pages: document.pages,
      language: LANGUAGES[document.language as LanguageCode]?.label ?? document.language,
      price: formatMoney(document.price_cents, document.currency),
    },
    devPayment: getEnv().ALLOW_DEV_PAYMENT,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!getEnv().ALLOW_DEV_PAYMENT) {
    return Response.json({ error: "The development payment step is switched off on this server." }, { status: 403 });
  }
  const document = await getDocumentForOwner(getDb(), params.id ?? "", user.id);
  if (!document) throw new Response("Not found", { status: 404 });
  // A second click (or a replayed form) changes nothing: the order is no longer awaiting payment.
  await payWithDevPayment(getDb(), document.id, user.id);
  throw redirect(`/documents/${document.id}`);
}

export default function Pay() {
  const { document, devPayment } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <div className="mx-auto max-w-xl">
      <h1 className="text-2xl font-bold">Review and pay</h1>
      <dl className="mt-6 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {[
          ["Topic", document.topic],
          ["Length", `${document.pages} pages`],
          ["Language", document.language],
          ["Price", document.price],
        ].map(([term, value]) => (
          <div key={term} className="flex gap-4 p-4">
            <dt className="w-28 shrink-0 text-sm text-slate-500">{term}</dt>
            <dd className="font-medium">{value}</dd>
          </div>
        ))}
      </dl>
      {devPayment ? (
        <Form method="post" className="mt-6 space-y-3">
          <p className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            Development mode: no card is charged. The button marks the order paid and starts writing it.
          </p>
          <Button type="submit" disabled={navigation.state !== "idle"}>
            Pay {document.price} (dev payment)
          </Button>
        </Form>
      ) : (
        <p className="mt-6 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-700">
          Card payments are not configured on this server yet. Please contact support to complete this order.
        </p>
      )}
    </div>
  );
}
