import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { Button } from "~/components/ui/button";
import { Field, inputClass } from "~/components/ui/field";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { pendingSignIn } from "~/models/sign-in-codes.server";
import {
  completeSignIn,
  EMAIL_CODE_STRATEGY,
  emailKey,
  getAuthenticator,
  isSignInFailure,
  sendSignInCode,
  signInMessage,
  SignInRefused,
} from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { rateLimitHeaders } from "~/utils/rate-limit.server";
import { readFormData, safeRedirectPath, type AppLoadContext } from "~/utils/request.server";
import { loginCodeSchema, loginEmailSchema } from "~/utils/schemas";
import { clearPendingSignInCookie, knownDeviceFor, readPendingSignIn } from "~/utils/sign-in-cookies.server";
import {
  countWrongCode,
  limitCodeRequest,
  mayTryCode,
  waitMessage,
  type SignInLimits,
} from "~/utils/sign-in-limits.server";
import { getOptionalUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** Where to go after signing in, if the visitor came from a page that asked for it (kept only if it is ours). */
function redirectTarget(value: FormDataEntryValue | string | null): string | null {
  return safeRedirectPath(value, "") || null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = redirectTarget(url.searchParams.get("redirectTo"));
  if (await getOptionalUser(request)) throw redirect(redirectTo ?? "/documents");
  if (url.searchParams.has("restart")) {
    // Forget the pending code so another address can be entered.
    throw redirect("/login", { headers: { "Set-Cookie": await clearPendingSignInCookie() } });
  }
  const pendingId = await readPendingSignIn(request);
  const pending = pendingId ? await pendingSignIn(getDb(), pendingId) : null;
  const error = url.searchParams.get("error");
  const t = await translatorFor(await getLocale(request));
  return {
    title: t("auth:login.title"),
    email: pending?.email ?? null,
    error: isSignInFailure(error) ? signInMessage(t, error) : null,
    redirectTo,
  };
}

function limitsOf(): SignInLimits {
  const env = getEnv();
  return {
    perClientPer15Minutes: env.SIGNIN_LIMIT_PER_15_MINUTES,
    perEmailPerHour: env.SIGNIN_CODES_PER_EMAIL_PER_HOUR,
  };
}

async function tooMany(
  request: Request,
  which: Parameters<typeof waitMessage>[1],
  limit: Parameters<typeof rateLimitHeaders>[0],
) {
  const t = await translatorFor(await getLocale(request));
  return Response.json(
    { form: "limit", limited: waitMessage(t, which, limit.retryAfterSeconds) },
    { status: 429, headers: rateLimitHeaders(limit) },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { ip } = context as AppLoadContext;
  const db = getDb();
  const formData = await readFormData(request, [loginEmailSchema, loginCodeSchema]);
  const pendingId = await readPendingSignIn(request);

  if (formData.has("code")) {
    const submission = parseWithZod(formData, { schema: loginCodeSchema });
    if (submission.status !== "success")
      return Response.json({ form: "code", result: submission.reply() }, { status: 400 });
    const limit = await mayTryCode(db, ip, limitsOf());
    if (!limit.allowed) return tooMany(request, "wrongCodes", limit);
    // remix-auth hands the strategy a copy of the request: the code goes in its body, the cookie in its headers.
    const codeRequest = new Request(request.url, {
      method: "POST",
      headers: { Cookie: request.headers.get("Cookie") ?? "" },
      body: new URLSearchParams({ code: submission.value.code }),
    });
    try {
      return await completeSignIn(
        request,
        context as AppLoadContext,
        await getAuthenticator().authenticate(EMAIL_CODE_STRATEGY, codeRequest),
      );
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      if (error.reason === "wrong_code") await countWrongCode(db, ip, limitsOf());
      const headers = error.reason === "wrong_code" ? undefined : { "Set-Cookie": await clearPendingSignInCookie() };
      const t = await translatorFor(await getLocale(request));
      return Response.json(
        { form: "code", error: signInMessage(t, error.reason, error.triesLeft) },
        { status: 400, headers },
      );
    }
  }

  // "Email me a code" (with an address) or "Send a new code" (to the address of the code this browser waits on).
  let email: string;
  if (formData.has("email")) {
    const submission = parseWithZod(formData, { schema: loginEmailSchema });
    if (submission.status !== "success")
      return Response.json({ form: "email", result: submission.reply() }, { status: 400 });
    email = submission.value.email;
  } else {
    const pending = pendingId ? await pendingSignIn(db, pendingId) : null;
    if (!pending) {
      const t = await translatorFor(await getLocale(request));
      return Response.json({ form: "code", error: signInMessage(t, "no_code") }, { status: 400 });
    }
    email = pending.email;
  }
  const key = emailKey(email);
  const limit = await limitCodeRequest(
    db,
    { emailKey: key, ip, knownDevice: await knownDeviceFor(request, key) },
    limitsOf(),
  );
  if (!limit.allowed) return tooMany(request, "codeRequests", limit);
  const cookie = await sendSignInCode(db, {
    email,
    ip,
    redirectTo: redirectTarget(formData.get("redirectTo")),
    replaces: pendingId,
    locale: await getLocale(request),
  });
  return redirect("/login", { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const { email, error: linkError, redirectTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<{
    form?: string;
    limited?: string;
    error?: string;
    result?: SubmissionResult<string[]>;
  }>();
  const error = actionData?.error ?? linkError;
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const { t } = useTranslation("auth");

  const [emailForm, emailFields] = useForm({
    id: "login-email",
    lastResult: actionData?.form === "email" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginEmailSchema }),
    shouldValidate: "onBlur",
  });
  const [codeForm, codeFields] = useForm({
    id: "login-code",
    lastResult: actionData?.form === "code" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginCodeSchema }),
    shouldValidate: "onBlur",
  });

  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold">{t("login.heading")}</h1>
      <p className="mt-2 text-slate-600">{t("login.intro")}</p>
      {actionData?.limited ? (
        <div role="alert" className="mt-6 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          {actionData.limited}
        </div>
      ) : null}
      {error ? (
        <div role="alert" className="mt-6 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {error}
        </div>
      ) : null}

      {email ? (
        <div className="mt-6 space-y-6">
          <p className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" role="status">
            <Trans t={t} i18nKey="login.sent" values={{ email }} components={{ strong: <strong /> }} />
          </p>
          <Form method="post" {...getFormProps(codeForm)} className="space-y-4">
            <Field id={codeFields.code.id} label={t("login.codeLabel")} errors={codeFields.code.errors}>
              <input
                {...getInputProps(codeFields.code, { type: "text" })}
                className={`${inputClass} font-mono uppercase tracking-widest`}
                autoComplete="one-time-code"
                autoFocus
                maxLength={6}
              />
            </Field>
            <Button type="submit" disabled={busy} className="w-full">
              {t("login.signIn")}
            </Button>
          </Form>
          <div className="flex justify-between text-sm">
            <Form method="post">
              <button type="submit" className="text-brand-700 underline">
                {t("login.newCode")}
              </button>
            </Form>
            <a href="/login?restart=1" className="text-slate-600 underline">
              {t("login.otherEmail")}
            </a>
          </div>
        </div>
      ) : (
        <Form method="post" {...getFormProps(emailForm)} className="mt-6 space-y-4">
          {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
          <Field id={emailFields.email.id} label={t("login.emailLabel")} errors={emailFields.email.errors}>
            <input
              {...getInputProps(emailFields.email, { type: "email" })}
              className={inputClass}
              autoComplete="email"
              autoFocus
              placeholder={t("login.emailPlaceholder")}
            />
          </Field>
          <Button type="submit" disabled={busy} className="w-full">
            {busy ? t("login.sending") : t("login.send")}
          </Button>
        </Form>
      )}
    </div>
  );
}
