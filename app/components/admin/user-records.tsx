import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { kindText, languageName, statusText } from "~/i18n/catalog-labels";
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
  const { t } = useTranslation(["admin", "catalog"]);
  const locale = useLocale();
  return (
    <RecordTable
      caption={t("shared.orders")}
      empty={t("user.records.noOrders")}
      headings={[
        t("shared.order"),
        t("shared.kind"),
        t("user.records.topic"),
        t("user.records.pages"),
        t("shared.status"),
        t("user.records.price"),
        t("user.records.placed"),
      ]}
      count={orders.length}
    >
      {orders.map((order) => (
        <tr key={order.id}>
          <td className={cell}>{orderLink(order.id)}</td>
          <td className={cell}>
            {kindText(t, order.kind)}
            {order.express ? ` · ${t("user.records.express")}` : ""} · {languageName(order.language, locale)}
          </td>
          <td className={cell}>{order.topic ?? "—"}</td>
          <td className={cell}>{order.pages}</td>
          <td className={cell}>{statusText(t, order.status)}</td>
          <td className={cell}>
            {order.price_cents === null ? "—" : formatMoney(order.price_cents, order.currency, locale)}
          </td>
          <td className={`whitespace-nowrap ${cell}`}>{formatDateTime(order.created_at, locale)}</td>
        </tr>
      ))}
    </RecordTable>
  );
}

export function UserPayments({ payments, refunds }: { payments: Payment[]; refunds: Refund[] }) {
  const { t } = useTranslation("admin");
  const locale = useLocale();
  return (
    <>
      <RecordTable
        caption={t("shared.payments")}
        empty={t("shared.noPayments")}
        headings={[
          t("shared.order"),
          t("user.records.paidWith"),
          t("shared.amount"),
          t("shared.refunded"),
          t("shared.status"),
          t("shared.when"),
        ]}
        count={payments.length}
      >
        {payments.map((payment) => (
          <tr key={payment.id}>
            <td className={cell}>{orderLink(payment.document_id)}</td>
            <td className={cell}>{payment.provider}</td>
            <td className={cell}>{formatMoney(payment.amount_cents, payment.currency, locale)}</td>
            <td className={cell}>
              {payment.refunded_cents ? formatMoney(payment.refunded_cents, payment.currency, locale) : "—"}
            </td>
            <td className={cell}>{payment.status}</td>
            <td className={`whitespace-nowrap ${cell}`}>{formatDateTime(payment.created_at, locale)}</td>
          </tr>
        ))}
      </RecordTable>
      <RecordTable
        caption={t("shared.refunds")}
        empty={t("shared.noRefunds")}
        headings={[
          t("shared.order"),
          t("shared.amount"),
          t("user.records.reason"),
          t("shared.status"),
          t("shared.when"),
        ]}
        count={refunds.length}
      >
        {refunds.map((refund) => (
          <tr key={refund.id}>
            <td className={cell}>{orderLink(refund.document_id)}</td>
            <td className={cell}>{formatMoney(refund.amount_cents, refund.currency, locale)}</td>
            <td className={cell}>{refund.reason ?? "—"}</td>
            <td className={cell}>{refund.status}</td>
            <td className={`whitespace-nowrap ${cell}`}>{formatDateTime(refund.created_at, locale)}</td>
          </tr>
        ))}
      </RecordTable>
    </>
  );
}

export function UserConsents({ consents }: { consents: Consent[] }) {
  const { t } = useTranslation("admin");
  const locale = useLocale();
  return (
    <RecordTable
      caption={t("user.records.consents")}
      empty={t("user.records.noConsents")}
      headings={[t("shared.kind"), t("user.records.choice"), t("shared.when"), t("shared.from")]}
      count={consents.length}
    >
      {consents.map((consent) => (
        <tr key={consent.id}>
          <td className={cell}>{consent.kind}</td>
          <td className={cell}>{consent.granted ? t("user.records.agreed") : t("user.records.declined")}</td>
          <td className={`whitespace-nowrap ${cell}`}>{formatDateTime(consent.created_at, locale)}</td>
          <td className={`${cell} text-xs`}>{[consent.ip, consent.user_agent].filter(Boolean).join(" · ") || "—"}</td>
        </tr>
      ))}
    </RecordTable>
  );
}

export function UserHistory({ history }: { history: HistoryEntry[] }) {
  const { t } = useTranslation("admin");
  const locale = useLocale();
  return (
    <RecordTable
      caption={t("user.records.history")}
      empty={t("user.records.noHistory")}
      headings={[t("shared.when"), t("shared.who"), t("shared.what"), t("shared.why")]}
      count={history.length}
    >
      {history.map((entry) => (
        <tr key={entry.id}>
          <td className={`whitespace-nowrap ${cell}`}>{formatDateTime(entry.created_at, locale)}</td>
          <td className={cell}>{entry.actor ?? t("shared.system")}</td>
          <td className={`${cell} font-mono`}>{entry.action}</td>
          <td className={cell}>{entry.reason ?? "—"}</td>
        </tr>
      ))}
    </RecordTable>
  );
}
