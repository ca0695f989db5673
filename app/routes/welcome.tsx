import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { Button } from "~/components/ui/button";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { hasEssentialConsent, recordConsents, setUserName } from "~/models/users.server";
import { getDb } from "~/utils/db.server";
import { readFormData, requestOrigin, safeRedirectPath, type AppLoadContext } from "~/utils/request.server";
import { consentSchema } from "~/utils/schemas";
import { requireUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { allowWithoutConsent: true });
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"));
  if (await hasEssentialConsent(getDb(), user.id)) throw redirect(redirectTo);
  const t = await translatorFor(await getLocale(request));
  return { title: t("auth:welcome.title"), email: user.email, redirectTo };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, { allowWithoutConsent: true });
  const formData = await readFormData(request, consentSchema);
  const submission = parseWithZod(formData, { schema: consentSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  const { analytics, marketing, name } = submission.value;
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await recordConsents(
        trx,
        user.id,
        { essential: true, analytics: analytics === "on", marketing: marketing === "on" },
        requestOrigin(request, context as AppLoadContext),
      );
      if (name) await setUserName(trx, user.id, name);
    });
  throw redirect(safeRedirectPath(formData.get("redirectTo")));
}

export default function Welcome() {
  const { email, redirectTo } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "consent",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: consentSchema }),
    shouldValidate: "onSubmit",
  });
  const { t } = useTranslation("auth");
  const checkbox = "mt-1 h-4 w-4 rounded border-slate-300 text-brand-600";
  return (
    <div className="mx-auto max-w-xl">
      <h1 className="text-2xl font-bold">{t("welcome.heading")}</h1>
      <p className="mt-2 text-slate-600">
        <Trans t={t} i18nKey="welcome.intro" values={{ email }} components={{ strong: <strong /> }} />
      </p>
      <Form method="post" {...getFormProps(form)} className="mt-6 space-y-5">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field id={fields.name.id} label={t("welcome.name")} errors={fields.name.errors}>
          <input {...getInputProps(fields.name, { type: "text" })} className={inputClass} autoComplete="name" />
        </Field>
        <fieldset className="space-y-4 rounded-md border border-slate-200 bg-white p-4">
          <legend className="px-1 text-sm font-semibold">{t("welcome.privacy")}</legend>
          <div>
            <label className="flex gap-3">
              <input {...getInputProps(fields.essential, { type: "checkbox" })} className={checkbox} />
              <span>
                <strong>{t("welcome.essentialTitle")}</strong> {t("welcome.essential")}
              </span>
            </label>
            <FieldErrors id={fields.essential.errorId} errors={fields.essential.errors} />
          </div>
          <div>
            <label className="flex gap-3">
              <input {...getInputProps(fields.analytics, { type: "checkbox" })} className={checkbox} />
              <span>
                <strong>{t("welcome.analyticsTitle")}</strong> {t("welcome.analytics")}
              </span>
            </label>
            <FieldErrors id={fields.analytics.errorId} errors={fields.analytics.errors} />
          </div>
          <div>
            <label className="flex gap-3">
              <input {...getInputProps(fields.marketing, { type: "checkbox" })} className={checkbox} />
              <span>
                <strong>{t("welcome.marketingTitle")}</strong> {t("welcome.marketing")}
              </span>
            </label>
            <FieldErrors id={fields.marketing.errorId} errors={fields.marketing.errors} />
          </div>
        </fieldset>
        <Button type="submit">{t("welcome.continue")}</Button>
      </Form>
    </div>
  );
}
