import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { OrderSteps } from "~/components/order-steps";
import { Button } from "~/components/ui/button";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { translateMessage } from "~/i18n/messages";
import { updateDraftDocument } from "~/models/documents.server";
import { replaceRequirementsFile } from "~/models/requirements-file.server";
import { deleteUpload, getDocumentUpload } from "~/models/uploads.server";
import { getDb } from "~/utils/db.server";
import { requireDraftOrder } from "~/utils/orders.server";
import { readFormData } from "~/utils/request.server";
import { orderInstructionsSchema } from "~/utils/schemas";
import { readUploadForm } from "~/utils/upload-form.server";
import { DRAFT_FILE_DAYS, MAX_UPLOAD_BYTES, MAX_UPLOAD_MEGABYTES } from "~/utils/upload-limits";
import { UploadRefusedError } from "~/utils/uploads.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { document } = await requireDraftOrder(request, params.id);
  const upload = await getDocumentUpload(getDb(), document.id);
  const t = await translatorFor(await getLocale(request));
  return {
    title: t("orders:requirements.title"),
    id: document.id,
    instructions: document.instructions ?? "",
    upload: upload
      ? {
          filename: upload.filename,
          sizeBytes: upload.size_bytes,
          text: upload.extracted_text ?? "",
          confirmed: document.requirements_text !== null,
        }
      : null,
  };
}

type ActionData = { fileError?: string; form?: unknown };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, document } = await requireDraftOrder(request, params.id);
  const db = getDb();
  const t = await translatorFor(await getLocale(request));
  const isMultipart = request.headers.get("content-type")?.startsWith("multipart/form-data");

  if (isMultipart) {
    const form = await readUploadForm(request);
    if ("refusal" in form)
      return Response.json({ fileError: translateMessage(t, form.refusal.message) } satisfies ActionData, {
        status: form.refusal.status,
      });
    const file = form.formData.get("file");
    if (!(file instanceof File) || file.size === 0 || !file.name) {
      return Response.json({ fileError: t("orders:requirements.chooseFile") } satisfies ActionData, { status: 400 });
    }
    try {
      // The text read from the file waits for the customer's confirmation.
      await replaceRequirementsFile(
        db,
        { userId: user.id, documentId: document.id },
        { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) },
        { confirmed: false },
      );
    } catch (error) {
      if (error instanceof UploadRefusedError)
        return Response.json({ fileError: error.explain(t, await getLocale(request)) } satisfies ActionData, {
          status: 400,
        });
      throw error;
    }
    throw redirect(`/orders/${document.id}/requirements`);
  }

  const formData = await readFormData(request, orderInstructionsSchema);
  const intent = formData.get("intent");
  const upload = await getDocumentUpload(db, document.id);
  if (intent === "confirm" && upload) {
    await updateDraftDocument(db, document.id, user.id, { requirements_text: upload.extracted_text ?? "" });
    throw redirect(`/orders/${document.id}/requirements`);
  }
  if (intent === "remove" && upload) {
    await deleteUpload(db, upload.id, user.id);
    await updateDraftDocument(db, document.id, user.id, { requirements_text: null });
    throw redirect(`/orders/${document.id}/requirements`);
  }
  const submission = parseWithZod(formData, { schema: orderInstructionsSchema });
  if (submission.status !== "success")
    return Response.json({ form: submission.reply() } satisfies ActionData, { status: 400 });
  await updateDraftDocument(db, document.id, user.id, { instructions: submission.value.instructions || null });
  const current = await db
    .selectFrom("documents")
    .select("requirements_text")
    .where("id", "=", document.id)
    .executeTakeFirstOrThrow();
  if (upload && current.requirements_text === null) {
    return Response.json({ fileError: t("orders:requirements.confirmFirst") } satisfies ActionData, { status: 400 });
  }
  throw redirect(`/orders/${document.id}/review`);
}

