import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { Button } from "~/components/ui/button";
import { FieldErrors, inputClass } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { recordAudit } from "~/models/audit-log.server";
import { forceBreaker, listBreakers, resetBreaker, type BreakerView } from "~/models/provider-breakers.server";
import {
  heaviestUsersToday,
  nextUtcMidnight,
  ordersWaitingForBudget,
  tokensUsedToday,
} from "~/models/token-usage.server";
import { adminAudit } from "~/utils/admin-actions.server";
import { requireAdmin } from "~/utils/admin.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { formatDateTime, formatNumber } from "~/utils/format";
import { breakerProviders, describeProviderChain, writerBreakerKey, writerLabel } from "~/utils/provider-chain.server";
import { readFormData } from "~/utils/request.server";
import { breakerActionSchema } from "~/utils/schemas";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** Every provider an admin may act on: those configured now, and any that still has a breaker row from before. */
function providerRows(configured: string[], breakers: BreakerView[]) {
  const byProvider = new Map(breakers.map((b) => [b.provider, b]));
  const names = [...new Set([...configured, ...breakers.map((b) => b.provider)])];
  return names.map((provider) => ({
    provider,
    configured: configured.includes(provider),
    breaker: byProvider.get(provider),
  }));
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const env = getEnv();
  const db = getDb();
  const now = new Date();
  let chain: { label: string; baseURL: string | null; apiKeyVariable: string | null; breaker: string | null }[] = [];
  let chainError: string | null = null;
  try {
    chain = describeProviderChain(env).map((writer) => ({
      label: writerLabel(writer),
      baseURL: writer.baseURL ?? null,
      apiKeyVariable: writer.apiKeyVariable,
      breaker: writerBreakerKey(writer),
    }));
  } catch (error) {
    chainError = error instanceof Error ? error.message : String(error);
  }
  const [breakers, used, heaviest, waiting] = await Promise.all([
    listBreakers(db, now),
    tokensUsedToday(db, null, now),
    heaviestUsersToday(db, now, 5),
    ordersWaitingForBudget(db),
  ]);
  const t = await translatorFor(await getLocale(request));
  return {
    title: t("admin:providers.title"),
    chain,
    chainError,
    providers: providerRows(breakerProviders(env), breakers),
    budget: {
      limit: env.DAILY_TOKEN_LIMIT,
      perUserLimit: env.DAILY_TOKEN_LIMIT_PER_USER,
      usedToday: used.total,
      heaviest,
      waiting,
      resetsAt: nextUtcMidnight(now),
    },
  };
}

const AUDIT_ACTIONS = {
  force_open: "provider.forced_open",
  force_closed: "provider.forced_closed",
  reset: "provider.reset",
} as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  const formData = await readFormData(request, breakerActionSchema);
  const submission = parseWithZod(formData, { schema: breakerActionSchema });
  const provider = String(formData.get("provider") ?? "");
  if (submission.status !== "success") {
    return Response.json({ provider, errors: Object.values(submission.error ?? {}).flat() }, { status: 400 });
  }
  const { intent, reason } = submission.value;
  const db = getDb();
  const known = breakerProviders(getEnv());
  const exists = await db
    .selectFrom("provider_breakers")
    .select("provider")
    .where("provider", "=", submission.value.provider)
    .executeTakeFirst();
  const t = await translatorFor(await getLocale(request));
  if (!known.includes(submission.value.provider) && !exists) {
    return Response.json(
      { provider, errors: [t("admin:providers.unknown", { provider: submission.value.provider.slice(0, 80) })] },
      { status: 400 },
    );
  }
  const changed = await db.transaction().execute(async (trx) => {
    const before =
      intent === "reset"
        ? await resetBreaker(trx, submission.value.provider)
        : await forceBreaker(trx, submission.value.provider, intent === "force_open" ? "open" : "closed", {
            userId: admin.id,
            reason,
          });
    // Resetting a breaker that never failed changes nothing, so nothing is recorded.
    if (intent === "reset" && !before) return false;
    await recordAudit(
      trx,
      adminAudit(admin, request, context, {
        action: AUDIT_ACTIONS[intent],
        targetType: "provider",
        targetId: submission.value.provider,
        reason,
        details: { before },
      }),
    );
    return true;
  });
  return {
    provider,
    done: t(changed ? `admin:providers.done.${intent}` : "admin:providers.done.nothingToReset", {
      provider: submission.value.provider,
    }),
  };
}

