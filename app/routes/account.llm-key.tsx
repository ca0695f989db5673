import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { message } from "~/i18n/messages";
import { CUSTOMER_LLM_PROVIDERS } from "../../db/schema";
import { deleteLlmKey, getLlmKeySummary, setLlmKeyFallback } from "~/models/customer-llm-keys.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { formatDate } from "~/utils/format";
import { invariantResponse } from "~/utils/invariant";
import { checkAndSaveLlmKey } from "~/utils/llm-key-form.server";
import { readFormData } from "~/utils/request.server";
import { typedText } from "~/utils/schemas";
import { requireUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

const saveKeySchema = z.object({
  intent: z.literal("save"),
  provider: z.enum(CUSTOMER_LLM_PROVIDERS, { error: message("byok:errors.providerRequired") }),
  model: typedText()
    .trim()
    .regex(/^[A-Za-z0-9._:/-]{1,100}$/, message("byok:errors.modelInvalid"))
    .optional(),
  baseUrl: typedText().trim().max(500, message("byok:errors.baseUrlInvalid")).optional(),
  apiKey: typedText({ error: message("byok:errors.apiKeyRequired") })
    .trim()
    .regex(/^\S{8,400}$/, message("byok:errors.apiKeyInvalid")),
  fallback: z.literal("on", { error: message("validation:checkbox") }).optional(),
});
const fallbackSchema = z.object({
  intent: z.literal("fallback"),
  fallback: z.literal("on", { error: message("validation:checkbox") }).optional(),
});
const deleteKeySchema = z.object({
  intent: z.literal("delete"),
  keyId: z.string({ error: message("byok:errors.notFound") }).max(60, message("byok:errors.notFound")),
});
const llmKeyFormSchema = z.discriminatedUnion("intent", [saveKeySchema, fallbackSchema, deleteKeySchema], {
  error: message("byok:errors.unknownIntent"),
});

/** The page exists only where customers may bring their own key (BYOK_ENABLED). */
async function requireByokCustomer(request: Request) {
  const user = await requireUser(request);
  const env = getEnv();
  invariantResponse(env.BYOK_ENABLED, message("byok:disabled"), { status: 404 });
  return { user, env };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, env } = await requireByokCustomer(request);
  const [key, t] = await Promise.all([getLlmKeySummary(getDb(), user.id), getLocale(request).then(translatorFor)]);
  return {
    title: t("byok:title"),
    percent: Math.round(env.BYOK_DISCOUNT * 100),
    defaults: { openai: env.OPENAI_MODEL, anthropic: env.ANTHROPIC_MODEL },
    key: key && {
      id: key.id,
      provider: key.provider,
      model: key.model,
      baseUrl: key.baseUrl,
      last4: key.last4,
      fallbackAllowed: key.fallbackAllowed,
      refusedAt: key.refusedAt?.toISOString() ?? null,
    },
  };
}

