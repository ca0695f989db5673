import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { OfflineDemoBadge, StatusBadge } from "~/components/status-badge";
import { languageName } from "~/i18n/catalog-labels";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { listDocumentsForOwner } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { formatNumber } from "~/utils/format";
import { formatMoney } from "~/utils/pricing";
import { requireUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [documents, t] = await Promise.all([
    listDocumentsForOwner(getDb(), user.id),
    getLocale(request).then(translatorFor),
  ]);
  return {
    title: t("documents:list.metaTitle"),
    documents: documents.map((d) => ({ ...d, created_at: d.created_at.toISOString() })),
  };
}

export default function Documents() {
  const { documents } = useLoaderData<typeof loader>();
  const { t } = useTranslation("documents");
  const locale = useLocale();
  return (
    <div>
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-bold">{t("list.title")}</h1>
        <Link
          to="/orders/new"
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
        >
          {t("list.newOrder")}
        </Link>
      </div>
      {documents.length === 0 ? (
        <div className="mt-8 rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <h2 className="text-lg font-semibold">{t("list.emptyTitle")}</h2>
          <p className="mt-2 text-slate-600">{t("list.emptyText")}</p>
          <Link to="/orders/new" className="mt-4 inline-block font-semibold text-brand-700 underline">
            {t("list.emptyAction")}
          </Link>
        </div>
      ) : (
        <ul className="mt-6 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {documents.map((d) => (
            <li key={d.id}>
              <Link
                to={d.status === "awaiting_payment" ? `/orders/${d.id}/review` : `/documents/${d.id}`}
                className="flex flex-wrap items-center gap-3 p-4 hover:bg-slate-50"
              >
                <span className="min-w-0 flex-1 truncate font-medium">{d.topic}</span>
                {d.offline_demo ? <OfflineDemoBadge /> : null}
                <StatusBadge status={d.status} />
                <span className="text-sm text-slate-500">
                  {t("pages", { count: d.pages })} · {languageName(d.language, locale)} ·{" "}
                  {formatMoney(d.price_cents, d.currency, locale)}
                </span>
                {d.status === "generating" ? (
                  <span className="text-sm text-brand-700">
                    {formatNumber(d.progress_percent / 100, locale, { style: "percent" })}
                  </span>
                ) : null}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <Form method="post" action="/logout" className="mt-10 border-t border-slate-200 pt-4 text-sm text-slate-600">
        <input type="hidden" name="everywhere" value="true" />
        {t("list.signedInElsewhere")}{" "}
        <button type="submit" className="text-brand-700 underline">
          {t("list.signOutEverywhere")}
        </button>
      </Form>
    </div>
  );
}
