import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { OfflineDemoBadge, StatusBadge } from "~/components/status-badge";
import { listDocumentsForOwner } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { LANGUAGES, type LanguageCode } from "~/utils/catalog";
import { formatMoney } from "~/utils/pricing";
import { requireUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction = () => [{ title: "My documents · TesiGo" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const documents = await listDocumentsForOwner(getDb(), user.id);
  return { documents: documents.map((d) => ({ ...d, created_at: d.created_at.toISOString() })) };
}

export default function Documents() {
  const { documents } = useLoaderData<typeof loader>();
  return (
    <div>
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-bold">My documents</h1>
        <Link
          to="/orders/new"
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
        >
          New order
        </Link>
      </div>
      {documents.length === 0 ? (
        <div className="mt-8 rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <h2 className="text-lg font-semibold">No documents yet</h2>
          <p className="mt-2 text-slate-600">
            Your orders appear here, with their progress while they are being written.
          </p>
          <Link to="/orders/new" className="mt-4 inline-block font-semibold text-brand-700 underline">
            Order your first document
          </Link>
        </div>
      ) : (
        <ul className="mt-6 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {documents.map((d) => (
            <li key={d.id}>
              <Link
                to={d.status === "awaiting_payment" ? `/orders/${d.id}/review` : `/documents/${d.id}`}
                className="flex flex-wrap items-center gap-3 p-4 hover:bg-slate-50"
              >
                <span className="min-w-0 flex-1 truncate font-medium">{d.topic}</span>
                {d.offline_demo ? <OfflineDemoBadge /> : null}
                <StatusBadge status={d.status} />
                <span className="text-sm text-slate-500">
                  {d.pages} pages · {LANGUAGES[d.language as LanguageCode]?.label ?? d.language} ·{" "}
                  {formatMoney(d.price_cents, d.currency)}
                </span>
                {d.status === "generating" ? (
                  <span className="text-sm text-brand-700">{d.progress_percent}%</span>
                ) : null}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <Form method="post" action="/logout" className="mt-10 border-t border-slate-200 pt-4 text-sm text-slate-600">
        <input type="hidden" name="everywhere" value="true" />
        Signed in on another computer you no longer use?{" "}
        <button type="submit" className="text-brand-700 underline">
          Sign out everywhere
        </button>
      </Form>
    </div>
  );
}
