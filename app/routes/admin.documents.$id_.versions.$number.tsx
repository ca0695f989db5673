import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button } from "~/components/ui/button";
import { AuditReasonField } from "~/components/admin/confirm-action";
import { FieldErrors } from "~/components/ui/field";
import { VersionDiff } from "~/components/versions/version-diff";
import { useAuthorText } from "~/components/versions/version-list";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { translatedIssues } from "~/i18n/issues.server";
import { restoreVersionForCustomer } from "~/models/admin-version-restore.server";
import { ownerOfDocument, afterRestore, versionComparison, versionRows } from "~/models/version-history.server";
import { adminAudit } from "~/utils/admin-actions.server";
import { requireAdmin } from "~/utils/admin.server";
import { getDb } from "~/utils/db.server";
import { invariantResponse } from "~/utils/invariant";
import { readFormData } from "~/utils/request.server";
import { adminRestoreVersionSchema, versionNumberSchema } from "~/utils/schemas";

export const handle = { i18n: ["versions"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const locale = await getLocale(request);
  const t = await translatorFor(locale);
  const db = getDb();
  const documentId = params.id ?? "";
  const number = versionNumberSchema.safeParse(params.number);
  const ownerId = number.success && (await ownerOfDocument(db, documentId));
  const comparison = ownerId && (await versionComparison(db, documentId, ownerId, number.data!));
  invariantResponse(comparison, t("admin:order.notFound"), { status: 404 });
  const { document, version } = comparison;
  return {
    title: t("admin:versions.versionTitle", { number: version.number }),
    document: { id: document.id, topic: document.topic, editable: document.editable },
    version: versionRows([version], locale)[0]!,
    sameAsCurrent: comparison.sameAsCurrent,
    sections: comparison.sections,
  };
}

type Refusal = { message?: string; errors?: Record<string, string[]> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  const t = await translatorFor(await getLocale(request));
  const notFound = () => new Response(t("admin:order.notFound"), { status: 404 });
  const number = versionNumberSchema.safeParse(params.number);
  if (!number.success) throw notFound();
  const form = await readFormData(request, adminRestoreVersionSchema);
  const parsed = adminRestoreVersionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success)
    return data<Refusal>({ errors: await translatedIssues(request, parsed.error, "intent") }, { status: 400 });
  const documentId = params.id ?? "";
  const restored = await restoreVersionForCustomer(getDb(), {
    documentId,
    number: number.data,
    adminId: admin.id,
    audit: adminAudit(admin, request, context, { action: "document.version_restored", reason: parsed.data.reason }),
  });
  if (!restored.ok && restored.reason === "not_found") throw notFound();
  if (!restored.ok) return data<Refusal>({ message: t("admin:versions.notEditable") }, { status: 409 });
  throw redirect(afterRestore(`/admin/documents/${documentId}/versions`, number.data, restored));
}

export default function AdminDocumentVersion() {
  const { document, version, sameAsCurrent, sections } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>() as Refusal | undefined;
  const busy = useNavigation().state !== "idle";
  const { t } = useTranslation(["admin", "versions"]);
  const authorText = useAuthorText("admin");
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <Link to={`/admin/documents/${document.id}/versions`} className="text-sm text-brand-700 underline">
          {t("versions:version.all")}
        </Link>
        <h1 className="text-2xl font-bold">{t("versions:version.heading", { number: version.number })}</h1>
        <p className="text-slate-600">{document.topic}</p>
        <p className="text-sm text-slate-600">
          {authorText(version)} · <time dateTime={version.at}>{t("versions:list.when", version)}</time>
        </p>
      </div>
      {document.editable ? (
        <Form method="post" className="max-w-xl space-y-2 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">{t("versions.restoreTitle")}</h2>
          <p className="text-sm text-slate-600">{t("versions.restoreExplain")}</p>
          <AuditReasonField id="restore-reason" errors={refused?.errors?.reason} />
          <input type="hidden" name="intent" value="restore" />
          <FieldErrors id="restore-error" errors={[...(refused?.errors?.intent ?? [])]} />
          {refused?.message ? (
            <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-800">
              {refused.message}
            </p>
          ) : null}
          <Button type="submit" disabled={busy}>
            {t("versions.restoreButton")}
          </Button>
        </Form>
      ) : null}
      <p className="text-sm text-slate-600">
        {sameAsCurrent ? t("versions:version.sameAsCurrent") : t("versions:version.legend")}
      </p>
      <VersionDiff sections={sections} />
    </div>
  );
}
