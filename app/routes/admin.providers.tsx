import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { FieldErrors, inputClass } from "~/components/ui/field";
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
import { formatDateTime } from "~/utils/format";
import { breakerProviders, describeProviderChain, writerBreakerKey, writerLabel } from "~/utils/provider-chain.server";
import { readFormData } from "~/utils/request.server";
import { breakerActionSchema } from "~/utils/schemas";

export const meta: MetaFunction = () => [{ title: "Providers · Admin · TesiGo" }];

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
  return {
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

const ACTIONS = {
  force_open: { audit: "provider.forced_open", done: "is forced open: every worker skips it until you reset it." },
  force_closed: {
    audit: "provider.forced_closed",
    done: "is forced closed: every worker calls it, whatever fails, until you reset it.",
  },
  reset: { audit: "provider.reset", done: "is reset: closed, its failures forgotten, no longer pinned." },
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
  if (!known.includes(submission.value.provider) && !exists) {
    return Response.json(
      {
        provider,
        errors: [`No provider is called "${submission.value.provider.slice(0, 80)}": choose one listed here.`],
      },
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
        action: ACTIONS[intent].audit,
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
    done: changed
      ? `${submission.value.provider} ${ACTIONS[intent].done}`
      : `${submission.value.provider} has never failed: there was nothing to reset.`,
  };
}

const STATE_LABEL = { closed: "Closed (called)", open: "Open (skipped)", half_open: "Half-open (trying again)" };

export default function Providers() {
  const { chain, chainError, providers, budget } = useLoaderData<typeof loader>();
  const result = useActionData<{ provider: string; done?: string; errors?: string[] }>();
  const navigation = useNavigation();
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold">Providers</h1>
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
          Circuit breakers
        </h2>
        <p className="text-sm text-slate-600">
          A provider that fails 5 times within a minute is skipped for a minute (open), then tried again (half-open).
          Force one open to stop every worker calling it, or closed to keep calling it whatever fails; either holds
          until reset.
        </p>
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Each provider's circuit breaker</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Provider
                </th>
                <th scope="col" className="px-3 py-2">
                  State
                </th>
                <th scope="col" className="px-3 py-2">
                  Failures (last minute)
                </th>
                <th scope="col" className="px-3 py-2">
                  Last error
                </th>
                <th scope="col" className="px-3 py-2">
                  Half-opens at
                </th>
                <th scope="col" className="px-3 py-2">
                  Act
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
                      {configured ? null : <span className="block text-xs text-slate-500">not configured now</span>}
                    </th>
                    <td className="px-3 py-2" data-breaker-state={breaker?.forced?.state ?? breaker?.state ?? "closed"}>
                      {STATE_LABEL[breaker?.state ?? "closed"]}
                      {breaker?.forced ? (
                        <span className="block text-xs font-semibold text-amber-800">
                          Forced {breaker.forced.state} by {breaker.forced.byEmail ?? "a former admin"}
                          {breaker.forced.at ? `, ${formatDateTime(breaker.forced.at)}` : ""}: {breaker.forced.reason}
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
                              {formatDateTime(breaker.lastFailureAt)}
                            </span>
                          ) : null}
                        </>
                      ) : (
                        "Never failed"
                      )}
                    </td>
                    <td className="px-3 py-2">{breaker?.halfOpensAt ? formatDateTime(breaker.halfOpensAt) : "—"}</td>
                    <td className="px-3 py-2">
                      <Form method="post" className="flex min-w-64 flex-col gap-2" aria-label={`Act on ${provider}`}>
                        <input type="hidden" name="provider" value={provider} />
                        <label className="text-xs text-slate-700">
                          Reason (kept in the audit log)
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
                            Force open
                          </Button>
                          <Button type="submit" name="intent" value="force_closed" variant="secondary" disabled={busy}>
                            Force closed
                          </Button>
                          <Button type="submit" name="intent" value="reset" variant="secondary" disabled={busy}>
                            Reset
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
          Daily token budget
        </h2>
        <dl className="grid gap-3 text-sm sm:grid-cols-4">
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-600">Used today (UTC)</dt>
            <dd className="text-lg font-semibold" data-testid="tokens-used-today">
              {budget.usedToday.toLocaleString("en-GB")}
            </dd>
          </div>
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-600">Limit for everyone (DAILY_TOKEN_LIMIT)</dt>
            <dd className="text-lg font-semibold">
              {budget.limit
                ? `${budget.limit.toLocaleString("en-GB")} (${Math.round((budget.usedToday / budget.limit) * 100)} % used)`
                : "No limit"}
            </dd>
          </div>
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-600">Limit per customer (DAILY_TOKEN_LIMIT_PER_USER)</dt>
            <dd className="text-lg font-semibold">
              {budget.perUserLimit ? budget.perUserLimit.toLocaleString("en-GB") : "No limit"}
            </dd>
          </div>
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-600">Orders waiting for the budget</dt>
            <dd className="text-lg font-semibold">{budget.waiting}</dd>
          </div>
        </dl>
        <p className="text-sm text-slate-600">The day's count starts again at {formatDateTime(budget.resetsAt)}.</p>
        {budget.heaviest.length === 0 ? (
          <p className="text-sm text-slate-600">No customer has used any tokens today.</p>
        ) : (
          <table className="min-w-full rounded-lg border border-slate-200 bg-white text-sm">
            <caption className="px-3 py-2 text-left text-slate-600">Customers who used the most tokens today</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Customer
                </th>
                <th scope="col" className="px-3 py-2">
                  Tokens
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
                  <td className="px-3 py-2">{row.tokens.toLocaleString("en-GB")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="space-y-3" aria-labelledby="chain-heading">
        <h2 id="chain-heading" className="text-lg font-semibold">
          Writer fallback chain
        </h2>
        <p className="text-sm text-slate-600">
          As configured (AI_FALLBACK_CHAIN, or the keys set): each order's text is asked of the first writer whose
          breaker lets it through, then the next.
        </p>
        {chainError ? (
          <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            This web process cannot build the chain from its settings: {chainError}. The workers read their own.
          </p>
        ) : null}
        <ol className="list-decimal space-y-1 pl-6 text-sm" aria-label="Writer fallback chain">
          {chain.map((writer) => (
            <li key={writer.label}>
              <span className="font-mono">{writer.label}</span>
              {writer.baseURL ? <span className="text-slate-600"> at {writer.baseURL}</span> : null}
              <span className="text-slate-600">
                {" "}
                · {writer.breaker ? `breaker ${writer.breaker}` : "no breaker (offline)"}
                {writer.apiKeyVariable ? ` · key from ${writer.apiKeyVariable}` : ""}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
