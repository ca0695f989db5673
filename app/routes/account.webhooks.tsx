import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { Button } from "~/components/ui/button";
import { ItemList } from "~/components/ui/item-list";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";
import { ShownOnce } from "~/components/ui/shown-once";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { message } from "~/i18n/messages";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  MAX_ENDPOINTS,
  setWebhookEndpointEnabled,
} from "~/models/webhook-endpoints.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { formatDateTime } from "~/utils/format";
import { assertPublicUrl, RefusedUrlError } from "~/utils/public-address.server";
import { readFormData } from "~/utils/request.server";
import { requireUser } from "~/utils/session-cookie.server";
import {
  changeEndpointSchema,
  createEndpointSchema,
  endpointFormSchema,
  eventKey,
  WEBHOOK_EVENT_TYPES,
} from "~/utils/webhook-schemas";

export const handle = { i18n: ["webhooks"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [endpoints, t] = await Promise.all([
    listWebhookEndpoints(getDb(), user.id),
    getLocale(request).then(translatorFor),
  ]);
  return {
    title: t("webhooks:title"),
    max: MAX_ENDPOINTS,
    endpoints: endpoints.map((e) => ({
      id: e.id,
      url: e.url,
      events: e.events,
      disabled: e.disabled_at !== null,
      last: e.last_at ? { type: e.last_type!, state: e.last_state!, at: e.last_at.toISOString() } : null,
    })),
  };
}

const REFUSED_URL_MESSAGES = {
  invalid: "webhooks:errors.urlInvalid",
  private: "webhooks:errors.urlPrivate",
  unresolvable: "webhooks:errors.urlUnresolvable",
} as const;

/** create: a new endpoint and its secret, shown in this answer only; disable, enable, delete: one of the account's. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await readFormData(request, [createEndpointSchema, changeEndpointSchema]), {
    schema: endpointFormSchema,
  });
  if (submission.status !== "success") {
    const intent = submission.error?.intent;
    return Response.json({ result: submission.reply(intent ? { formErrors: intent } : undefined) }, { status: 400 });
  }
  const db = getDb();
  const value = submission.value;
  if (value.intent !== "create") {
    const done =
      value.intent === "delete"
        ? await deleteWebhookEndpoint(db, user.id, value.endpointId)
        : await setWebhookEndpointEnabled(db, user.id, value.endpointId, value.intent === "enable");
    if (!done)
      return Response.json(
        { result: submission.reply({ formErrors: [message("webhooks:errors.unknownEndpoint")] }) },
        { status: 404 },
      );
    return Response.json({ result: submission.reply({ resetForm: true }) });
  }
  const env = getEnv();
  const urlError = (key: string) =>
    Response.json({ result: submission.reply({ fieldErrors: { url: [message(key)] } }) }, { status: 400 });
  if (env.isProduction && !value.url.toLowerCase().startsWith("https://"))
    return urlError("webhooks:errors.httpsRequired");
  try {
    await assertPublicUrl(value.url, { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE_URLS });
  } catch (error) {
    if (error instanceof RefusedUrlError) return urlError(REFUSED_URL_MESSAGES[error.reason]);
    throw error;
  }
  const created = await createWebhookEndpoint(db, user.id, value);
  if (!created)
    return Response.json(
      { result: submission.reply({ formErrors: [message("webhooks:errors.tooMany", { max: MAX_ENDPOINTS })] }) },
      { status: 409 },
    );
  // Shown once: never sent again.
  return Response.json(
    { result: submission.reply({ resetForm: true }), created: { url: value.url, secret: created.secret } },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function Webhooks() {
  const { endpoints, max } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const { t } = useTranslation("webhooks");
  const [form, fields] = useForm({
    id: "create-webhook",
    lastResult: navigation.state === "idle" ? data?.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: endpointFormSchema }),
    shouldValidate: "onSubmit",
  });
  const created = data && "created" in data ? data.created : undefined;
  return (
    <div className="mx-auto max-w-3xl space-y-8">
      <div>
        <Link to="/account" className="text-sm text-brand-700 underline">
          {t("back")}
        </Link>
        <h1 className="mt-2 text-2xl font-bold">{t("heading")}</h1>
        <p className="mt-2 text-slate-600">{t("intro")}</p>
      </div>

      {created ? (
        <ShownOnce
          id="new-webhook-secret"
          title={t("createdTitle", { url: created.url })}
          note={t("createdOnce")}
          label={t("secretLabel")}
          value={created.secret}
        />
      ) : null}

      <Form method="post" {...getFormProps(form)} className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="text-lg font-semibold">{t("createHeading")}</h2>
        <FieldErrors id={`${form.id}-form-error`} errors={form.errors} />
        <Field id={fields.url.id} label={t("url")} hint={t("urlHint")} errors={fields.url.errors}>
          <input
            {...getInputProps(fields.url, { type: "url" })}
            className={inputClass}
            autoComplete="off"
            placeholder="https://"
          />
        </Field>
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">{t("events")}</legend>
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label key={type} className="mt-1 flex items-center gap-2 text-sm">
              <input type="checkbox" name={fields.events.name} value={type} defaultChecked />
              <code>{type}</code> — {t(`eventText.${eventKey(type)}`)}
            </label>
          ))}
          <FieldErrors id={`${fields.events.id}-error`} errors={Object.values(fields.events.allErrors).flat()} />
        </fieldset>
        <p className="text-xs text-slate-500">{t("limit", { max })}</p>
        <Button type="submit" name="intent" value="create" disabled={navigation.state === "submitting"}>
          {t("create")}
        </Button>
      </Form>

      <ItemList id="endpoints-heading" heading={t("listHeading")} empty={t("empty")} items={endpoints}>
        {(endpoint) => (
          <li key={endpoint.id} className="space-y-2 p-4 text-sm">
            <p className="font-semibold break-all">
              {endpoint.url}
              {endpoint.disabled ? <span className="ml-2 text-red-700">{t("disabled")}</span> : null}
            </p>
            <p className="text-slate-600">{endpoint.events.join(", ")}</p>
            <p className="text-slate-600">
              {endpoint.last
                ? t("lastDelivery", {
                    event: endpoint.last.type,
                    state: t(`state.${endpoint.last.state}`),
                    date: formatDateTime(endpoint.last.at, locale),
                  })
                : t("noDeliveries")}
            </p>
            <div className="flex flex-wrap items-center gap-3">
              <Link to={`/account/webhooks/${endpoint.id}`} className="font-semibold text-brand-700 underline">
                {t("log")}
              </Link>
              <Form method="post">
                <input type="hidden" name="endpointId" value={endpoint.id} />
                <Button
                  type="submit"
                  name="intent"
                  value={endpoint.disabled ? "enable" : "disable"}
                  variant="secondary"
                >
                  {endpoint.disabled ? t("enable") : t("disable")}
                </Button>
              </Form>
              <Form method="post">
                <input type="hidden" name="endpointId" value={endpoint.id} />
                <Button type="submit" name="intent" value="delete" variant="danger">
                  {t("delete")}
                </Button>
              </Form>
            </div>
          </li>
        )}
      </ItemList>
    </div>
  );
}
