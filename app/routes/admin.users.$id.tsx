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
import { ConfirmActionFields } from "~/components/admin/confirm-action";
import { UserConsents, UserHistory, UserOrders, UserPayments } from "~/components/admin/user-records";
import { Button } from "~/components/ui/button";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";
import { disableAccount, enableAccount, setPremium, type AccountOutcome } from "~/models/account-admin.server";
import { isAccountId, userOverview } from "~/models/user-overview.server";
import { requireAdmin } from "~/utils/admin.server";
import { getDb } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { readFormData, requestOrigin, type AppLoadContext } from "~/utils/request.server";
import { accountChangeSchema, DISABLE_ACCOUNT_PHRASE, disableAccountSchema } from "~/utils/schemas";

export const meta: MetaFunction = () => [{ title: "Account · Admin · TesiGo" }];

/** Dates as ISO strings, as the page prints them. */
function withIsoDates<T extends Record<string, unknown>>(row: T) {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
  ) as { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request);
  const overview = await userOverview(getDb(), params.id ?? "");
  if (!overview) throw new Response("No account has this id.", { status: 404 });
  return {
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

const REFUSED: Record<Exclude<AccountOutcome, "done" | "unchanged">, [number, string]> = {
  not_found: [404, "No account has this id."],
  deleted: [409, "This account was deleted: there is nothing left to change."],
  own_account: [400, "You cannot disable your own account: ask another admin to do it."],
};

const DONE: Record<"disable" | "enable" | "premium" | "standard", [string, string]> = {
  disable: ["Disabled: every session has ended and sign-in is refused.", "It was already disabled; nothing changed."],
  enable: ["Enabled again: the customer can sign in.", "It was not disabled; nothing changed."],
  premium: ["Marked premium: their orders now go first in the queue.", "It already was premium; nothing changed."],
  standard: ["Back to standard: their orders queue as everyone's.", "It already was standard; nothing changed."],
};

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
    return Response.json({ intent, errors: { "": [message] } } satisfies ActionResult, { status });
  }
  const [done, unchanged] = DONE[value.intent];
  return { intent, done: outcome === "done" ? done : unchanged } satisfies ActionResult;
}

/** Inside the admin layout: an id that is no account's (mistyped, or from an old link) says so. */
export function ErrorBoundary() {
  const error = useRouteError();
  const missing = isRouteErrorResponse(error) && error.status === 404;
  // A request refused as a whole (4xx with { error }, e.g. a control character in a field) says why.
  const refusal =
    isRouteErrorResponse(error) && error.status < 500 && typeof error.data?.error === "string"
      ? (error.data.error as string)
      : null;
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-bold">
        {missing ? "No such account" : refusal ? "Request refused" : "Something went wrong"}
      </h1>
      <p className="text-slate-600" role="alert">
        {missing
          ? "No account has this id: it may be mistyped. Search for the account by its email instead."
          : (refusal ?? "An unexpected error stopped this page; please try again.")}
      </p>
      <Link to="/admin/users" className="text-sm font-semibold text-brand-700 underline">
        Search the users
      </Link>
    </div>
  );
}

function ReasonField({ id, errors }: { id: string; errors?: string[] | null }) {
  return (
    <Field id={id} label="Reason (kept in the audit log)" errors={errors ?? undefined}>
      <textarea
        id={id}
        name="reason"
        rows={2}
        required
        minLength={5}
        maxLength={500}
        className={inputClass}
        aria-invalid={errors?.length ? true : undefined}
      />
    </Field>
  );
}

export default function UserPage() {
  const { user, isSelf, liveSessions, orders, payments, refunds, consents, history } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const errorsOf = (intent: string) => (result?.intent === intent ? result.errors : undefined);
  const accountIntent = user.disabled_at ? "enable" : "disable";
  const tierIntent = user.premium ? "standard" : "premium";
  return (
    <div className="space-y-8">
      <div>
        <Link to="/admin/users" className="text-sm text-brand-700 underline">
          ← Users
        </Link>
        <h1 className="mt-2 text-2xl font-bold">{user.email}</h1>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-slate-600">Name</dt>
          <dd>{user.name ?? "—"}</dd>
          <dt className="text-slate-600">Role</dt>
          <dd>{user.role}</dd>
          <dt className="text-slate-600">Tier</dt>
          <dd>{user.premium ? "Premium (orders go first in the queue)" : "Standard"}</dd>
          <dt className="text-slate-600">Account</dt>
          <dd data-testid="account-state">
            {user.deleted_at
              ? `Deleted ${formatDateTime(user.deleted_at)}`
              : user.disabled_at
                ? `Disabled since ${formatDateTime(user.disabled_at)}`
                : "Active"}
          </dd>
          <dt className="text-slate-600">Signed in on</dt>
          <dd>{liveSessions === 1 ? "1 device" : `${liveSessions} devices`}</dd>
          <dt className="text-slate-600">Joined</dt>
          <dd>{formatDateTime(user.created_at)}</dd>
          <dt className="text-slate-600">Id</dt>
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
            <h2 className="font-semibold">
              {accountIntent === "disable" ? "Disable the account" : "Enable the account"}
            </h2>
            <input type="hidden" name="intent" value={accountIntent} />
            {accountIntent === "disable" ? (
              isSelf ? (
                <p className="text-sm text-slate-600">This is your own account: another admin must disable it.</p>
              ) : (
                <>
                  <p className="text-sm text-slate-600">
                    Every session ends at once and sign-in tells the customer the account is disabled. Orders already
                    paid for are still written.
                  </p>
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
                {accountIntent === "disable" ? "Disable the account" : "Enable the account"}
              </Button>
            )}
          </Form>

          <Form method="post" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="font-semibold">{tierIntent === "premium" ? "Mark premium" : "Back to standard"}</h2>
            <p className="text-sm text-slate-600">
              {tierIntent === "premium"
                ? "Their orders are planned and written before standard ones, the waiting ones included."
                : "Their orders queue as everyone's again, the waiting ones included."}
            </p>
            <input type="hidden" name="intent" value={tierIntent} />
            <ReasonField id="tier-reason" errors={errorsOf(tierIntent)?.reason} />
            <Button type="submit" variant="secondary" disabled={busy}>
              {tierIntent === "premium" ? "Mark premium" : "Back to standard"}
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
