import { Link } from "@remix-run/react";
import { formatDateTime } from "~/utils/format";

const STATES = ["created", "retry", "active", "completed", "cancelled", "failed"] as const;

export function StuckBadge() {
  return (
    <span className="ml-2 inline-block rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900">
      stuck
    </span>
  );
}

/** Jobs per queue and state, the stuck ones counted apart (they are among the active). */
export function QueueCountsTable({
  queues,
}: {
  queues: { queue: string; states: Record<(typeof STATES)[number], number>; stuck: number }[];
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">Jobs per queue and state</caption>
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">
              Queue
            </th>
            {STATES.map((state) => (
              <th key={state} scope="col" className="px-3 py-2 text-right">
                {state}
              </th>
            ))}
            <th scope="col" className="px-3 py-2 text-right">
              stuck
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {queues.map((row) => (
            <tr key={row.queue} data-queue={row.queue}>
              <th scope="row" className="px-3 py-2 text-left font-mono font-normal">
                {row.queue}
              </th>
              {STATES.map((state) => (
                <td key={state} className="px-3 py-2 text-right tabular-nums">
                  {row.states[state]}
                </td>
              ))}
              <td className="px-3 py-2 text-right tabular-nums" data-stuck={row.stuck}>
                {row.stuck}
                {row.stuck > 0 ? <StuckBadge /> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Jobs active past their expiry: their worker most likely died. */
export function StuckJobsTable({
  jobs,
}: {
  jobs: {
    id: string;
    queue: string;
    started_on: string;
    expired_on: string;
    retry_count: number;
    document_id: string | null;
  }[];
}) {
  if (jobs.length === 0) {
    return (
      <p className="rounded-md border border-slate-200 bg-white p-4 text-sm text-slate-600">
        No job is stuck: every active job is within its expiry.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-amber-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">Stuck jobs, longest stuck first</caption>
        <thead className="bg-amber-50 text-left text-slate-700">
          <tr>
            <th scope="col" className="px-3 py-2">
              Job
            </th>
            <th scope="col" className="px-3 py-2">
              Queue
            </th>
            <th scope="col" className="px-3 py-2">
              Started
            </th>
            <th scope="col" className="px-3 py-2">
              Expired
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Retries so far
            </th>
            <th scope="col" className="px-3 py-2">
              Order
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {jobs.map((job) => (
            <tr key={job.id} data-stuck-job={job.id}>
              <td className="px-3 py-2 font-mono text-xs">
                {job.id}
                <StuckBadge />
              </td>
              <td className="px-3 py-2 font-mono">{job.queue}</td>
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(job.started_on)}</td>
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(job.expired_on)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{job.retry_count}</td>
              <td className="px-3 py-2">
                {job.document_id ? (
                  <Link
                    to={`/admin/documents/${job.document_id}`}
                    className="font-mono text-xs text-brand-700 underline"
                  >
                    {job.document_id}
                  </Link>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
