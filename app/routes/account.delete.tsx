import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { message } from "~/i18n/messages";
import { deleteAccount } from "~/models/account-deletion.server";
import { getDb } from "~/utils/db.server";
import { readFormData, requestOrigin, type AppLoadContext } from "~/utils/request.server";
import { destroySessionCookie, requireUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

const MISMATCH = message("account:delete.mismatch");

// One schema for the browser and the action; it needs the email the customer must retype.
function confirmDeletionSchema(email: string) {
  const expected = email.trim().toLowerCase();
  return z.object({
    email: z
      .string({ error: MISMATCH })
      .trim()
      .refine((typed) => typed.toLowerCase() === expected, MISMATCH),
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  // Consent or not, a person may always delete their account.
  const user = await requireUser(request, { allowWithoutConsent: true });
  const t = await translatorFor(await getLocale(request));
  return { title: t("account:delete.title"), email: user.email };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, { allowWithoutConsent: true });
  const schema = confirmDeletionSchema(user.email);
  const submission = parseWithZod(await readFormData(request, schema), { schema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  await deleteAccount(getDb(), user.id, requestOrigin(request, context as AppLoadContext));
  return redirect("/?deleted=1", { headers: { "Set-Cookie": await destroySessionCookie(request) } });
}

export default function DeleteAccount() {
  const { email } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "delete-account",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: confirmDeletionSchema(email) }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const { t } = useTranslation("account");
  return (
    <div className="mx-auto max-w-xl">
      <Link to="/account" className="text-sm text-brand-700 underline">
        {t("delete.back")}
      </Link>
      <h1 className="mt-2 text-2xl font-bold">{t("delete.heading")}</h1>
      <p className="mt-2 text-slate-600">
        <Trans
          t={t}
          i18nKey="delete.intro"
          components={{
            download: <a href="/account/export" download className="font-semibold text-brand-700 underline" />,
          }}
        />
      </p>

      <div className="mt-6 space-y-4 rounded-lg border border-slate-200 bg-white p-5 text-sm">
        <div>
          <h2 className="font-semibold">{t("delete.whatWeDelete")}</h2>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-slate-700">
            <li>{t("delete.deleted.identity")}</li>
            <li>{t("delete.deleted.sessions")}</li>
            <li>{t("delete.deleted.orders")}</li>
            <li>{t("delete.deleted.files")}</li>
          </ul>
        </div>
        <div>
          <h2 className="font-semibold">{t("delete.undeliveredHeading")}</h2>
          <p className="mt-2 text-slate-700">{t("delete.undelivered")}</p>
        </div>
        <div>
          <h2 className="font-semibold">{t("delete.keptHeading")}</h2>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-slate-700">
            <li>{t("delete.kept.payments")}</li>
            <li>{t("delete.kept.consents")}</li>
          </ul>
          <p className="mt-2 text-slate-600">{t("delete.keptNote")}</p>
        </div>
      </div>

      <Form method="post" {...getFormProps(form)} className="mt-6 space-y-4">
        <Field id={fields.email.id} label={t("delete.confirmLabel", { email })} errors={fields.email.errors}>
          <input
            {...getInputProps(fields.email, { type: "text" })}
            className={inputClass}
            inputMode="email"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
          />
        </Field>
        <FieldErrors id={form.errorId} errors={form.errors} />
        <Button type="submit" variant="danger" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? t("delete.deleting") : t("delete.submit")}
        </Button>
      </Form>
    </div>
  );
}
