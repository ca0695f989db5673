import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { inputClass } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { searchUsers, USER_SEARCH_LIMIT } from "~/models/user-overview.server";
import { requireAdmin } from "~/utils/admin.server";
import { getDb } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

// A search box: anything too long or odd is simply not searched for.
const searchSchema = z.object({ q: z.string().trim().max(254).catch("").default("") });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const { q } = searchSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const found = await searchUsers(getDb(), q);
  const t = await translatorFor(await getLocale(request));
  return {
    title: t("admin:users.title"),
    q,
    more: found.more,
    users: found.users.map((user) => ({
      ...user,
      created_at: user.created_at.toISOString(),
      disabled_at: user.disabled_at?.toISOString() ?? null,
      deleted_at: user.deleted_at?.toISOString() ?? null,
    })),
  };
}

function accountState(user: { disabled_at: string | null; deleted_at: string | null }) {
  if (user.deleted_at) return "deleted";
  if (user.disabled_at) return "disabled";
  return "active";
}

export default function Users() {
  const { q, users, more } = useLoaderData<typeof loader>();
  const { t } = useTranslation("admin");
  const locale = useLocale();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("users.heading")}</h1>
      <Form method="get" role="search" className="flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="block text-slate-700">{t("users.query")}</span>
          <input name="q" type="search" defaultValue={q} placeholder={t("shared.addressPart")} className={inputClass} />
        </label>
        <Button type="submit">{t("shared.search")}</Button>
      </Form>
      {users.length === 0 ? (
        <p className="rounded-md border border-slate-200 bg-white p-6 text-center text-slate-600">
          {q ? t("users.noMatch", { q }) : t("users.noAccounts")}
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">{q ? t("users.matching", { q }) : t("users.newest")}</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("users.email")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("users.role")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("users.tier")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("users.account")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("shared.orders")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("users.joined")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.map((user) => (
                <tr key={user.id}>
                  <th scope="row" className="px-3 py-2 text-left font-normal">
                    <Link to={`/admin/users/${user.id}`} className="text-brand-700 underline">
                      {user.email}
                    </Link>
                    {user.name ? <span className="block text-xs text-slate-500">{user.name}</span> : null}
                  </th>
                  <td className="px-3 py-2">{user.role}</td>
                  <td className="px-3 py-2">{user.premium ? t("users.premium") : t("users.standard")}</td>
                  <td className="px-3 py-2">{t(`users.${accountState(user)}`)}</td>
                  <td className="px-3 py-2">{user.orders}</td>
                  <td className="whitespace-nowrap px-3 py-2">{formatDateTime(user.created_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more ? <p className="text-sm text-slate-600">{t("users.more", { limit: USER_SEARCH_LIMIT })}</p> : null}
    </div>
  );
}
