// The read-only parts of an order's admin page: its sections, sources, money, files, findings and timeline.
import type { ReactNode } from "react";
import { AdminTable, adminCell } from "~/components/admin/admin-table";
import { formatDateTime } from "~/utils/format";

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

export function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${title.toLowerCase().replaceAll(" ", "-")}-heading`} className="space-y-2">
      <h2 id={`${title.toLowerCase().replaceAll(" ", "-")}-heading`} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded-md border border-slate-200 bg-white p-4 text-sm text-slate-600">{children}</p>;
}

const score = (value: number | null) => (value === null ? "N/A" : value.toFixed(2));

export function SectionsTable({
  sections,
  actions,
}: {
  sections: AdminSectionRow[];
  actions?: (s: AdminSectionRow) => ReactNode;
}) {
  if (sections.length === 0) return <Empty>No sections yet: the order has not been planned.</Empty>;
  return (
    <AdminTable
      caption="Sections with their attempts, scores, tokens and cost"
      head={[
        "#",
        "Heading",
        "State",
        "Attempts",
        "Words",
        "Uniqueness / grammar / AI",
        "Writer",
        "Tokens in / out",
        "Cost",
        "Action",
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
            {s.wordCount ?? "—"} / {s.targetWords}
          </td>
          <td className={cell}>
            {score(s.scores.uniqueness)} / {score(s.scores.grammar)} / {score(s.scores.ai)}
          </td>
          <td className={cell}>{s.writer ?? "—"}</td>
          <td className={cell}>
            {s.tokensIn} / {s.tokensOut}
          </td>
          <td className={cell}>{s.cost}</td>
          <td className={cell}>{actions?.(s)}</td>
        </tr>
      ))}
    </AdminTable>
  );
}

export function SourcesTable({ sources }: { sources: AdminSourceRow[] }) {
  if (sources.length === 0)
    return <Empty>No sources: none were found, or the order was written without references.</Empty>;
  return (
    <AdminTable caption="Sources" head={["Key", "Title", "Year", "DOI"]}>
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
  if (payments.length === 0) return <Empty>No payments.</Empty>;
  return (
    <AdminTable caption="Payments" head={["Started", "Provider", "Amount", "Refunded", "State", "Payment id"]}>
      {payments.map((p) => (
        <tr key={p.id}>
          <td className={cell}>{formatDateTime(p.createdAt)}</td>
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
  if (refunds.length === 0) return <Empty>No refunds.</Empty>;
  return (
    <AdminTable caption="Refunds" head={["Requested", "Amount", "Reason", "State", "Last error"]}>
      {refunds.map((r) => (
        <tr key={r.id}>
          <td className={cell}>{formatDateTime(r.createdAt)}</td>
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
  if (files.length === 0) return <Empty>No files: the order has not been delivered and has no uploads.</Empty>;
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

export function Timeline({ entries }: { entries: AdminTimelineRow[] }) {
  return (
    <AdminTable caption="Everything that happened to the order, oldest first" head={["When", "Kind", "What"]}>
      {entries.map((e, n) => (
        <tr key={n} className="align-top">
          <td className={`${cell} whitespace-nowrap`}>{formatDateTime(e.at)}</td>
          <td className={`${cell} text-xs uppercase text-slate-500`}>{e.kind}</td>
          <td className={cell}>{e.text}</td>
        </tr>
      ))}
    </AdminTable>
  );
}
