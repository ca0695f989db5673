import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { AccountLanguageForm, accountLanguageSchema } from "~/components/account-language-form";
import { Score } from "~/components/score";
import { OfflineDemoBadge, StatusBadge } from "~/components/status-badge";
import { citationStyleText, kindText } from "~/i18n/catalog-labels";
import { getLocale, languageCookieHeader, translatorFor } from "~/i18n/i18n.server";
import { listAccountDocuments, listAccountPayments } from "~/models/account.server";
import { setUserLocale } from "~/models/users.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { formatDate } from "~/utils/format";
import { formatMoney } from "~/utils/pricing";
import { readFormData } from "~/utils/request.server";
import { requireUser } from "~/utils/session-cookie.server";

export const handle = { i18n: ["webhooks"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const [documents, payments, t] = await Promise.all([
    listAccountDocuments(db, user.id),
    listAccountPayments(db, user.id),
    getLocale(request).then(translatorFor),
  ]);
  return {
    title: t("account:title"),
    user: { email: user.email, name: user.name },
    byokEnabled: getEnv().BYOK_ENABLED,
    documents: documents.map((d) => ({
      id: d.id,
      topic: d.topic,
      kind: d.kind,
      status: d.status,
      pages: d.pages,
      citationStyle: d.citation_style,
      scores: { uniqueness: d.score_uniqueness, grammar: d.score_grammar, ai: d.score_ai },
      offlineDemo: d.offline_demo,
      href: d.status === "awaiting_payment" ? `/orders/${d.id}/review` : `/documents/${d.id}`,
    })),
    payments: payments.map((p) => ({
      id: p.id,
      date: p.created_at.toISOString(),
      topic: p.topic,
      amountCents: p.amount_cents,
      refundedCents: p.refunded_cents,
      currency: p.currency,
      provider: p.provider,
      status: p.status,
    })),
  };
}

/** The interface language: the account's setting and this browser's cookie, then the page again, in it. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await readFormData(request, accountLanguageSchema), {
    schema: accountLanguageSchema,
  });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  await setUserLocale(getDb(), user.id, submission.value.lng);
  return redirect("/account", { headers: { "Set-Cookie": languageCookieHeader(submission.value.lng) } });
}

const PROVIDERS = ["stripe", "dev"] as const;
const PAYMENT_STATUSES = ["pending", "succeeded", "failed", "expired", "refunded", "partially_refunded"] as const;

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

const th = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500";
const td = "px-3 py-2 align-top";

export default function Account() {
  const { user, documents, payments, byokEnabled } = useLoaderData<typeof loader>();
  const { t: tByok } = useTranslation("byok");
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation(["account", "catalog"]);
  const { t: tWebhooks } = useTranslation("webhooks");
  const locale = useLocale();
  return (
    <div className="space-y-10">
      <section aria-labelledby="account-heading">
        <h1 id="account-heading" className="text-2xl font-bold">
          {t("heading")}
        </h1>
        <dl className="mt-4 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="text-slate-500">{t("email")}</dt>
          <dd className="font-medium">{user.email}</dd>
          <dt className="text-slate-500">{t("name")}</dt>
          <dd className="font-medium">{user.name ?? <span className="text-slate-400">{t("notGiven")}</span>}</dd>
        </dl>
        <AccountLanguageForm lastResult={lastResult} />
      </section>

      <section aria-labelledby="documents-heading">
        <h2 id="documents-heading" className="text-lg font-semibold">
          {t("documents.heading")}
        </h2>
        {documents.length === 0 ? (
          <div className="mt-4 rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
            <p className="font-semibold">{t("documents.emptyTitle")}</p>
            <p className="mt-1 text-sm text-slate-600">{t("documents.emptyText")}</p>
            <Link to="/orders/new" className="mt-3 inline-block font-semibold text-brand-700 underline">
              {t("documents.orderFirst")}
            </Link>
          </div>
        ) : (
          <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={th}>
                    {t("documents.topic")}
                  </th>
                  <th scope="col" className={th}>
                    {t("documents.kind")}
                  </th>
                  <th scope="col" className={th}>
                    {t("documents.status")}
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    {t("documents.pages")}
                  </th>
                  <th scope="col" className={th}>
                    {t("documents.citationStyle")}
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    {t("documents.uniqueness")}
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    <abbr title={t("documents.grammarTitle")} className="no-underline">
                      {t("documents.grammar")}
                    </abbr>
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    {t("documents.ai")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {documents.map((d) => (
                  <tr key={d.id}>
                    <td className={`${td} max-w-xs`}>
                      <Link to={d.href} className="font-medium text-brand-700 underline">
                        {d.topic}
                      </Link>
                      {d.offlineDemo ? (
                        <span className="ml-2">
                          <OfflineDemoBadge />
                        </span>
                      ) : null}
                    </td>
                    <td className={td}>{kindText(t, d.kind)}</td>
                    <td className={td}>
                      <StatusBadge status={d.status} />
                    </td>
                    <td className={`${td} text-right tabular-nums`}>{d.pages}</td>
                    <td className={td}>{citationStyleText(t, d.citationStyle)}</td>
                    <td className={`${td} text-right tabular-nums`}>
                      <Score kind="uniqueness" value={d.scores.uniqueness} />
                    </td>
                    <td className={`${td} text-right tabular-nums`}>
                      <Score kind="grammar" value={d.scores.grammar} />
                    </td>
                    <td className={`${td} text-right tabular-nums`}>
                      <Score kind="ai" value={d.scores.ai} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="mt-2 text-xs text-slate-500">{t("documents.notAvailable")}</p>
      </section>

      <section aria-labelledby="payments-heading">
        <h2 id="payments-heading" className="text-lg font-semibold">
          {t("payments.heading")}
        </h2>
        {payments.length === 0 ? (
          <p className="mt-4 text-sm text-slate-600">{t("payments.empty")}</p>
        ) : (
          <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={th}>
                    {t("payments.date")}
                  </th>
                  <th scope="col" className={th}>
                    {t("payments.document")}
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    {t("payments.amount")}
                  </th>
                  <th scope="col" className={th}>
                    {t("payments.method")}
                  </th>
                  <th scope="col" className={th}>
                    {t("payments.status")}
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    {t("payments.refunded")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {payments.map((p) => (
                  <tr key={p.id}>
                    <td className={`${td} whitespace-nowrap`}>
                      <time dateTime={p.date}>{formatDate(p.date, locale)}</time>
                    </td>
                    <td className={`${td} max-w-xs`}>{p.topic}</td>
                    <td className={`${td} text-right tabular-nums`}>
                      {formatMoney(p.amountCents, p.currency, locale)}
                    </td>
                    <td className={td}>
                      {isOneOf(PROVIDERS, p.provider) ? t(`payments.providers.${p.provider}`) : p.provider}
                    </td>
                    <td className={td}>
                      {isOneOf(PAYMENT_STATUSES, p.status) ? t(`payments.statuses.${p.status}`) : p.status}
                    </td>
                    <td className={`${td} text-right tabular-nums`}>
                      {p.refundedCents > 0 ? (
                        formatMoney(p.refundedCents, p.currency, locale)
                      ) : (
                        <span className="text-slate-400">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <p className="text-sm">
        <Link to="/account/api-keys" className="font-semibold text-brand-700 underline">
          {t("apiKeys.link")}
        </Link>{" "}
        <span className="text-slate-600">{t("apiKeys.intro")}</span>
      </p>
      {byokEnabled ? (
        <p className="text-sm">
          <Link to="/account/llm-key" className="font-semibold text-brand-700 underline">
            {tByok("account.link")}
          </Link>{" "}
          <span className="text-slate-600">{tByok("account.linkHint")}</span>
        </p>
      ) : null}
      <p className="text-sm">
        <Link to="/account/webhooks" className="font-semibold text-brand-700 underline">
          {tWebhooks("link")}
        </Link>{" "}
        <span className="text-slate-600">{tWebhooks("linkIntro")}</span>
      </p>

      <section aria-labelledby="data-heading" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="data-heading" className="text-lg font-semibold">
          {t("data.heading")}
        </h2>
        <ul className="mt-3 space-y-2 text-sm">
          <li>
            <a href="/account/export" download className="font-semibold text-brand-700 underline">
              {t("data.download")}
            </a>
            <span className="text-slate-600"> {t("data.downloadNote")}</span>
          </li>
          <li>
            <Link to="/account/delete" className="font-semibold text-red-700 underline">
              {t("data.delete")}
            </Link>
            <span className="text-slate-600"> {t("data.deleteNote")}</span>
          </li>
        </ul>
      </section>
    </div>
  );
}
