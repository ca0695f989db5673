import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { inputClass } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { listAuditLog } from "~/models/audit-log.server";
import { requireAdmin } from "~/utils/admin.server";
import { getDb } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

const filterSchema = z.object({
  action: z.string().trim().max(80).optional().catch(undefined),
  actor: z.string().trim().max(254).optional().catch(undefined),
  target: z.string().trim().max(100).optional().catch(undefined),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  before: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional()
    .catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const params = filterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listAuditLog(
    getDb(),
    {
      action: params.action || undefined,
      actor: params.actor || undefined,
      targetId: params.target || undefined,
      from: params.from ? new Date(`${params.from}T00:00:00Z`) : undefined,
      // The whole of the "to" day.
      to: params.to ? new Date(new Date(`${params.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
    },
    params.before,
  );
  const t = await translatorFor(await getLocale(request));
  return {
    title: t("admin:audit.title"),
    entries: page.rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() })),
    more: page.more,
  };
}

export default function AuditLog() {
  const { entries, more } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t } = useTranslation("admin");
  const locale = useLocale();
  const next = new URLSearchParams(searchParams);
  if (entries.length) next.set("before", entries[entries.length - 1]!.id);
  const filters: [string, string, string][] = [
    ["action", t("audit.action"), t("audit.actionHint")],
    ["actor", t("audit.actor"), t("shared.addressPart")],
    ["target", t("audit.target"), t("audit.targetHint")],
  ];
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("audit.heading")}</h1>
      <p className="text-sm text-slate-600">{t("audit.intro")}</p>
      <Form method="get" className="flex flex-wrap items-end gap-3" aria-label={t("audit.filter")}>
        {filters.map(([name, label, placeholder]) => (
          <label key={name} className="text-sm">
            <span className="block text-slate-700">{label}</span>
            <input
              name={name}
              defaultValue={searchParams.get(name) ?? ""}
              placeholder={placeholder}
              className={inputClass}
            />
          </label>
        ))}
        <label className="text-sm">
          <span className="block text-slate-700">{t("shared.from")}</span>
          <input type="date" name="from" defaultValue={searchParams.get("from") ?? ""} className={inputClass} />
        </label>
        <label className="text-sm">
          <span className="block text-slate-700">{t("shared.to")}</span>
          <input type="date" name="to" defaultValue={searchParams.get("to") ?? ""} className={inputClass} />
        </label>
        <Button type="submit">{t("audit.submit")}</Button>
      </Form>
      {entries.length === 0 ? (
        <p className="rounded-md border border-slate-200 bg-white p-6 text-center text-slate-600">{t("audit.empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th className="px-3 py-2">{t("shared.when")}</th>
                <th className="px-3 py-2">{t("shared.who")}</th>
                <th className="px-3 py-2">{t("shared.what")}</th>
                <th className="px-3 py-2">{t("audit.on")}</th>
                <th className="px-3 py-2">{t("shared.why")}</th>
                <th className="px-3 py-2">{t("shared.from")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {entries.map((entry) => (
                <tr key={entry.id} className="align-top">
                  <td className="whitespace-nowrap px-3 py-2">{formatDateTime(entry.created_at, locale)}</td>
                  <td className="px-3 py-2">{entry.actor_email ?? t("shared.system")}</td>
                  <td className="px-3 py-2 font-mono">{entry.action}</td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {entry.target_type ? `${entry.target_type} ${entry.target_id ?? ""}` : "—"}
                  </td>
                  <td className="px-3 py-2">{entry.reason ?? "—"}</td>
                  <td className="px-3 py-2 text-xs">{entry.ip ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more ? (
        <Link to={`?${next.toString()}`} className="inline-block text-sm font-semibold text-brand-700 underline">
          {t("audit.older")}
        </Link>
      ) : null}
    </div>
  );
}
