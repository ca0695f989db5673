import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { VersionList } from "~/components/versions/version-list";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { ownerOfDocument, restoreNotice, versionHistory, versionRows } from "~/models/version-history.server";
import { requireAdmin } from "~/utils/admin.server";
import { getDb } from "~/utils/db.server";
import { invariantResponse } from "~/utils/invariant";

export const handle = { i18n: ["versions"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const locale = await getLocale(request);
  const t = await translatorFor(locale);
  const db = getDb();
  const documentId = params.id ?? "";
  const ownerId = await ownerOfDocument(db, documentId);
  const history = ownerId && (await versionHistory(db, documentId, ownerId));
  invariantResponse(history, t("admin:order.notFound"), { status: 404 });
  const notice = restoreNotice(new URL(request.url));
  return {
    title: t("admin:versions.title"),
    document: { id: history.document.id, topic: history.document.topic },
    rows: versionRows(history.entries, locale),
    notice: !notice
      ? null
      : "restored" in notice
        ? t("admin:versions.done", { from: notice.from, version: notice.restored })
        : t("admin:versions.unchanged", { number: notice.unchanged }),
  };
}

export default function AdminDocumentVersions() {
  const { document, rows, notice } = useLoaderData<typeof loader>();
  const { t } = useTranslation("admin");
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <Link to={`/admin/documents/${document.id}`} className="text-sm text-brand-700 underline">
          {t("versions.back")}
        </Link>
        <h1 className="text-2xl font-bold">{t("versions.heading")}</h1>
        <p className="text-slate-600">{document.topic}</p>
        <p className="text-sm text-slate-600">{rows.length ? t("versions.intro") : t("versions.none")}</p>
      </div>
      {notice ? (
        <p role="status" className="rounded-md bg-emerald-50 p-2 text-sm text-emerald-800">
          {notice}
        </p>
      ) : null}
      {rows.length ? (
        <VersionList rows={rows} viewer="admin" hrefOf={(n) => `/admin/documents/${document.id}/versions/${n}`} />
      ) : null}
    </div>
  );
}
