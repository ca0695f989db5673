import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button } from "~/components/ui/button";
import { VersionDiff } from "~/components/versions/version-diff";
import { useAuthorText } from "~/components/versions/version-list";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { firstIssueMessage } from "~/i18n/issues.server";
import { restoreVersion } from "~/models/document-versions.server";
import { afterRestore, versionComparison, versionRows } from "~/models/version-history.server";
import { getDb } from "~/utils/db.server";
import { invariantResponse } from "~/utils/invariant";
import { readFormData } from "~/utils/request.server";
import { restoreVersionSchema, versionNumberSchema } from "~/utils/schemas";
import { requireUser } from "~/utils/session-cookie.server";

export const handle = { i18n: ["versions"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request);
  const t = await translatorFor(locale);
  const number = versionNumberSchema.safeParse(params.number);
  const comparison = number.success && (await versionComparison(getDb(), params.id ?? "", user.id, number.data));
  invariantResponse(comparison, t("documents:errors.notFound"), { status: 404 });
  const { document, version } = comparison;
  return {
    title: t("versions:version.metaTitle", { number: version.number, topic: document.topic }),
    document: { id: document.id, topic: document.topic, editable: document.editable },
    version: versionRows([version], locale)[0]!,
    sameAsCurrent: comparison.sameAsCurrent,
    sections: comparison.sections,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const t = await translatorFor(await getLocale(request));
  const notFound = () => new Response(t("documents:errors.notFound"), { status: 404 });
  const number = versionNumberSchema.safeParse(params.number);
  if (!number.success) throw notFound();
  const form = restoreVersionSchema.safeParse(Object.fromEntries(await readFormData(request, restoreVersionSchema)));
  if (!form.success) return Response.json({ error: await firstIssueMessage(request, form.error) }, { status: 400 });
  const documentId = params.id ?? "";
  const restored = await restoreVersion(getDb(), {
    documentId,
    ownerId: user.id,
    number: number.data,
    by: { author: "restore", userId: user.id },
  });
  if (!restored.ok && restored.reason === "not_found") throw notFound();
  if (!restored.ok) return Response.json({ error: t("versions:restore.notEditable") }, { status: 409 });
  throw redirect(afterRestore(`/documents/${documentId}/versions`, number.data, restored));
}

export default function DocumentVersion() {
  const { document, version, sameAsCurrent, sections } = useLoaderData<typeof loader>();
  const refused = useActionData<{ error?: string }>();
  const busy = useNavigation().state !== "idle";
  const { t } = useTranslation("versions");
  const authorText = useAuthorText("customer");
  return (
    <article className="space-y-6">
      <div>
        <Link to={`/documents/${document.id}/versions`} className="text-sm text-brand-700 underline">
          {t("version.all")}
        </Link>
        <h1 className="mt-2 text-2xl font-bold">{t("version.heading", { number: version.number })}</h1>
        <p className="mt-1 text-slate-600">{document.topic}</p>
        <p className="mt-1 text-sm text-slate-600">
          {authorText(version)} · <time dateTime={version.at}>{t("list.when", version)}</time>
        </p>
      </div>
      {refused?.error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {refused.error}
        </p>
      ) : null}
      {document.editable ? (
        <Form method="post" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
          <p className="text-sm text-slate-600">{t("restore.explain")}</p>
          <input type="hidden" name="intent" value="restore" />
          <Button type="submit" disabled={busy}>
            {t("restore.button")}
          </Button>
        </Form>
      ) : null}
      <p className="text-sm text-slate-600">{sameAsCurrent ? t("version.sameAsCurrent") : t("version.legend")}</p>
      <VersionDiff sections={sections} />
    </article>
  );
}
