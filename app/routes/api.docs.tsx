import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { IDEMPOTENCY_KEEP_HOURS } from "~/models/idempotency-keys.server";
import { apiReference, type ReferenceField } from "~/utils/api-reference.server";
import { getEnv } from "~/utils/env.server";
import { openApiDocument } from "~/utils/openapi.server";

export const handle = { i18n: ["apiDocs"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** /api/docs: the API reference, rendered here from the OpenAPI document (no script from another site). */
export async function loader({ request }: LoaderFunctionArgs) {
  const env = getEnv();
  const limits = { perKey: env.API_RATE_LIMIT_PER_MINUTE, perAccount: env.API_ACCOUNT_RATE_LIMIT_PER_MINUTE };
  const t = await translatorFor(await getLocale(request));
  return {
    title: t("apiDocs:title"),
    limits,
    keepHours: IDEMPOTENCY_KEEP_HOURS,
    ...apiReference(openApiDocument(env.APP_URL, limits)),
  };
}

const ERROR_EXAMPLE = `{ "error": { "code": "invalid_body", "message": "…", "fields": { "pages": ["…"] } } }`;

function FieldTable({
  fields,
  caption,
  withPlace,
}: {
  fields: (ReferenceField & { in?: string })[];
  caption: string;
  withPlace?: boolean;
}) {
  const { t } = useTranslation("apiDocs");
  return (
    // A table wider than a phone scrolls by itself; the page does not.
    <div className="mt-2 overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="text-slate-500">
          <tr>
            <th className="py-1 pr-3 font-medium">{t("field")}</th>
            {withPlace ? <th className="py-1 pr-3 font-medium">{t("place")}</th> : null}
            <th className="py-1 pr-3 font-medium">{t("type")}</th>
            <th className="py-1 pr-3 font-medium">{t("required")}</th>
            <th className="py-1 font-medium">{t("description")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {fields.map((field) => (
            <tr key={field.name}>
              <td className="py-1 pr-3 font-mono">{field.name}</td>
              {withPlace ? <td className="py-1 pr-3">{field.in}</td> : null}
              <td className="py-1 pr-3 font-mono text-xs">{field.type}</td>
              <td className="py-1 pr-3">{field.required ? t("yes") : t("no")}</td>
              <td className="py-1">{field.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Section({
  id,
  heading,
  wide,
  children,
}: {
  id: string;
  heading: string;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-heading`} className={wide ? "space-y-6" : "space-y-2"}>
      <h2 id={`${id}-heading`} className="text-xl font-semibold">
        {heading}
      </h2>
      {children}
    </section>
  );
}

export default function ApiDocs() {
  const { t } = useTranslation("apiDocs");
  const { limits, keepHours, base, operations, objects } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-4xl space-y-10">
      <header>
        <h1 className="text-2xl font-bold">{t("heading")}</h1>
        <p className="mt-2 text-slate-600">{t("intro")}</p>
        <p className="mt-2 text-sm">
          {t("machineReadable")}{" "}
          <a href="/api/v1/openapi.json" className="font-mono text-brand-700 underline">
            /api/v1/openapi.json
          </a>{" "}
          (OpenAPI 3.1)
        </p>
        <p className="mt-2 text-sm">
          {t("base")} <code className="rounded bg-slate-100 px-1">{base}</code>
        </p>
      </header>

      <Section id="auth" heading={t("authHeading")}>
        <p>{t("auth")}</p>
        <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-sm text-slate-100">
          Authorization: Bearer tsg_…
        </pre>
        <p>
          <Link to="/account/api-keys" className="text-brand-700 underline">
            {t("keysLink")}
          </Link>
        </p>
      </Section>

      <Section id="limits" heading={t("limitsHeading")}>
        <p>{t("limits", limits)}</p>
      </Section>

      <Section id="idempotency" heading={t("idempotencyHeading")}>
        <p>{t("idempotency", { hours: keepHours })}</p>
      </Section>

      <Section id="errors" heading={t("errorsHeading")}>
        <p>{t("errors")}</p>
        <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-sm text-slate-100">{ERROR_EXAMPLE}</pre>
      </Section>

      <Section id="operations" heading={t("operationsHeading")} wide>
        {operations.map((operation) => (
          <article key={operation.id} id={operation.id} className="rounded-lg border border-slate-200 bg-white p-5">
            <h3 className="break-all font-mono text-lg font-semibold">
              <span className="mr-2 rounded bg-brand-50 px-2 py-0.5 text-brand-900">{operation.method}</span>
              {operation.path}
            </h3>
            <p className="mt-1 font-medium">{operation.summary}</p>
            {operation.description ? <p className="mt-1 text-sm text-slate-600">{operation.description}</p> : null}
            {operation.scope ? (
              <p className="mt-2 text-sm">
                {t("scope")} <code className="rounded bg-slate-100 px-1">{operation.scope}</code>
              </p>
            ) : null}
            {operation.parameters.length ? (
              <div className="mt-4">
                <h4 className="font-semibold">{t("parameters")}</h4>
                <FieldTable fields={operation.parameters} caption={t("parameters")} withPlace />
              </div>
            ) : null}
            {operation.body ? (
              <div className="mt-4">
                <h4 className="font-semibold">
                  {t("body")} <code className="text-sm font-normal">{operation.body.contentType}</code>
                </h4>
                <FieldTable fields={operation.body.fields} caption={t("body")} />
              </div>
            ) : null}
            <div className="mt-4">
              <h4 className="font-semibold">{t("responses")}</h4>
              <ul className="mt-1 space-y-1 text-sm">
                {operation.responses.map((response) => (
                  <li key={response.status}>
                    <code className="font-semibold">{response.status}</code>{" "}
                    {response.type ? <code className="text-xs">{response.type}</code> : null} — {response.description}
                  </li>
                ))}
              </ul>
            </div>
            <div className="mt-4">
              <h4 className="font-semibold">{t("example")}</h4>
              <pre className="mt-1 overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
                {operation.curl}
              </pre>
            </div>
          </article>
        ))}
      </Section>

      <Section id="objects" heading={t("objectsHeading")} wide>
        {objects.map((object) => (
          <article
            key={object.name}
            id={`object-${object.name}`}
            className="rounded-lg border border-slate-200 bg-white p-5"
          >
            <h3 className="break-all font-mono text-lg font-semibold">{object.name}</h3>
            <FieldTable fields={object.fields} caption={object.name} />
          </article>
        ))}
      </Section>
    </div>
  );
}
