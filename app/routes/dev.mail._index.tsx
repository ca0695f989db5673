import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { listStoredEmails } from "~/utils/email.server";
import { getEnv } from "~/utils/env.server";
import { formatDateTime } from "~/utils/format";
import { invariantResponse } from "~/utils/invariant";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.texts.title} · TesiGo` : "" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const env = getEnv();
  invariantResponse(!env.isProduction && !env.SMTP_URL, "Not found", { status: 404 });
  const emails = await listStoredEmails();
  const locale = await getLocale(request);
  // The email namespace stays on the server: the page gets its few texts ready-made.
  const t = await translatorFor(locale);
  return {
    texts: { title: t("email:devMail.title"), intro: t("email:devMail.intro"), empty: t("email:devMail.empty") },
    emails: emails.map(({ id, to, subject, createdAt }) => ({
      id,
      to,
      subject,
      createdAt,
      sentAt: formatDateTime(createdAt, locale),
    })),
  };
}

export default function DevMail() {
  const { emails, texts } = useLoaderData<typeof loader>();
  return (
    <div>
      <h1 className="text-2xl font-bold">{texts.title}</h1>
      <p className="mt-2 text-sm text-slate-600">{texts.intro}</p>
      {emails.length === 0 ? (
        <p className="mt-6 rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-slate-600">
          {texts.empty}
        </p>
      ) : (
        <ul className="mt-6 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {emails.map((e) => (
            <li key={e.id}>
              <Link to={`/dev/mail/${e.id}`} className="flex flex-wrap gap-3 p-4 hover:bg-slate-50">
                <span className="flex-1 font-medium">{e.subject}</span>
                <span className="text-sm text-slate-500">{e.to}</span>
                <time dateTime={e.createdAt} className="text-sm text-slate-500">
                  {e.sentAt}
                </time>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
