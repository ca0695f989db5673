import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { getStoredEmail } from "~/utils/email.server";
import { getEnv } from "~/utils/env.server";
import { formatDateTime } from "~/utils/format";
import { invariantResponse } from "~/utils/invariant";

export async function loader({ params, request }: LoaderFunctionArgs) {
  const env = getEnv();
  invariantResponse(!env.isProduction && !env.SMTP_URL, "Not found", { status: 404 });
  const email = await getStoredEmail(params.id ?? "");
  invariantResponse(email, "Not found", { status: 404 });
  const locale = await getLocale(request);
  // The email namespace stays on the server: the page gets its few texts ready-made.
  const t = await translatorFor(locale);
  return {
    email,
    texts: {
      allEmails: t("email:devMail.allEmails"),
      fromTo: t("email:devMail.fromTo", {
        to: email.to,
        from: email.from,
        date: formatDateTime(email.createdAt, locale),
      }),
      body: t("email:devMail.body"),
    },
  };
}

export default function DevMailMessage() {
  const { email, texts } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <Link to="/dev/mail" className="text-sm text-brand-700 underline">
        {texts.allEmails}
      </Link>
      <h1 className="text-2xl font-bold">{email.subject}</h1>
      <p className="text-sm text-slate-600">{texts.fromTo}</p>
      {/* The HTML is our own template; it is shown in a sandboxed frame all the same. */}
      <iframe
        title={texts.body}
        sandbox="allow-top-navigation-by-user-activation"
        srcDoc={email.html}
        className="h-64 w-full rounded border border-slate-200 bg-white"
      />
      <pre className="whitespace-pre-wrap rounded border border-slate-200 bg-white p-4 text-sm">{email.text}</pre>
    </div>
  );
}
