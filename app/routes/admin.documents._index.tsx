import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { StatusBadge } from "~/components/status-badge";
import { Button } from "~/components/ui/button";
import { FieldErrors, inputClass } from "~/components/ui/field";
import { kindText, languageName, statusText } from "~/i18n/catalog-labels";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { translatedIssues } from "~/i18n/issues.server";
import { searchOrders } from "~/models/admin-orders.server";
import { requireAdmin } from "~/utils/admin.server";
import { DOCUMENT_KINDS, LANGUAGES } from "~/utils/catalog";
import { getDb } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { formatMoney } from "~/utils/pricing";
import { adminOrderSearchSchema } from "~/utils/schemas";
import { DOCUMENT_STATUSES } from "../../db/schema";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: (data as unknown as OrdersPage | undefined)?.title },
];

const DAY_MS = 86_400_000;

type OrdersPage = {
  title: string;
  /** The search's mistakes, by field (the page shows them beside the fields, answered with 400). */
  errors: Record<string, string[]> | null;
  orders: (Omit<Awaited<ReturnType<typeof searchOrders>>["rows"][number], "created_at"> & { created_at: string })[];
  more: boolean;
  page: number;
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const title = (await translatorFor(await getLocale(request)))("admin:orders.title");
  const parsed = adminOrderSearchSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const errors = await translatedIssues(request, parsed.error, "q");
    return data<OrdersPage>({ title, errors, orders: [], more: false, page: 1 }, { status: 400 });
  }
  const { q, status, kind, language, from, to, page } = parsed.data;
  const found = await searchOrders(
    getDb(),
    {
      q,
      status,
      kind,
      language,
      from: from ? new Date(`${from}T00:00:00Z`) : undefined,
      // The whole of the last day.
      to: to ? new Date(new Date(`${to}T00:00:00Z`).getTime() + DAY_MS) : undefined,
    },
    page,
  );
  return data<OrdersPage>({
    title,
    errors: null,
    orders: found.rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() })),
    more: found.more,
    page,
  });
}

export default function AdminOrders() {
  const { errors, orders, more, page } = useLoaderData<typeof loader>() as unknown as OrdersPage;
  const [searchParams] = useSearchParams();
  const { t } = useTranslation(["admin", "catalog"]);
  const locale = useLocale();
  const pageLink = (to: number) => {
    const next = new URLSearchParams(searchParams);
    next.set("page", String(to));
    return `?${next.toString()}`;
  };
  const select = (name: string, label: string, options: [string, string][]) => (
    <label className="text-sm">
      <span className="block text-slate-700">{label}</span>
      <select
        name={name}
        defaultValue={searchParams.get(name) ?? ""}
        className={inputClass}
        aria-invalid={errors?.[name] ? true : undefined}
        aria-describedby={errors?.[name] ? `${name}-error` : undefined}
      >
        <option value="">{t("orders.any")}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
      <FieldErrors id={`${name}-error`} errors={errors?.[name]} />
    </label>
  );
  const dateInput = (name: string, label: string) => (
    <label className="text-sm">
      <span className="block text-slate-700">{label}</span>
      <input
        type="date"
        name={name}
        defaultValue={searchParams.get(name) ?? ""}
        className={inputClass}
        aria-invalid={errors?.[name] ? true : undefined}
        aria-describedby={errors?.[name] ? `${name}-error` : undefined}
      />
      <FieldErrors id={`${name}-error`} errors={errors?.[name]} />
    </label>
  );
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("orders.heading")}</h1>
      <Form method="get" className="flex flex-wrap items-end gap-3" aria-label={t("orders.search")}>
        <label className="text-sm">
          <span className="block text-slate-700">{t("orders.query")}</span>
          <input
            type="search"
            name="q"
            defaultValue={searchParams.get("q") ?? ""}
            className={inputClass}
            aria-invalid={errors?.q ? true : undefined}
            aria-describedby={errors?.q ? "q-error" : undefined}
          />
          <FieldErrors id="q-error" errors={errors?.q} />
        </label>
        {select(
          "status",
          t("shared.state"),
          DOCUMENT_STATUSES.map((s) => [s, statusText(t, s)]),
        )}
        {select(
          "kind",
          t("shared.kind"),
          Object.keys(DOCUMENT_KINDS).map((code) => [code, kindText(t, code)]),
        )}
        {select(
          "language",
          t("orders.language"),
          Object.keys(LANGUAGES).map((code) => [code, languageName(code, locale)]),
        )}
        {dateInput("from", t("orders.from"))}
        {dateInput("to", t("orders.until"))}
        <Button type="submit">{t("shared.search")}</Button>
      </Form>
      {errors?.page ? <FieldErrors id="page-error" errors={errors.page} /> : null}
      {errors ? (
        <p className="rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-800" role="alert">
          {t("orders.correct")}
        </p>
      ) : orders.length === 0 ? (
        <p className="rounded-md border border-slate-200 bg-white p-6 text-center text-slate-600">
          {page > 1 ? t("orders.noMore") : t("orders.none")}
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">{t("orders.caption", { page })}</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("orders.ordered")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("orders.topic")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("shared.customer")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("shared.kind")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("orders.language")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("orders.price")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("shared.state")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {orders.map((order) => (
                <tr key={order.id} className="align-top">
                  <td className="whitespace-nowrap px-3 py-2">{formatDateTime(order.created_at, locale)}</td>
                  <th scope="row" className="px-3 py-2 text-left font-normal">
                    <Link to={`/admin/documents/${order.id}`} className="font-semibold text-brand-700 underline">
                      {order.topic}
                    </Link>
                  </th>
                  <td className="px-3 py-2">{order.email}</td>
                  <td className="px-3 py-2">
                    {t("orders.kindPages", { kind: kindText(t, order.kind), count: order.pages })}
                  </td>
                  <td className="px-3 py-2">{languageName(order.language, locale)}</td>
                  <td className="whitespace-nowrap px-3 py-2">
                    {formatMoney(order.price_cents, order.currency, locale)}
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={order.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label={t("orders.pages")} className="flex gap-4 text-sm">
        {page > 1 ? (
          <Link to={pageLink(page - 1)} className="font-semibold text-brand-700 underline">
            {t("orders.newer")}
          </Link>
        ) : null}
        {more ? (
          <Link to={pageLink(page + 1)} className="font-semibold text-brand-700 underline">
            {t("orders.older")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
