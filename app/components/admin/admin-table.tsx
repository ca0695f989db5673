import type { ReactNode } from "react";

// The admin pages' record tables: a caption for screen readers, column headers, and the rows the caller renders.

/** Padding of an admin table's cells, for the rows callers render. */
export const adminCell = "px-3 py-2";

export function AdminTable({ caption, head, children }: { caption: string; head: string[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className={adminCell}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
