import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { Button } from "~/components/ui/button";
import { FieldErrors } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { message } from "~/i18n/messages";
import { listWebhookDeliveries, resendWebhookDelivery } from "~/models/webhook-deliveries.server";
import { findWebhookEndpoint } from "~/models/webhook-endpoints.server";
import { getDb } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { invariantResponse } from "~/utils/invariant";
import { readFormData } from "~/utils/request.server";
import { requireUser } from "~/utils/session-cookie.server";
import { resendSchema } from "~/utils/webhook-schemas";

export const handle = { i18n: ["webhooks"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** The account's endpoint only: another's, an unknown and a malformed id are the same 404. */
async function ownEndpoint(request: Request, id: string | undefined) {
  const user = await requireUser(request);
  const t = await translatorFor(await getLocale(request));
  const endpoint = await findWebhookEndpoint(getDb(), user.id, id ?? "");
  invariantResponse(endpoint, t("webhooks:errors.unknownEndpoint"), { status: 404 });
  return { user, t, endpoint };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { t, endpoint } = await ownEndpoint(request, params.id);
  const deliveries = await listWebhookDeliveries(getDb(), endpoint.id);
  return {
    title: t("webhooks:logTitle", { url: endpoint.url }),
    endpoint: { id: endpoint.id, url: endpoint.url, disabled: endpoint.disabled_at !== null },
    deliveries: deliveries.map((d) => ({
      id: d.id,
      type: d.type,
      orderId: d.document_id,
      state: d.state,
      attempts: d.attempts,
      statusCode: d.status_code,
      error: d.error,
      excerpt: d.response_excerpt,
      at: d.created_at.toISOString(),
    })),
  };
}

/** resend: the same event delivered again to this endpoint, as a new delivery. */
export async function action({ request, params }: ActionFunctionArgs) {
  const { user, endpoint } = await ownEndpoint(request, params.id);
  const submission = parseWithZod(await readFormData(request, resendSchema), { schema: resendSchema });
  if (submission.status !== "success") {
    const errors = Object.values(submission.error ?? {})
      .flat()
      .filter(Boolean) as string[];
    return Response.json({ result: submission.reply({ formErrors: errors }) }, { status: 400 });
  }
  if (!(await resendWebhookDelivery(getDb(), user.id, endpoint.id, submission.value.deliveryId)))
    return Response.json(
      { result: submission.reply({ formErrors: [message("webhooks:errors.unknownDelivery")] }) },
      { status: 404 },
    );
  return Response.json({ result: submission.reply(), resent: true });
}

export default function WebhookDeliveries() {
  const { endpoint, deliveries } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const locale = useLocale();
  const { t } = useTranslation("webhooks");
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <div>
        <Link to="/account/webhooks" className="text-sm text-brand-700 underline">
          {t("backToList")}
        </Link>
        <h1 className="mt-2 text-2xl font-bold break-all">{t("logTitle", { url: endpoint.url })}</h1>
        <p className="mt-2 text-slate-600">{t("logIntro")}</p>
      </div>
      {data && "resent" in data ? (
        <p role="status" className="rounded-lg border border-green-300 bg-green-50 p-3 text-sm">
          {t("resent")}
        </p>
      ) : null}
      <FieldErrors id="resend-error" errors={data?.result?.error?.[""] ?? undefined} />
      {deliveries.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">
          {t("logEmpty")}
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-slate-600">
              <tr>
                <th className="p-3">{t("colEvent")}</th>
                <th className="p-3">{t("colTime")}</th>
                <th className="p-3">{t("colStatus")}</th>
                <th className="p-3">{t("colAttempts")}</th>
                <th className="p-3">{t("colState")}</th>
                <th className="p-3">
                  <span className="sr-only">{t("resend")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <td className="p-3">
                    <code>{d.type}</code>
                  </td>
                  <td className="p-3">{formatDateTime(d.at, locale)}</td>
                  <td className="p-3" title={d.error ?? d.excerpt ?? undefined}>
                    {d.statusCode ?? t("noAnswer")}
                  </td>
                  <td className="p-3">{d.attempts}</td>
                  <td className="p-3">{t(`state.${d.state}`)}</td>
                  <td className="p-3">
                    {endpoint.disabled ? null : (
                      <Form method="post">
                        <input type="hidden" name="deliveryId" value={d.id} />
                        <Button type="submit" name="intent" value="resend" variant="secondary">
                          {t("resend")}
                        </Button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