export default function Providers() {
  const { chain, chainError, providers, budget } = useLoaderData<typeof loader>();
  const result = useActionData<{ provider: string; done?: string; errors?: string[] }>();
  const navigation = useNavigation();
  const { t } = useTranslation("admin");
  const locale = useLocale();
  const count = (value: number) => formatNumber(value, locale);
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold">{t("providers.heading")}</h1>
      {/* Errors of a provider not in the table (a made-up name) or of no provider at all. */}
      <FieldErrors
        id="providers-error"
        errors={providers.some((p) => p.provider === result?.provider) ? undefined : result?.errors}
      />
      {result?.done ? (
        <p role="status" className="rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-800">
          {result.done}
        </p>
      ) : null}

      <section className="space-y-3" aria-labelledby="breakers-heading">
        <h2 id="breakers-heading" className="text-lg font-semibold">
          {t("providers.breakers")}
        </h2>
        <p className="text-sm text-slate-600">{t("providers.breakersNote")}</p>
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">{t("providers.breakersCaption")}</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("shared.provider")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("shared.state")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("providers.failures")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("providers.lastError")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("providers.halfOpensAt")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("providers.act")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {providers.map(({ provider, configured, breaker }) => {
                const errors = result?.provider === provider ? result.errors : undefined;
                const busy = navigation.formData?.get("provider") === provider;
                return (
                  <tr key={provider} className="align-top">
                    <th scope="row" className="px-3 py-2 text-left font-mono font-normal">
                      {provider}
                      {configured ? null : (
                        <span className="block text-xs text-slate-500">{t("providers.notConfigured")}</span>
                      )}
                    </th>
                    <td className="px-3 py-2" data-breaker-state={breaker?.forced?.state ?? breaker?.state ?? "closed"}>
                      {t(`providers.stateLabels.${breaker?.state ?? "closed"}`)}
                      {breaker?.forced ? (
                        <span className="block text-xs font-semibold text-amber-800">
                          {t(breaker.forced.state === "open" ? "providers.forcedOpen" : "providers.forcedClosed", {
                            by: breaker.forced.byEmail ?? t("providers.formerAdmin"),
                          })}
                          {breaker.forced.at ? `, ${formatDateTime(breaker.forced.at, locale)}` : ""}:{" "}
                          {breaker.forced.reason}
                        </span>
                      ) : null}
                    </td>
                    <td className="px-3 py-2">{breaker?.recentFailures ?? 0}</td>
                    <td className="px-3 py-2">
                      {breaker?.lastError ? (
                        <>
                          {breaker.lastError}
                          {breaker.lastFailureAt ? (
                            <span className="block text-xs text-slate-500">
                              {formatDateTime(breaker.lastFailureAt, locale)}
                            </span>
                          ) : null}
                        </>
                      ) : (
                        t("providers.neverFailed")
                      )}
                    </td>
                    <td className="px-3 py-2">
                      {breaker?.halfOpensAt ? formatDateTime(breaker.halfOpensAt, locale) : "—"}
                    </td>
                    <td className="px-3 py-2">
                      <Form
                        method="post"
                        className="flex min-w-64 flex-col gap-2"
                        aria-label={t("providers.actOn", { provider })}
                      >
                        <input type="hidden" name="provider" value={provider} />
                        <label className="text-xs text-slate-700">
                          {t("shared.reason")}
                          <input
                            name="reason"
                            required
                            minLength={5}
                            maxLength={500}
                            className={inputClass}
                            aria-invalid={errors?.length ? true : undefined}
                          />
                        </label>
                        <FieldErrors id={`breaker-${provider}-error`} errors={errors} />
                        <div className="flex flex-wrap gap-2">
                          <Button type="submit" name="intent" value="force_open" variant="danger" disabled={busy}>
                            {t("providers.forceOpen")}
                          </Button>
                          <Button type="submit" name="intent" value="force_closed" variant="secondary" disabled={busy}>
                            {t("providers.forceClosed")}
                          </Button>
                          <Button type="submit" name="intent" value="reset" variant="secondary" disabled={busy}>
                            {t("providers.reset")}
                          </Button>
                        </div>
                      </Form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section className="space-y-3" aria-labelledby="budget-heading">
        <h2 id="budget-heading" className="text-lg font-semibold">
          {t("providers.budget")}
        </h2>
        <dl className="grid gap-3 text-sm sm:grid-cols-4">
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-600">{t("providers.usedToday")}</dt>
            <dd className="text-lg font-semibold" data-testid="tokens-used-today">
              {count(budget.usedToday)}
            </dd>
          </div>
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-600">{t("providers.limitAll")}</dt>
            <dd className="text-lg font-semibold">
              {budget.limit
                ? t("providers.limitUsed", {
                    limit: count(budget.limit),
                    percent: count(Math.round((budget.usedToday / budget.limit) * 100)),
                  })
                : t("providers.noLimit")}
            </dd>
          </div>
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-600">{t("providers.limitCustomer")}</dt>
            <dd className="text-lg font-semibold">
              {budget.perUserLimit ? count(budget.perUserLimit) : t("providers.noLimit")}
            </dd>
          </div>
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-600">{t("providers.waiting")}</dt>
            <dd className="text-lg font-semibold">{budget.waiting}</dd>
          </div>
        </dl>
        <p className="text-sm text-slate-600">
          {t("providers.resets", { when: formatDateTime(budget.resetsAt, locale) })}
        </p>
        {budget.heaviest.length === 0 ? (
          <p className="text-sm text-slate-600">{t("providers.noUsage")}</p>
        ) : (
          <table className="min-w-full rounded-lg border border-slate-200 bg-white text-sm">
            <caption className="px-3 py-2 text-left text-slate-600">{t("providers.heaviest")}</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("shared.customer")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("shared.tokens")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {budget.heaviest.map((row) => (
                <tr key={row.userId}>
                  <td className="px-3 py-2">
                    <a href={`/admin/users/${row.userId}`} className="text-brand-700 underline">
                      {row.email}
                    </a>
                  </td>
                  <td className="px-3 py-2">{count(row.tokens)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="space-y-3" aria-labelledby="chain-heading">
        <h2 id="chain-heading" className="text-lg font-semibold">
          {t("providers.chain")}
        </h2>
        <p className="text-sm text-slate-600">{t("providers.chainNote")}</p>
        {chainError ? (
          <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            {t("providers.chainError", { error: chainError })}
          </p>
        ) : null}
        <ol className="list-decimal space-y-1 pl-6 text-sm" aria-label={t("providers.chain")}>
          {chain.map((writer) => (
            <li key={writer.label}>
              <span className="font-mono">{writer.label}</span>
              {writer.baseURL ? (
                <span className="text-slate-600">{t("providers.at", { url: writer.baseURL })}</span>
              ) : null}
              <span className="text-slate-600">
                {" "}
                · {writer.breaker ? t("providers.breaker", { key: writer.breaker }) : t("providers.noBreaker")}
                {writer.apiKeyVariable ? t("providers.keyFrom", { variable: writer.apiKeyVariable }) : ""}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
