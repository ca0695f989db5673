import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Score } from "~/components/score";
import { OfflineDemoBadge, StatusBadge } from "~/components/status-badge";
import { listAccountDocuments, listAccountPayments } from "~/models/account.server";
import { getDb } from "~/utils/db.server";
import { formatMoney } from "~/utils/pricing";
import { requireUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction = () => [{ title: "My account · TesiGo" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const [documents, payments] = await Promise.all([
    listAccountDocuments(db, user.id),
    listAccountPayments(db, user.id),
  ]);
  return {
    user: { email: user.email, name: user.name },
    documents: documents.map((d) => ({
      id: d.id,
      topic: d.topic,
      kind: d.kind,
      status: d.status,
      pages: d.pages,
      citationStyle: d.citation_style,
      scores: { uniqueness: d.score_uniqueness, grammar: d.score_grammar, ai: d.score_ai },
      offlineDemo: d.offline_demo,
      href: d.status === "awaiting_payment" ? `/orders/${d.id}/review` : `/documents/${d.id}`,
    })),
    payments: payments.map((p) => ({
      id: p.id,
      date: p.created_at.toISOString(),
      topic: p.topic,
      amount: formatMoney(p.amount_cents, p.currency),
      refunded: p.refunded_cents > 0 ? formatMoney(p.refunded_cents, p.currency) : null,
      provider: PROVIDERS[p.provider] ?? p.provider,
      status: p.status,
    })),
  };
}

const PROVIDERS: Record<string, string> = { stripe: "Card (Stripe)", dev: "Development payment" };
const PAYMENT_STATUS: Record<string, string> = {
  pending: "Pending",
  succeeded: "Paid",
  failed: "Failed",
  expired: "Expired",
  refunded: "Refunded",
  partially_refunded: "Partly refunded",
};
const CITATION_STYLES: Record<string, string> = {
  apa7: "APA 7",
  mla9: "MLA 9",
  chicago: "Chicago",
  harvard: "Harvard",
  ieee: "IEEE",
};

function label(value: string): string {
  const words = value.replace(/[_-]+/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

const th = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500";
const td = "px-3 py-2 align-top";

export default function Account() {
  const { user, documents, payments } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-10">
      <section aria-labelledby="account-heading">
        <h1 id="account-heading" className="text-2xl font-bold">
          My account
        </h1>
        <dl className="mt-4 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="text-slate-500">Email</dt>
          <dd className="font-medium">{user.email}</dd>
          <dt className="text-slate-500">Name</dt>
          <dd className="font-medium">{user.name ?? <span className="text-slate-400">Not given</span>}</dd>
        </dl>
      </section>

      <section aria-labelledby="documents-heading">
        <h2 id="documents-heading" className="text-lg font-semibold">
          Documents
        </h2>
        {documents.length === 0 ? (
          <div className="mt-4 rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
            <p className="font-semibold">No documents yet</p>
            <p className="mt-1 text-sm text-slate-600">
              Your orders, their status and their quality scores appear here.
            </p>
            <Link to="/orders/new" className="mt-3 inline-block font-semibold text-brand-700 underline">
              Order your first document
            </Link>
          </div>
        ) : (
          <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={th}>
                    Topic
                  </th>
                  <th scope="col" className={th}>
                    Kind
                  </th>
                  <th scope="col" className={th}>
                    Status
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Pages
                  </th>
                  <th scope="col" className={th}>
                    Citation style
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Uniqueness
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    <abbr title="Grammar errors per 1,000 words" className="no-underline">
                      Grammar / 1,000 words
                    </abbr>
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    AI detection
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {documents.map((d) => (
                  <tr key={d.id}>
                    <td className={`${td} max-w-xs`}>
                      <Link to={d.href} className="font-medium text-brand-700 underline">
                        {d.topic}
                      </Link>
                      {d.offlineDemo ? (
                        <span className="ml-2">
                          <OfflineDemoBadge />
                        </span>
                      ) : null}
                    </td>
                    <td className={td}>{label(d.kind)}</td>
                    <td className={td}>
                      <StatusBadge status={d.status} />
                    </td>
                    <td className={`${td} text-right tabular-nums`}>{d.pages}</td>
                    <td className={td}>{CITATION_STYLES[d.citationStyle] ?? d.citationStyle.toUpperCase()}</td>
                    <td className={`${td} text-right tabular-nums`}>
                      <Score kind="uniqueness" value={d.scores.uniqueness} />
                    </td>
                    <td className={`${td} text-right tabular-nums`}>
                      <Score kind="grammar" value={d.scores.grammar} />
                    </td>
                    <td className={`${td} text-right tabular-nums`}>
                      <Score kind="ai" value={d.scores.ai} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="mt-2 text-xs text-slate-500">N/A: the check did not run or its service was unavailable.</p>
      </section>

      <section aria-labelledby="payments-heading">
        <h2 id="payments-heading" className="text-lg font-semibold">
          Payment history
        </h2>
        {payments.length === 0 ? (
          <p className="mt-4 text-sm text-slate-600">No payments yet.</p>
        ) : (
          <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={th}>
                    Date
                  </th>
                  <th scope="col" className={th}>
                    Document
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Amount
                  </th>
                  <th scope="col" className={th}>
                    Method
                  </th>
                  <th scope="col" className={th}>
                    Status
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Refunded
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {payments.map((p) => (
                  <tr key={p.id}>
                    <td className={`${td} whitespace-nowrap`}>
                      <time dateTime={p.date}>{dateFormat.format(new Date(p.date))}</time>
                    </td>
                    <td className={`${td} max-w-xs`}>{p.topic}</td>
                    <td className={`${td} text-right tabular-nums`}>{p.amount}</td>
                    <td className={td}>{p.provider}</td>
                    <td className={td}>{PAYMENT_STATUS[p.status] ?? p.status}</td>
                    <td className={`${td} text-right tabular-nums`}>
                      {p.refunded ?? <span className="text-slate-400">—</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="data-heading" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="data-heading" className="text-lg font-semibold">
          Your data
        </h2>
        <ul className="mt-3 space-y-2 text-sm">
          <li>
            <a href="/account/export" download className="font-semibold text-brand-700 underline">
              Download my data (JSON)
            </a>
            <span className="text-slate-600">
              {" "}
              — your account, consents, documents with their text, payments and uploads.
            </span>
          </li>
          <li>
            <Link to="/account/delete" className="font-semibold text-red-700 underline">
              Delete my account
            </Link>
            <span className="text-slate-600">
              {" "}
              — removes your personal data and the documents' text; you will be signed out.
            </span>
          </li>
        </ul>
      </section>
    </div>
  );
}
