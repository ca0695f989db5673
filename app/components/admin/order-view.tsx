// The read-only parts of an order's admin page: its sections, sources, money, files, findings and timeline.
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { AdminTable, adminCell } from "~/components/admin/admin-table";
import { formatDateTime, formatNumber } from "~/utils/format";

export type AdminSectionRow = {
  id: string;
  index: number;
  heading: string;
  status: string;
  attempts: number;
  targetWords: number;
  wordCount: number | null;
  scores: { uniqueness: number | null; grammar: number | null; ai: number | null };
  writer: string | null;
  tokensIn: number;
  tokensOut: number;
  cost: string;
};
export type AdminSourceRow = { id: string; key: string; title: string; year: number | null; doi: string | null };
export type AdminPaymentRow = {
  id: string;
  provider: string;
  amount: string;
  refunded: string;
  status: string;
  createdAt: string;
};
export type AdminRefundRow = {
  id: string;
  amount: string;
  reason: string;
  status: string;
  createdAt: string;
  error: string | null;
};
export type AdminFileRow = { label: string; href: string | null; detail: string };
export type AdminTimelineRow = { at: string; kind: string; text: string };

const cell = adminCell;

/** A titled part of the page; `id` names its heading (the title is in the admin's language). */
export function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-2">
      <h2 id={`${id}-heading`} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded-md border border-slate-200 bg-white p-4 text-sm text-slate-600">{children}</p>;
}

