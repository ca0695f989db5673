import type { ReactNode } from "react";

/** One block of the dashboard: a heading, what its numbers mean, then the chart with its table beside it. */
export function DashboardPanel({
  id,
  title,
  note,
  empty,
  chart,
  table,
}: {
  id: string;
  title: string;
  note?: ReactNode;
  /** Said instead of the chart and table when there is nothing to show. */
  empty?: string | null;
  chart?: ReactNode;
  table: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {note ? <p className="text-sm text-slate-600">{note}</p> : null}
      {empty ? (
        <p className="rounded-md bg-slate-50 p-4 text-center text-sm text-slate-600">{empty}</p>
      ) : (
        <div className={chart ? "grid gap-4 lg:grid-cols-2" : ""}>
          {chart ? <div className="space-y-4">{chart}</div> : null}
          <div className="max-h-96 overflow-y-auto">{table}</div>
        </div>
      )}
    </section>
  );
}