export default function OrderRequirements() {
  const { t } = useTranslation("orders");
  const { t: tReferences } = useTranslation("references");
  const { id, instructions, upload } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const navigation = useNavigation();
  // A file over the limit is named here, before its megabytes are sent (the server refuses it too).
  const [tooLarge, setTooLarge] = useState<string | null>(null);
  const fileError = tooLarge ?? actionData?.fileError;
  const [form, fields] = useForm({
    id: "order-instructions",
    lastResult: actionData?.form as never,
    defaultValue: { instructions },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: orderInstructionsSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <div className="mx-auto max-w-2xl">
      <OrderSteps current="requirements" documentId={id} />
      <h1 className="text-2xl font-bold">{t("requirements.heading")}</h1>
      <p className="mt-2 text-slate-600">
        {t("requirements.intro", { megabytes: MAX_UPLOAD_MEGABYTES, count: DRAFT_FILE_DAYS })}
      </p>

      <section aria-labelledby="file-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="file-heading" className="font-semibold">
          {t("requirements.fileHeading")}
        </h2>
        {upload ? (
          <div className="mt-3 space-y-3">
            <p className="text-sm text-slate-700">
              <strong>{upload.filename}</strong> (
              {t("requirements.kilobytes", { size: Math.max(1, Math.round(upload.sizeBytes / 1024)) })}){" "}
              {upload.confirmed ? <span className="text-emerald-700">{t("requirements.textConfirmed")}</span> : null}
            </p>
            <div>
              <p className="text-sm font-medium">
                {upload.confirmed ? t("requirements.readText") : t("requirements.readTextCheck")}
              </p>
              <pre
                className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap rounded border border-slate-200 bg-slate-50 p-3 text-sm"
                data-testid="extracted-text"
              >
                {upload.text || t("requirements.noText")}
              </pre>
            </div>
            <div className="flex gap-3">
              {!upload.confirmed ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="confirm" />
                  <Button type="submit">{t("requirements.useText")}</Button>
                </Form>
              ) : null}
              <Form method="post">
                <input type="hidden" name="intent" value="remove" />
                <Button type="submit" variant="secondary">
                  {t("requirements.removeFile")}
                </Button>
              </Form>
            </div>
          </div>
        ) : null}
        <Form method="post" encType="multipart/form-data" className="mt-4 flex flex-wrap items-end gap-3">
          <div className="flex-1">
            <label htmlFor="file" className="block text-sm font-medium">
              {upload ? t("requirements.replaceFile") : t("requirements.uploadFile")}
            </label>
            <input
              id="file"
              name="file"
              type="file"
              accept=".pdf,.docx,.txt"
              className="mt-1 block w-full text-sm"
              aria-describedby="file-error"
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                const over = file && file.size > MAX_UPLOAD_BYTES;
                setTooLarge(
                  over ? t("requirements.fileTooLarge", { name: file.name, megabytes: MAX_UPLOAD_MEGABYTES }) : null,
                );
              }}
            />
          </div>
          <Button type="submit" variant="secondary" disabled={navigation.state !== "idle" || tooLarge !== null}>
            {t("requirements.upload")}
          </Button>
        </Form>
        <FieldErrors id="file-error" errors={fileError ? [fileError] : undefined} />
      </section>

      <p className="mt-4 text-sm">
        <Link to={`/orders/${id}/references`} className="text-brand-700 underline">
          {tReferences("import.link")}
        </Link>
      </p>

      <Form method="post" {...getFormProps(form)} className="mt-6 space-y-5">
        <input type="hidden" name="intent" value="continue" />
        <Field
          id={fields.instructions.id}
          label={t("requirements.instructions")}
          errors={fields.instructions.errors}
          hint={t("requirements.instructionsHint")}
        >
          <textarea {...getTextareaProps(fields.instructions)} rows={6} className={inputClass} />
        </Field>
        <div className="flex items-center gap-4">
          <Button type="submit" disabled={navigation.state !== "idle"}>
            {t("requirements.continue")}
          </Button>
          <Link to={`/orders/${id}/details`} className="text-sm text-slate-600 underline">
            {t("back")}
          </Link>
        </div>
      </Form>
    </div>
  );
}
