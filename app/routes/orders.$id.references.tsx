import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { OrderSteps } from "~/components/order-steps";
import { Button } from "~/components/ui/button";
import { FieldErrors } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { translateMessage } from "~/i18n/messages";
import { listCustomerReferences, replaceCustomerReferences } from "~/models/customer-references.server";
import { getDb } from "~/utils/db.server";
import { requireDraftOrder } from "~/utils/orders.server";
import { readReferenceFile } from "~/utils/reference-import.server";
import { REFERENCES_MAX_BYTES, REFERENCES_MAX_ENTRIES } from "~/utils/reference-limits";
import { readFormData } from "~/utils/request.server";
import { customerReferencesSchema } from "~/utils/schemas";
import { readUploadForm } from "~/utils/upload-form.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { document } = await requireDraftOrder(request, params.id);
  const t = await translatorFor(await getLocale(request));
  return {
    title: t("references:import.title"),
    id: document.id,
    references: await listCustomerReferences(getDb(), document.id),
    limits: { kilobytes: REFERENCES_MAX_BYTES / 1024, entries: REFERENCES_MAX_ENTRIES },
  };
}

type ActionData = {
  error?: string;
  /** What the last upload kept and left out (each left-out entry by its position and key, with the reason). */
  report?: { kept: number; rejected: { position: number; label: string | null; reason: string }[] };
};

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, document } = await requireDraftOrder(request, params.id);
  const db = getDb();
  const t = await translatorFor(await getLocale(request));
  const refused = (error: string, status = 400) => Response.json({ error } satisfies ActionData, { status });

  if (!request.headers.get("content-type")?.startsWith("multipart/form-data")) {
    const formData = await readFormData(request, customerReferencesSchema);
    const submission = parseWithZod(formData, { schema: customerReferencesSchema });
    if (submission.status !== "success") return refused(t("references:form.unknownIntent"));
    await replaceCustomerReferences(db, document.id, user.id, []);
    return Response.json({} satisfies ActionData);
  }

  const form = await readUploadForm(request);
  if ("refusal" in form) return refused(translateMessage(t, form.refusal.message), form.refusal.status);
  const file = form.formData.get("file");
  if (!(file instanceof File) || file.size === 0 || !file.name) return refused(t("references:import.chooseFile"));
  if (file.size > REFERENCES_MAX_BYTES)
    return refused(t("references:refused.tooLarge", { kilobytes: REFERENCES_MAX_BYTES / 1024 }), 413);
  const read = readReferenceFile(file.name, new Uint8Array(await file.arrayBuffer()));
  if ("refusal" in read) return refused(translateMessage(t, read.refusal));
  const report = {
    kept: read.references.length,
    rejected: read.rejected.map((r) => ({ ...r, reason: translateMessage(t, r.reason) })),
  };
  // A file none of whose entries can be used changes nothing: the references stored before stay.
  if (read.references.length === 0)
    return Response.json({ error: t("references:import.noneUsable"), report } satisfies ActionData, { status: 400 });
  await replaceCustomerReferences(db, document.id, user.id, read.references);
  return Response.json({ report } satisfies ActionData);
}

export default function OrderReferences() {
  const { t } = useTranslation("references");
  const { id, references, limits } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const navigation = useNavigation();
  const report = actionData?.report;
  return (
    <div className="mx-auto max-w-2xl">
      <OrderSteps current="requirements" documentId={id} />
      <h1 className="text-2xl font-bold">{t("import.heading")}</h1>
      <p className="mt-2 text-slate-600">{t("import.intro", { kilobytes: limits.kilobytes, max: limits.entries })}</p>

      {report ? (
        <section
          aria-labelledby="report-heading"
          role="status"
          className="mt-6 rounded-lg border border-slate-200 bg-white p-5"
        >
          <h2 id="report-heading" className="font-semibold">
            {t("import.kept", { count: report.kept })}
          </h2>
          {report.rejected.length ? (
            <>
              <p className="mt-2 text-sm">{t("import.rejectedIntro", { count: report.rejected.length })}</p>
              <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-amber-900" data-testid="rejected-references">
                {report.rejected.map((r) => (
                  <li key={r.position}>
                    {r.label
                      ? t("import.rejectedEntryWithKey", { position: r.position, key: r.label })
                      : t("import.rejectedEntry", { position: r.position })}{" "}
                    {r.reason}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}

      <Form
        method="post"
        encType="multipart/form-data"
        className="mt-6 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-5"
      >
        <div className="flex-1">
          <label htmlFor="file" className="block text-sm font-medium">
            {references.length ? t("import.replaceFile") : t("import.uploadFile")}
          </label>
          <input
            id="file"
            name="file"
            type="file"
            accept=".bib,.ris,.json"
            className="mt-1 block w-full text-sm"
            aria-describedby="references-error"
          />
        </div>
        <Button type="submit" variant="secondary" disabled={navigation.state !== "idle"}>
          {t("import.upload")}
        </Button>
      </Form>
      <FieldErrors id="references-error" errors={actionData?.error ? [actionData.error] : undefined} />

      {references.length ? (
        <section aria-labelledby="stored-heading" className="mt-6">
          <h2 id="stored-heading" className="font-semibold">
            {t("import.stored", { count: references.length })}
          </h2>
          <p className="mt-1 text-sm text-slate-600">{t("import.storedHint")}</p>
          <ol className="mt-3 space-y-1 text-sm" data-testid="customer-references">
            {references.map((r) => (
              <li key={r.key}>
                {r.position}. {r.title}
                {r.year ? ` (${r.year})` : ""}
                {r.doi ? <span className="text-slate-500"> · doi:{r.doi}</span> : null}
              </li>
            ))}
          </ol>
          <Form method="post" className="mt-3">
            <input type="hidden" name="intent" value="remove" />
            <Button type="submit" variant="secondary">
              {t("import.removeAll")}
            </Button>
          </Form>
        </section>
      ) : null}

      <div className="mt-6 flex items-center gap-4">
        <Link
          to={`/orders/${id}/requirements`}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white"
        >
          {t("import.back")}
        </Link>
      </div>
    </div>
  );
}
