import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { VersionList } from "~/components/versions/version-list";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { restoreNotice, versionHistory, versionRows } from "~/models/version-history.server";
import { getDb } from "~/utils/db.server";
import { invariantResponse } from "~/utils/invariant";
import { requireUser } from "~/utils/session-cookie.server";

export const handle = { i18n: ["versions"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request);
  const t = await translatorFor(locale);
  const history = await versionHistory(getDb(), params.id ?? "", user.id);
  invariantResponse(history, t("documents:errors.notFound"), { status: 404 });
  const notice = restoreNotice(new URL(request.url));
  const { document } = history;
  return {
    title: t("versions:list.metaTitle", { topic: document.topic }),
    document: { id: document.id, topic: document.topic, editable: document.editable },
    rows: versionRows(history.entries, locale),
    notice: !notice
      ? null
      : "restored" in notice
        ? t("versions:restore.done", { from: notice.from, version: notice.restored })
        : t("versions:restore.unchanged", { number: notice.unchanged }),
  };
}

export default function DocumentVersions() {
  const { document, rows, notice } = useLoaderData<typeof loader>();
  const { t } = useTranslation("versions");
  return (
    <article className="space-y-6">
      <div>
        <Link to={`/documents/${document.id}`} className="text-sm text-brand-700 underline">
          {t("list.back")}
        </Link>
        <h1 className="mt-2 text-2xl font-bold">{t("list.heading")}</h1>
        <p className="mt-1 text-slate-600">{document.topic}</p>
      </div>
      {notice ? (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          {notice}
        </p>
      ) : null}
      {!document.editable && !rows.length ? (
        <p className="text-slate-600">{t("list.notDelivered")}</p>
      ) : (
        <>
          <p className="text-sm text-slate-600">{rows.length > 1 ? t("list.intro") : t("list.onlyDelivered")}</p>
          <VersionList rows={rows} viewer="customer" hrefOf={(n) => `/documents/${document.id}/versions/${n}`} />
        </>
      )}
    </article>
  );
}
