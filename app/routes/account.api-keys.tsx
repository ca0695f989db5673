import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { ItemList } from "~/components/ui/item-list";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";
import { ShownOnce } from "~/components/ui/shown-once";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { message } from "~/i18n/messages";
import { createApiKey, listApiKeys, MAX_KEYS, revokeApiKey } from "~/models/api-keys.server";
import { API_SCOPES } from "~/utils/api-scopes";
import { getDb } from "~/utils/db.server";
import { formatDate, formatDateTime } from "~/utils/format";
import { readFormData } from "~/utils/request.server";
import { typedText } from "~/utils/schemas";
import { requireUser } from "~/utils/session-cookie.server";

export const handle = { i18n: ["webhooks"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

const createKeySchema = z.object({
  intent: z.literal("create"),
  name: typedText({ error: message("account:apiKeys.nameRequired") })
    .trim()
    .min(1, message("account:apiKeys.nameRequired"))
    .max(60, message("validation:maxLength", { max: 60 })),
  scopes: z
    .array(z.enum(API_SCOPES, { error: message("account:apiKeys.scopeUnknown") }), {
      error: message("account:apiKeys.scopeRequired"),
    })
    .min(1, message("account:apiKeys.scopeRequired")),
});
const revokeKeySchema = z.object({
  intent: z.literal("revoke"),
  keyId: z.string({ error: message("account:apiKeys.unknownKey") }).max(60, message("account:apiKeys.unknownKey")),
});
const apiKeyFormSchema = z.discriminatedUnion("intent", [createKeySchema, revokeKeySchema], {
  error: message("account:apiKeys.unknownIntent"),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [keys, t] = await Promise.all([listApiKeys(getDb(), user.id), getLocale(request).then(translatorFor)]);
  return {
    title: t("account:apiKeys.title"),
    keys: keys.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      scopes: k.scopes,
      createdAt: k.created_at.toISOString(),
      lastUsedAt: k.last_used_at?.toISOString() ?? null,
      revoked: k.revoked_at !== null,
    })),
  };
}

/** create: a new key, returned in this answer only; revoke: one of the customer's keys stops working for good. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await readFormData(request, [createKeySchema, revokeKeySchema]), {
    schema: apiKeyFormSchema,
  });
  if (submission.status !== "success") {
    // An unknown intent belongs to no field: said above the form.
    const intent = submission.error?.intent;
    return Response.json({ result: submission.reply(intent ? { formErrors: intent } : undefined) }, { status: 400 });
  }
  const db = getDb();
  if (submission.value.intent === "revoke") {
    if (!(await revokeApiKey(db, user.id, submission.value.keyId)))
      return Response.json(
        { result: submission.reply({ formErrors: [message("account:apiKeys.unknownKey")] }) },
        { status: 404 },
      );
    return Response.json({ result: submission.reply({ resetForm: true }), revoked: true });
  }
  const created = await createApiKey(db, user.id, submission.value);
  if (!created)
    return Response.json(
      { result: submission.reply({ formErrors: [message("account:apiKeys.tooMany", { max: MAX_KEYS })] }) },
      { status: 409 },
    );
  // Shown once: never stored, never sent again.
  return Response.json(
    { result: submission.reply({ resetForm: true }), created: { key: created.key, name: submission.value.name } },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function ApiKeys() {
  const { keys } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const { t } = useTranslation("account");
  const { t: tWebhooks } = useTranslation("webhooks");
  const [form, fields] = useForm({
    id: "create-api-key",
    lastResult: navigation.state === "idle" ? data?.result : undefined,
    defaultValue: { scopes: ["orders:read", "orders:write"] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: apiKeyFormSchema }),
    shouldValidate: "onSubmit",
  });
  const created = data && "created" in data ? data.created : undefined;
  // What a refused form sent as scopes: one value, several, or (from a forged body such as `scopes.x=…`) an object.
  const sentBack: unknown = fields.scopes.initialValue;
  return (
    <div className="mx-auto max-w-3xl space-y-8">
      <div>
        <Link to="/account" className="text-sm text-brand-700 underline">
          {t("apiKeys.back")}
        </Link>
        <h1 className="mt-2 text-2xl font-bold">{t("apiKeys.heading")}</h1>
        <p className="mt-2 text-slate-600">{t("apiKeys.intro")}</p>
        <p className="mt-2 text-sm">
          <Link to="/account/webhooks" className="font-semibold text-brand-700 underline">
            {tWebhooks("link")}
          </Link>{" "}
          <span className="text-slate-600">{tWebhooks("linkIntro")}</span>
        </p>
      </div>

      {created ? (
        <ShownOnce
          id="new-api-key"
          title={t("apiKeys.createdTitle", { name: created.name })}
          note={t("apiKeys.createdOnce")}
          label={t("apiKeys.newKeyLabel")}
          value={created.key}
        />
      ) : null}

      <Form method="post" {...getFormProps(form)} className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="text-lg font-semibold">{t("apiKeys.createHeading")}</h2>
        <FieldErrors id={`${form.id}-form-error`} errors={form.errors} />
        <Field id={fields.name.id} label={t("apiKeys.name")} hint={t("apiKeys.nameHint")} errors={fields.name.errors}>
          <input {...getInputProps(fields.name, { type: "text" })} className={inputClass} autoComplete="off" />
        </Field>
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">{t("apiKeys.scopes")}</legend>
          {API_SCOPES.map((scope) => (
            <label key={scope} className="mt-1 flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name={fields.scopes.name}
                value={scope}
                defaultChecked={sentBack === undefined || [sentBack].flat().includes(scope)}
              />
              <code>{scope}</code> — {t(`apiKeys.scope.${scope === "orders:read" ? "read" : "write"}`)}
            </label>
          ))}
          <FieldErrors id={`${fields.scopes.id}-error`} errors={Object.values(fields.scopes.allErrors).flat()} />
        </fieldset>
        <Button type="submit" name="intent" value="create" disabled={navigation.state === "submitting"}>
          {t("apiKeys.create")}
        </Button>
      </Form>

      <ItemList id="keys-heading" heading={t("apiKeys.listHeading")} empty={t("apiKeys.empty")} items={keys}>
        {(key) => (
          <li key={key.id} className="flex flex-wrap items-center justify-between gap-3 p-4 text-sm">
            <div>
              <p className="font-semibold">
                {key.name} <code className="ml-1 rounded bg-slate-100 px-1 font-normal">{key.prefix}…</code>
                {key.revoked ? <span className="ml-2 text-red-700">{t("apiKeys.revoked")}</span> : null}
              </p>
              <p className="text-slate-600">
                {key.scopes.join(", ")} · {t("apiKeys.created", { date: formatDate(key.createdAt, locale) })} ·{" "}
                {key.lastUsedAt
                  ? t("apiKeys.lastUsed", { date: formatDateTime(key.lastUsedAt, locale) })
                  : t("apiKeys.neverUsed")}
              </p>
            </div>
            {key.revoked ? null : (
              <Form method="post">
                <input type="hidden" name="keyId" value={key.id} />
                <Button type="submit" name="intent" value="revoke" variant="danger">
                  {t("apiKeys.revoke")}
                  <span className="sr-only"> {key.name}</span>
                </Button>
              </Form>
            )}
          </li>
        )}
      </ItemList>
    </div>
  );
}
