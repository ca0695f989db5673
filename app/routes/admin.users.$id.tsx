import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useRouteError,
} from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { AuditReasonField, ConfirmActionFields } from "~/components/admin/confirm-action";
import { UserConsents, UserHistory, UserOrders, UserPayments } from "~/components/admin/user-records";
import { Button } from "~/components/ui/button";
import { FieldErrors } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { disableAccount, enableAccount, setPremium, type AccountOutcome } from "~/models/account-admin.server";
import { isAccountId, userOverview } from "~/models/user-overview.server";
import { requireAdmin } from "~/utils/admin.server";
import { getLlmKeySummary } from "~/models/customer-llm-keys.server";
import { getDb } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { readFormData, requestOrigin, type AppLoadContext } from "~/utils/request.server";
import { accountChangeSchema, DISABLE_ACCOUNT_PHRASE, disableAccountSchema } from "~/utils/schemas";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** Dates as ISO strings, as the page prints them. */
function withIsoDates<T extends Record<string, unknown>>(row: T) {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
  ) as { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request);
  const t = await translatorFor(await getLocale(request));
  const overview = await userOverview(getDb(), params.id ?? "");
  if (!overview) throw new Response(t("admin:user.notFound"), { status: 404 });
  // Never the key itself: whether there is one, its provider and its last 4 characters.
  const llmKey = await getLlmKeySummary(getDb(), overview.user.id);
  return {
    title: t("admin:user.title"),
    llmKey: llmKey ? { provider: llmKey.provider, last4: llmKey.last4 } : null,
    isSelf: overview.user.id === admin.id,
    user: withIsoDates(overview.user),
    liveSessions: overview.liveSessions,
    orders: overview.orders.map(withIsoDates),
    payments: overview.payments.map(withIsoDates),
    refunds: overview.refunds.map(withIsoDates),
    consents: overview.consents.map(withIsoDates),
    history: overview.history.map(withIsoDates),
  };
}

type ActionResult = { intent: string; done?: string; errors?: Record<string, string[] | null> };

const REFUSED = {
  not_found: [404, "notFound"],
  deleted: [409, "deletedRefusal"],
  own_account: [400, "ownRefusal"],
} as const satisfies Record<Exclude<AccountOutcome, "done" | "unchanged">, [number, string]>;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  const formData = await readFormData(request, [disableAccountSchema, accountChangeSchema]);
  const intent = String(formData.get("intent") ?? "");
  const schema = intent === "disable" ? disableAccountSchema : accountChangeSchema;
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") {
    return Response.json({ intent, errors: submission.reply().error ?? {} } satisfies ActionResult, { status: 400 });
  }
  const db = getDb();
  const userId = params.id ?? "";
  const value = submission.value;
  const audit = { actorUserId: admin.id, ...requestOrigin(request, context as AppLoadContext), reason: value.reason };
  let outcome: AccountOutcome = "not_found";
  if (isAccountId(userId)) {
    if (value.intent === "disable") outcome = (await disableAccount(db, userId, audit)).outcome;
    else if (value.intent === "enable") outcome = await enableAccount(db, userId, audit);
    else outcome = (await setPremium(db, userId, value.intent === "premium", audit)).outcome;
  }
  if (outcome !== "done" && outcome !== "unchanged") {
    const [status, message] = REFUSED[outcome];
    return Response.json({ intent, errors: { "": [`admin:user.${message}`] } } satisfies ActionResult, { status });
  }
  const t = await translatorFor(await getLocale(request));
  const done =
    outcome === "done" ? t(`admin:user.done.${value.intent}`) : t(`admin:user.done.${value.intent}Unchanged`);
  return { intent, done } satisfies ActionResult;
}

