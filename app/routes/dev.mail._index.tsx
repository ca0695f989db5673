import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listStoredEmails } from "~/utils/email.server";
import { getEnv } from "~/utils/env.server";
import { invariantResponse } from "~/utils/invariant";

export const meta: MetaFunction = () => [{ title: "Dev mail · TesiGo" }];

export async function loader(_: LoaderFunctionArgs) {
  const env = getEnv();
  invariantResponse(!env.isProduction && !env.SMTP_URL, "Not found", { status: 404 });
  const emails = await listStoredEmails();
  return { emails: emails.map(({ id, to, subject, createdAt }) => ({ id, to, subject, createdAt })) };
}

export default function DevMail() {
  const { emails } = useLoaderData<typeof loader>();
  return (
    <div>
      <h1 className="text-2xl font-bold">Dev mail</h1>
      <p className="mt-2 text-sm text-slate-600">
        Without SMTP_URL, TesiGo writes every email to the mail folder; this page lists them (development only).
      </p>
      {emails.length === 0 ? (
        <p className="mt-6 rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-slate-600">
          No emails yet.
        </p>
      ) : (
        <ul className="mt-6 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {emails.map((e) => (
            <li key={e.id}>
              <Link to={`/dev/mail/${e.id}`} className="flex flex-wrap gap-3 p-4 hover:bg-slate-50">
                <span className="flex-1 font-medium">{e.subject}</span>
                <span className="text-sm text-slate-500">{e.to}</span>
                <time className="text-sm text-slate-500">{new Date(e.createdAt).toLocaleString()}</time>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
