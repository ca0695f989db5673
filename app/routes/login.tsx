import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { Field, inputClass } from "~/components/ui/field";
import { getAuthenticator, readTotpCookie, requestOrigins, TOTP_STRATEGY } from "~/utils/auth.server";
import { readFormData, requestOrigin, type AppLoadContext } from "~/utils/request.server";
import { loginCodeSchema, loginEmailSchema } from "~/utils/schemas";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { hitSignInLimit, rateLimitHeaders } from "~/utils/rate-limit.server";
import { getOptionalUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Sign in · TesiGo" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getOptionalUser(request)) throw redirect("/documents");
  const url = new URL(request.url);
  if (url.searchParams.has("restart")) {
    // Forget the pending code so another address can be entered.
    throw redirect("/login", { headers: { "Set-Cookie": "_totp=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" } });
  }
  return readTotpCookie(request.headers.get("Cookie"));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request.clone(), [loginEmailSchema, loginCodeSchema]);
  const schema = formData.has("code") ? loginCodeSchema : formData.has("email") ? loginEmailSchema : null;
  if (schema) {
    const submission = parseWithZod(formData, { schema });
    if (submission.status !== "success") {
      return Response.json({ form: formData.has("code") ? "code" : "email", result: submission.reply() }, { status: 400 });
    }
  }
  // At most SIGNIN_LIMIT_PER_15_MINUTES codes asked or tried per email and per address.
  const email = formData.has("email") ? String(formData.get("email")).trim() : readTotpCookie(request.headers.get("Cookie")).email;
  const limit = await hitSignInLimit(getDb(), email, (context as AppLoadContext).ip, getEnv().SIGNIN_LIMIT_PER_15_MINUTES);
  if (!limit.allowed) {
    const minutes = Math.max(1, Math.ceil(limit.retryAfterSeconds / 60));
    return Response.json(
      { form: "limit", limited: `Too many sign-in attempts. Wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.` },
      { status: 429, headers: rateLimitHeaders(limit) },
    );
  }
  const authRequest = formData.has("code") ? withNormalisedCode(request, String(formData.get("code"))) : request;
  requestOrigins.set(authRequest, requestOrigin(request, context as AppLoadContext));
  // The strategy answers every outcome with a redirect (code sent, signed in, or back here with an error).
  await getAuthenticator().authenticate(TOTP_STRATEGY, authRequest);
  return redirect("/login");
}

// Codes are upper-case; people type them in any case and with stray spaces.
function withNormalisedCode(request: Request, code: string): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-type");
  headers.delete("content-length");
  const body = new URLSearchParams({ code: code.trim().toUpperCase() });
  return new Request(request.url, { method: "POST", headers, body });
}

export default function Login() {
  const { email, error, pending } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";

  const [emailForm, emailFields] = useForm({
    id: "login-email",
    lastResult: actionData?.form === "email" && "result" in actionData ? actionData.result : undefined,
    defaultValue: { email: email ?? "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginEmailSchema }),
    shouldValidate: "onBlur",
  });
  const [codeForm, codeFields] = useForm({
    id: "login-code",
    lastResult: actionData?.form === "code" && "result" in actionData ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginCodeSchema }),
    shouldValidate: "onBlur",
  });

  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold">Sign in to TesiGo</h1>
      <p className="mt-2 text-slate-600">No password: we email you a code and a sign-in link. New here? The same step creates your account.</p>
      {actionData && "limited" in actionData ? (
        <div role="alert" className="mt-6 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          {actionData.limited}
        </div>
      ) : null}
      {error ? (
        <div role="alert" className="mt-6 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {error}
        </div>
      ) : null}

      {pending && email ? (
        <div className="mt-6 space-y-6">
          <p className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" role="status">
            We sent a code and a sign-in link to <strong>{email}</strong>. Open the link in this browser, or type the code.
          </p>
          <Form method="post" {...getFormProps(codeForm)} className="space-y-4">
            <Field id={codeFields.code.id} label="Code from the email" errors={codeFields.code.errors}>
              <input
                {...getInputProps(codeFields.code, { type: "text" })}
                className={`${inputClass} font-mono uppercase tracking-widest`}
                autoComplete="one-time-code"
                autoFocus
                maxLength={6}
              />
            </Field>
            <Button type="submit" disabled={busy} className="w-full">
              Sign in
            </Button>
          </Form>
          <div className="flex justify-between text-sm">
            <Form method="post">
              <button type="submit" className="text-brand-700 underline">
                Send a new code
              </button>
            </Form>
            <a href="/login?restart=1" className="text-slate-600 underline">
              Use another email
            </a>
          </div>
        </div>
      ) : (
        <Form method="post" {...getFormProps(emailForm)} className="mt-6 space-y-4">
          <Field id={emailFields.email.id} label="Email address" errors={emailFields.email.errors}>
            <input
              {...getInputProps(emailFields.email, { type: "email" })}
              className={inputClass}
              autoComplete="email"
              autoFocus
              placeholder="you@university.edu"
            />
          </Field>
          <Button type="submit" disabled={busy} className="w-full">
            {busy ? "Sending…" : "Email me a sign-in code"}
          </Button>
        </Form>
      )}
    </div>
  );
}
