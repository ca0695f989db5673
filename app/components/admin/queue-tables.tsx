import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { formatDateTime } from "~/utils/format";

const STATES = ["created", "retry", "active", "completed", "cancelled", "failed"] as const;

export function StuckBadge() {
  const { t } = useTranslation("admin");
  return (
    <span className="ml-2 inline-block rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900">
      {t("jobs.states.stuck")}
    </span>
  );
}

/** Jobs per queue and state, the stuck ones counted apart (they are among the active). */
export function QueueCountsTable({
  queues,
}: {
  queues: { queue: string; states: Record<(typeof STATES)[number], number>; stuck: number }[];
}) {
  const { t } = useTranslation("admin");
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">{t("jobs.countsCaption")}</caption>
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">
              {t("shared.queue")}
            </th>
            {STATES.map((state) => (
              <th key={state} scope="col" className="px-3 py-2 text-right">
                {t(`jobs.states.${state}`)}
              </th>
            ))}
            <th scope="col" className="px-3 py-2 text-right">
              {t("jobs.states.stuck")}
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
  const { t } = useTranslation("admin");
  const locale = useLocale();
  if (jobs.length === 0) {
    return (
      <p className="rounded-md border border-slate-200 bg-white p-4 text-sm text-slate-600">{t("jobs.noStuck")}</p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-amber-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">{t("jobs.stuckCaption")}</caption>
        <thead className="bg-amber-50 text-left text-slate-700">
          <tr>
            <th scope="col" className="px-3 py-2">
              {t("shared.job")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("shared.queue")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("jobs.started")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("jobs.expired")}
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              {t("jobs.retries")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("shared.order")}
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
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(job.started_on, locale)}</td>
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(job.expired_on, locale)}</td>
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
