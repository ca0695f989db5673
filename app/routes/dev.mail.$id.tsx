import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getStoredEmail } from "~/utils/email.server";
import { getEnv } from "~/utils/env.server";
import { invariantResponse } from "~/utils/invariant";

export async function loader({ params }: LoaderFunctionArgs) {
  const env = getEnv();
  invariantResponse(!env.isProduction && !env.SMTP_URL, "Not found", { status: 404 });
  const email = await getStoredEmail(params.id ?? "");
  invariantResponse(email, "Not found", { status: 404 });
  return { email };
}

export default function DevMailMessage() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <Link to="/dev/mail" className="text-sm text-brand-700 underline">
        ← All emails
      </Link>
      <h1 className="text-2xl font-bold">{email.subject}</h1>
      <p className="text-sm text-slate-600">
        To {email.to} · from {email.from} · {new Date(email.createdAt).toLocaleString()}
      </p>
      {/* The HTML is our own template; it is shown in a sandboxed frame all the same. */}
      <iframe
        title="Email body"
        sandbox="allow-top-navigation-by-user-activation"
        srcDoc={email.html}
        className="h-64 w-full rounded border border-slate-200 bg-white"
      />
      <pre className="whitespace-pre-wrap rounded border border-slate-200 bg-white p-4 text-sm">{email.text}</pre>
    </div>
  );
}