/** Inside the admin layout: an id that is no account's (mistyped, or from an old link) says so. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("admin");
  const missing = isRouteErrorResponse(error) && error.status === 404;
  // A request refused as a whole (4xx with { error }, e.g. a control character in a field) says why.
  const refusal =
    isRouteErrorResponse(error) && error.status < 500 && typeof error.data?.error === "string"
      ? (error.data.error as string)
      : null;
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-bold">
        {missing
          ? t("user.error.missingTitle")
          : refusal
            ? t("user.error.refusedTitle")
            : t("user.error.unexpectedTitle")}
      </h1>
      <p className="text-slate-600" role="alert">
        {missing ? t("user.error.missing") : (refusal ?? t("user.error.unexpected"))}
      </p>
      <Link to="/admin/users" className="text-sm font-semibold text-brand-700 underline">
        {t("user.error.search")}
      </Link>
    </div>
  );
}

function ReasonField({ id, errors }: { id: string; errors?: string[] | null }) {
  return <AuditReasonField id={id} errors={errors ?? undefined} />;
}

export default function UserPage() {
  const { user, isSelf, liveSessions, orders, payments, refunds, consents, history, llmKey } =
    useLoaderData<typeof loader>();
  const { t: tByok } = useTranslation("byok");
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const { t } = useTranslation("admin");
  const locale = useLocale();
  const busy = navigation.state !== "idle";
  const errorsOf = (intent: string) => (result?.intent === intent ? result.errors : undefined);
  const accountIntent = user.disabled_at ? "enable" : "disable";
  const tierIntent = user.premium ? "standard" : "premium";
  return (
    <div className="space-y-8">
      <div>
        <Link to="/admin/users" className="text-sm text-brand-700 underline">
          {t("user.back")}
        </Link>
        <h1 className="mt-2 text-2xl font-bold">{user.email}</h1>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-slate-600">{t("user.name")}</dt>
          <dd>{user.name ?? "—"}</dd>
          <dt className="text-slate-600">{t("users.role")}</dt>
          <dd>{user.role}</dd>
          <dt className="text-slate-600">{t("users.tier")}</dt>
          <dd>{user.premium ? t("user.premiumTier") : t("users.standard")}</dd>
          <dt className="text-slate-600">{t("users.account")}</dt>
          <dd data-testid="account-state">
            {user.deleted_at
              ? t("user.deletedOn", { when: formatDateTime(user.deleted_at, locale) })
              : user.disabled_at
                ? t("user.disabledSince", { when: formatDateTime(user.disabled_at, locale) })
                : t("users.active")}
          </dd>
          <dt className="text-slate-600">{t("user.signedInOn")}</dt>
          <dd>{t("user.devices", { count: liveSessions })}</dd>
          <dt className="text-slate-600">{t("users.joined")}</dt>
          <dd>{formatDateTime(user.created_at, locale)}</dd>
          <dt className="text-slate-600">{tByok("admin.customerKey")}</dt>
          <dd data-testid="customer-llm-key">
            {llmKey
              ? tByok("admin.yes", { provider: tByok(`providers.${llmKey.provider}`), last4: llmKey.last4 })
              : tByok("admin.no")}
          </dd>
          <dt className="text-slate-600">{t("user.id")}</dt>
          <dd className="font-mono text-xs">{user.id}</dd>
        </dl>
      </div>

      {/* What no field shows: a refusal of the whole act, or an action the page does not offer. */}
      <FieldErrors id="account-error" errors={[...(result?.errors?.[""] ?? []), ...(result?.errors?.intent ?? [])]} />
      {result?.done ? (
        <p role="status" className="rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-800">
          {result.done}
        </p>
      ) : null}

      {user.deleted_at ? null : (
        <div className="grid gap-4 md:grid-cols-2">
          <Form method="post" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="font-semibold">{accountIntent === "disable" ? t("user.disable") : t("user.enable")}</h2>
            <input type="hidden" name="intent" value={accountIntent} />
            {accountIntent === "disable" ? (
              isSelf ? (
                <p className="text-sm text-slate-600">{t("user.ownAccount")}</p>
              ) : (
                <>
                  <p className="text-sm text-slate-600">{t("user.disableNote")}</p>
                  <ConfirmActionFields
                    phrase={DISABLE_ACCOUNT_PHRASE}
                    idPrefix="disable"
                    errors={errorsOf("disable") as { confirmation?: string[]; reason?: string[] } | undefined}
                  />
                </>
              )
            ) : (
              <ReasonField id="enable-reason" errors={errorsOf("enable")?.reason} />
            )}
            {accountIntent === "disable" && isSelf ? null : (
              <Button type="submit" variant={accountIntent === "disable" ? "danger" : "primary"} disabled={busy}>
                {accountIntent === "disable" ? t("user.disable") : t("user.enable")}
              </Button>
            )}
          </Form>

          <Form method="post" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="font-semibold">
              {tierIntent === "premium" ? t("user.markPremium") : t("user.backToStandard")}
            </h2>
            <p className="text-sm text-slate-600">
              {tierIntent === "premium" ? t("user.premiumNote") : t("user.standardNote")}
            </p>
            <input type="hidden" name="intent" value={tierIntent} />
            <ReasonField id="tier-reason" errors={errorsOf(tierIntent)?.reason} />
            <Button type="submit" variant="secondary" disabled={busy}>
              {tierIntent === "premium" ? t("user.markPremium") : t("user.backToStandard")}
            </Button>
          </Form>
        </div>
      )}

      <UserOrders orders={orders} />
      <UserPayments payments={payments} refunds={refunds} />
      <UserConsents consents={consents} />
      <UserHistory history={history} />
    </div>
  );
}
