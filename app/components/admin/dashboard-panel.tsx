import type { ReactNode } from "react";

/**
 * One block of the dashboard: a heading, what its numbers mean, then the chart with its table beside it ("beside") or,
 * for daily charts that need the width, the charts side by side and the table under them ("below").
 */
export function DashboardPanel({
  id,
  title,
  note,
  empty,
  chart,
  table,
  layout = "beside",
}: {
  id: string;
  title: string;
  layout?: "beside" | "below";
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
        <div className={chart && layout === "beside" ? "grid gap-4 lg:grid-cols-2" : "space-y-4"}>
          {chart ? <div className={layout === "below" ? "grid gap-4 lg:grid-cols-2" : "space-y-4"}>{chart}</div> : null}
          <div className="max-h-96 overflow-y-auto">{table}</div>
        </div>
      )}
    </section>
  );
}
