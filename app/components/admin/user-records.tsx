import type { ReactNode } from "react";
import { AdminTable, adminCell } from "~/components/admin/admin-table";
import { formatDateTime } from "~/utils/format";
import { formatMoney } from "~/utils/pricing";

// The tables of one account's page at /admin/users/:id: what the customer ordered, paid, was refunded and agreed to.

type Order = {
  id: string;
  kind: string;
  topic: string | null;
  pages: number;
  language: string;
  express: boolean;
  status: string;
  price_cents: number | null;
  currency: string;
  created_at: string;
};
type Payment = {
  id: string;
  document_id: string | null;
  provider: string;
  amount_cents: number;
  refunded_cents: number;
  currency: string;
  status: string;
  created_at: string;
};
type Refund = {
  id: string;
  amount_cents: number;
  currency: string;
  document_id: string | null;
  reason: string | null;
  status: string;
  created_at: string;
};
type Consent = {
  id: string;
  kind: string;
  granted: boolean;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
};
type HistoryEntry = { id: string; action: string; reason: string | null; actor: string | null; created_at: string };

const cell = adminCell;

function RecordTable({
  caption,
  empty,
  headings,
  children,
  count,
}: {
  caption: string;
  empty: string;
  headings: string[];
  children: ReactNode;
  count: number;
}) {
  return (
    <section className="space-y-2">
      <h2 className="text-lg font-semibold">{caption}</h2>
      {count === 0 ? (
        <p className="rounded-md border border-slate-200 bg-white p-4 text-sm text-slate-600">{empty}</p>
      ) : (
        <AdminTable caption={caption} head={headings}>
          {children}
        </AdminTable>
      )}
    </section>
  );
}

const orderLink = (id: string | null) =>
  id ? (
    <a href={`/admin/documents/${id}`} className="font-mono text-xs text-brand-700 underline">
      {id.slice(0, 8)}
    </a>
  ) : (
    "—"
  );

export function UserOrders({ orders }: { orders: Order[] }) {
  return (
    <RecordTable
      caption="Orders"
      empty="No orders (drafts are not shown)."
      headings={["Order", "Kind", "Topic", "Pages", "Status", "Price", "Placed"]}
      count={orders.length}
    >
      {orders.map((order) => (
        <tr key={order.id}>
          <td className={cell}>{orderLink(order.id)}</td>
          <td className={cell}>
            {order.kind}
            {order.express ? " · express" : ""} · {order.language}
          </td>
          <td className={cell}>{order.topic ?? "—"}</td>
          <td className={cell}>{order.pages}</td>
          <td className={cell}>{order.status}</td>
          <td className={cell}>{order.price_cents === null ? "—" : formatMoney(order.price_cents, order.currency)}</td>
          <td className={`whitespace-nowrap ${cell}`}>{formatDateTime(order.created_at)}</td>
        </tr>
      ))}
    </RecordTable>
  );
}

export function UserPayments({ payments, refunds }: { payments: Payment[]; refunds: Refund[] }) {
  return (
    <>
      <RecordTable
        caption="Payments"
        empty="No payments."
        headings={["Order", "Paid with", "Amount", "Refunded", "Status", "When"]}
        count={payments.length}
      >
        {payments.map((payment) => (
          <tr key={payment.id}>
            <td className={cell}>{orderLink(payment.document_id)}</td>
            <td className={cell}>{payment.provider}</td>
            <td className={cell}>{formatMoney(payment.amount_cents, payment.currency)}</td>
            <td className={cell}>
              {payment.refunded_cents ? formatMoney(payment.refunded_cents, payment.currency) : "—"}
            </td>
            <td className={cell}>{payment.status}</td>
            <td className={`whitespace-nowrap ${cell}`}>{formatDateTime(payment.created_at)}</td>
          </tr>
        ))}
      </RecordTable>
      <RecordTable
        caption="Refunds"
        empty="No refunds."
        headings={["Order", "Amount", "Reason", "Status", "When"]}
        count={refunds.length}
      >
        {refunds.map((refund) => (
          <tr key={refund.id}>
            <td className={cell}>{orderLink(refund.document_id)}</td>
            <td className={cell}>{formatMoney(refund.amount_cents, refund.currency)}</td>
            <td className={cell}>{refund.reason ?? "—"}</td>
            <td className={cell}>{refund.status}</td>
            <td className={`whitespace-nowrap ${cell}`}>{formatDateTime(refund.created_at)}</td>
          </tr>
        ))}
      </RecordTable>
    </>
  );
}

export function UserConsents({ consents }: { consents: Consent[] }) {
  return (
    <RecordTable
      caption="Privacy choices"
      empty="No privacy choices recorded."
      headings={["Kind", "Choice", "When", "From"]}
      count={consents.length}
    >
      {consents.map((consent) => (
        <tr key={consent.id}>
          <td className={cell}>{consent.kind}</td>
          <td className={cell}>{consent.granted ? "Agreed" : "Declined"}</td>
          <td className={`whitespace-nowrap ${cell}`}>{formatDateTime(consent.created_at)}</td>
          <td className={`${cell} text-xs`}>{[consent.ip, consent.user_agent].filter(Boolean).join(" · ") || "—"}</td>
        </tr>
      ))}
    </RecordTable>
  );
}

export function UserHistory({ history }: { history: HistoryEntry[] }) {
  return (
    <RecordTable
      caption="What admins did to this account"
      empty="No admin has acted on this account."
      headings={["When", "Who", "What", "Why"]}
      count={history.length}
    >
      {history.map((entry) => (
        <tr key={entry.id}>
          <td className={`whitespace-nowrap ${cell}`}>{formatDateTime(entry.created_at)}</td>
          <td className={cell}>{entry.actor ?? "system"}</td>
          <td className={`${cell} font-mono`}>{entry.action}</td>
          <td className={cell}>{entry.reason ?? "—"}</td>
        </tr>
      ))}
    </RecordTable>
  );
}