/** save: check the key with one cheap call, then keep it sealed; fallback: change that choice; delete: forget it. */
export async function action({ request }: ActionFunctionArgs) {
  const { user } = await requireByokCustomer(request);
  const submission = parseWithZod(await readFormData(request, [saveKeySchema, fallbackSchema, deleteKeySchema]), {
    schema: llmKeyFormSchema,
  });
  if (submission.status !== "success") {
    const intent = submission.error?.intent;
    // The key is never sent back: the form comes back without it.
    const reply = submission.reply({ hideFields: ["apiKey"], ...(intent ? { formErrors: intent } : {}) });
    return Response.json({ result: reply }, { status: 400 });
  }
  const db = getDb();
  const value = submission.value;
  const notFound = () =>
    Response.json({ result: submission.reply({ formErrors: [message("byok:errors.notFound")] }) }, { status: 404 });
  if (value.intent === "delete") {
    if (!(await deleteLlmKey(db, user.id, value.keyId))) return notFound();
    return Response.json({ result: submission.reply({ resetForm: true }), done: "deleted" as const });
  }
  if (value.intent === "fallback") {
    if (!(await setLlmKeyFallback(db, user.id, value.fallback === "on"))) return notFound();
    return Response.json({ result: submission.reply(), done: "fallbackSaved" as const });
  }
  const saved = await checkAndSaveLlmKey(db, user.id, {
    provider: value.provider,
    model: value.model,
    baseUrl: value.baseUrl,
    apiKey: value.apiKey,
    fallbackAllowed: value.fallback === "on",
  });
  if (!saved.ok) {
    const { fieldErrors, formErrors, status } = saved;
    return Response.json({ result: submission.reply({ fieldErrors, formErrors, hideFields: ["apiKey"] }) }, { status });
  }
  return Response.json(
    { result: submission.reply({ resetForm: true }), done: "saved" as const, resumed: saved.resumed },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function LlmKey() {
  const { key, percent, defaults } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const { t } = useTranslation("byok");
  const [form, fields] = useForm({
    id: "save-llm-key",
    lastResult: navigation.state === "idle" ? data?.result : undefined,
    defaultValue: { provider: "openai" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: llmKeyFormSchema }),
    shouldValidate: "onSubmit",
  });
  const done = data && "done" in data ? data.done : undefined;
  const resumed = data && "resumed" in data ? data.resumed : 0;
  return (
    <div className="mx-auto max-w-3xl space-y-8">
      <div>
        <Link to="/account" className="text-sm text-brand-700 underline">
          {t("back")}
        </Link>
        <h1 className="mt-2 text-2xl font-bold">{t("heading")}</h1>
        <p className="mt-2 text-slate-600">{t("intro", { percent })}</p>
      </div>

      {done ? (
        <div role="status" className="rounded-lg border border-green-300 bg-green-50 p-4 text-sm">
          <p>{t(done)}</p>
          {resumed ? <p className="mt-1">{t("resumed")}</p> : null}
        </div>
      ) : null}

      <section aria-labelledby="current-key" className="rounded-lg border border-slate-200 bg-white p-5 text-sm">
        <h2 id="current-key" className="text-lg font-semibold">
          {t("current")}
        </h2>
        {key ? (
          <div className="mt-2 space-y-2">
            <p data-testid="llm-key">
              {t("currentLine", { provider: t(`providers.${key.provider}`), last4: key.last4, model: key.model })}
            </p>
            {key.baseUrl ? <p>{t("currentServer", { url: key.baseUrl })}</p> : null}
            {key.refusedAt ? (
              <p role="alert" className="text-red-700">
                {t("refused", { date: formatDate(key.refusedAt, locale) })}
              </p>
            ) : null}
            <p>{key.fallbackAllowed ? t("fallbackOn") : t("fallbackOff")}</p>
            <Form method="post" className="flex flex-wrap items-center gap-3">
              <label className="flex items-center gap-2">
                <input type="checkbox" name="fallback" defaultChecked={key.fallbackAllowed} />
                {t("fallback")}
              </label>
              <Button type="submit" name="intent" value="fallback" variant="secondary">
                {t("updateFallback")}
              </Button>
            </Form>
            <Form method="post">
              <input type="hidden" name="keyId" value={key.id} />
              <Button type="submit" name="intent" value="delete" variant="danger">
                {t("delete")}
              </Button>
            </Form>
          </div>
        ) : (
          <p className="mt-2 text-slate-600">{t("empty")}</p>
        )}
      </section>

      <Form method="post" {...getFormProps(form)} className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="text-lg font-semibold">{key ? t("replace") : t("save")}</h2>
        <FieldErrors id={`${form.id}-form-error`} errors={form.errors} />
        <Field id={fields.provider.id} label={t("provider")} errors={fields.provider.errors}>
          <select {...getSelectProps(fields.provider)} className={inputClass}>
            {CUSTOMER_LLM_PROVIDERS.map((provider) => (
              <option key={provider} value={provider}>
                {t(`providers.${provider}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id={fields.model.id} label={t("model")} hint={t("modelHint", defaults)} errors={fields.model.errors}>
          <input {...getInputProps(fields.model, { type: "text" })} className={inputClass} autoComplete="off" />
        </Field>
        <Field id={fields.baseUrl.id} label={t("baseUrl")} hint={t("baseUrlHint")} errors={fields.baseUrl.errors}>
          <input {...getInputProps(fields.baseUrl, { type: "url" })} className={inputClass} autoComplete="off" />
        </Field>
        <Field id={fields.apiKey.id} label={t("apiKey")} hint={t("apiKeyHint")} errors={fields.apiKey.errors}>
          <input
            {...getInputProps(fields.apiKey, { type: "password" })}
            className={`${inputClass} font-mono`}
            autoComplete="off"
          />
        </Field>
        <div>
          <label className="flex items-center gap-2 text-sm">
            <input {...getInputProps(fields.fallback, { type: "checkbox" })} />
            {t("fallback")}
          </label>
          <FieldErrors id={`${fields.fallback.id}-error`} errors={fields.fallback.errors} />
        </div>
        <Button type="submit" name="intent" value="save" disabled={navigation.state === "submitting"}>
          {t("save")}
        </Button>
      </Form>
    </div>
  );
}