export function SectionsTable({
  sections,
  actions,
}: {
  sections: AdminSectionRow[];
  actions?: (s: AdminSectionRow) => ReactNode;
}) {
  const { t } = useTranslation("admin");
  const locale = useLocale();
  const score = (value: number | null) =>
    value === null
      ? t("shared.notAvailable")
      : formatNumber(value, locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (sections.length === 0) return <Empty>{t("order.view.noSections")}</Empty>;
  return (
    <AdminTable
      caption={t("order.view.sectionsCaption")}
      head={[
        "#",
        t("order.view.heading"),
        t("shared.state"),
        t("order.view.attempts"),
        t("order.view.words"),
        t("order.view.scores"),
        t("order.view.writer"),
        t("order.view.tokensInOut"),
        t("order.view.cost"),
        t("order.view.action"),
      ]}
    >
      {sections.map((s) => (
        <tr key={s.id} className="align-top">
          <td className={cell}>{s.index + 1}</td>
          <th scope="row" className={`${cell} text-left font-normal`}>
            {s.heading}
          </th>
          <td className={cell}>{s.status}</td>
          <td className={cell}>{s.attempts}</td>
          <td className={cell}>
            {s.wordCount === null ? "—" : formatNumber(s.wordCount, locale)} / {formatNumber(s.targetWords, locale)}
          </td>
          <td className={cell}>
            {score(s.scores.uniqueness)} / {score(s.scores.grammar)} / {score(s.scores.ai)}
          </td>
          <td className={cell}>{s.writer ?? "—"}</td>
          <td className={cell}>
            {formatNumber(s.tokensIn, locale)} / {formatNumber(s.tokensOut, locale)}
          </td>
          <td className={cell}>{s.cost}</td>
          <td className={cell}>{actions?.(s)}</td>
        </tr>
      ))}
    </AdminTable>
  );
}

export function SourcesTable({ sources }: { sources: AdminSourceRow[] }) {
  const { t } = useTranslation("admin");
  if (sources.length === 0) return <Empty>{t("order.view.noSources")}</Empty>;
  return (
    <AdminTable
      caption={t("order.sources")}
      head={[t("order.view.key"), t("order.view.sourceTitle"), t("order.view.year"), "DOI"]}
    >
      {sources.map((s) => (
        <tr key={s.id}>
          <td className={`${cell} font-mono text-xs`}>{s.key}</td>
          <th scope="row" className={`${cell} text-left font-normal`}>
            {s.title}
          </th>
          <td className={cell}>{s.year ?? "—"}</td>
          <td className={`${cell} font-mono text-xs`}>{s.doi ?? "—"}</td>
        </tr>
      ))}
    </AdminTable>
  );
}

export function PaymentsTable({ payments }: { payments: AdminPaymentRow[] }) {
  const { t } = useTranslation("admin");
  const locale = useLocale();
  if (payments.length === 0) return <Empty>{t("shared.noPayments")}</Empty>;
  return (
    <AdminTable
      caption={t("shared.payments")}
      head={[
        t("order.view.started"),
        t("shared.provider"),
        t("shared.amount"),
        t("shared.refunded"),
        t("shared.state"),
        t("order.view.paymentId"),
      ]}
    >
      {payments.map((p) => (
        <tr key={p.id}>
          <td className={cell}>{formatDateTime(p.createdAt, locale)}</td>
          <td className={cell}>{p.provider}</td>
          <td className={cell}>{p.amount}</td>
          <td className={cell}>{p.refunded}</td>
          <td className={cell}>{p.status.replaceAll("_", " ")}</td>
          <td className={`${cell} font-mono text-xs`}>{p.id}</td>
        </tr>
      ))}
    </AdminTable>
  );
}

export function RefundsTable({ refunds }: { refunds: AdminRefundRow[] }) {
  const { t } = useTranslation("admin");
  const locale = useLocale();
  if (refunds.length === 0) return <Empty>{t("shared.noRefunds")}</Empty>;
  return (
    <AdminTable
      caption={t("shared.refunds")}
      head={[
        t("order.view.requested"),
        t("shared.amount"),
        t("order.view.reason"),
        t("shared.state"),
        t("order.view.lastError"),
      ]}
    >
      {refunds.map((r) => (
        <tr key={r.id}>
          <td className={cell}>{formatDateTime(r.createdAt, locale)}</td>
          <td className={cell}>{r.amount}</td>
          <td className={cell}>{r.reason}</td>
          <td className={cell}>{r.status}</td>
          <td className={cell}>{r.error ?? "—"}</td>
        </tr>
      ))}
    </AdminTable>
  );
}

export function FilesList({ files }: { files: AdminFileRow[] }) {
  const { t } = useTranslation("admin");
  if (files.length === 0) return <Empty>{t("order.view.noFiles")}</Empty>;
  return (
    <ul className="list-disc space-y-1 pl-5 text-sm">
      {files.map((f) => (
        <li key={f.label}>
          {f.href ? (
            <a href={f.href} className="font-semibold text-brand-700 underline">
              {f.label}
            </a>
          ) : (
            <span className="font-semibold">{f.label}</span>
          )}{" "}
          <span className="text-slate-600">{f.detail}</span>
        </li>
      ))}
    </ul>
  );
}

const TIMELINE_KINDS = ["order", "state", "section", "payment", "refund", "incident", "admin", "warning"] as const;
const isTimelineKind = (kind: string): kind is (typeof TIMELINE_KINDS)[number] =>
  (TIMELINE_KINDS as readonly string[]).includes(kind);

export function Timeline({ entries }: { entries: AdminTimelineRow[] }) {
  const { t } = useTranslation("admin");
  const locale = useLocale();
  return (
    <AdminTable caption={t("order.view.timelineCaption")} head={[t("shared.when"), t("shared.kind"), t("shared.what")]}>
      {entries.map((e, n) => (
        <tr key={n} className="align-top">
          <td className={`${cell} whitespace-nowrap`}>{formatDateTime(e.at, locale)}</td>
          <td className={`${cell} text-xs uppercase text-slate-500`}>
            {isTimelineKind(e.kind) ? t(`order.timelineKinds.${e.kind}`) : e.kind}
          </td>
          <td className={cell}>{e.text}</td>
        </tr>
      ))}
    </AdminTable>
  );
}
