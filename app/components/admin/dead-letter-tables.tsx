import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { Button } from "~/components/ui/button";
import { Field, inputClass } from "~/components/ui/field";
import { formatDateTime } from "~/utils/format";

export type WaitingDeadLetter = {
  id: string;
  queue: string;
  payload: string;
  error: string | null;
  document_id: string | null;
  document_topic: string | null;
  document_status: string | null;
  died_at: string;
  canRetry: boolean;
  note: string;
};

export type HandledDeadLetter = {
  id: string;
  queue: string;
  outcome: string | null;
  handled_at: string | null;
  handled_by_email: string | null;
  retry_job_id: string | null;
  document_id: string | null;
};

function OrderLink({ id, topic, status }: { id: string | null; topic?: string | null; status?: string | null }) {
  const { t } = useTranslation("admin");
  if (!id) return <span className="text-slate-500">{t("shared.none")}</span>;
  return (
    <Link to={`/admin/documents/${id}`} className="text-brand-700 underline">
      {topic ?? id}
      {status ? <span className="ml-1 text-xs text-slate-600">({status.replaceAll("_", " ")})</span> : null}
    </Link>
  );
}

/**
 * The dead letters waiting for an admin: checkboxes and one form for many, a Retry and a Discard button per row for
 * one (each row's buttons submit a small form of their own, outside the table, as forms cannot nest).
 */
export function WaitingDeadLetters({ letters, busy }: { letters: WaitingDeadLetter[]; busy: boolean }) {
  const { t } = useTranslation("admin");
  const locale = useLocale();
  if (letters.length === 0) {
    return (
      <p className="rounded-md border border-slate-200 bg-white p-4 text-sm text-slate-600">{t("jobs.noWaiting")}</p>
    );
  }
  return (
    <>
      <Form method="post" id="dead-letters" className="space-y-3">
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">{t("jobs.waitingCaption")}</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">{t("jobs.select")}</span>
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("shared.job")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("jobs.error")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("jobs.payload")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("shared.order")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("jobs.retryDoes")}
                </th>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">{t("jobs.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {letters.map((letter) => (
                <tr key={letter.id} className="align-top" data-dead-letter={letter.id}>
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      name="ids"
                      value={letter.id}
                      id={`select-${letter.id}`}
                      aria-label={t("jobs.selectOne", { queue: letter.queue, id: letter.id })}
                    />
                  </td>
                  <td className="px-3 py-2">
                    <p className="font-mono">{letter.queue}</p>
                    <p className="font-mono text-xs text-slate-500">{letter.id}</p>
                    <p className="whitespace-nowrap text-xs text-slate-600">
                      {t("jobs.died", { when: formatDateTime(letter.died_at, locale) })}
                    </p>
                  </td>
                  <td className="max-w-xs px-3 py-2 text-red-800">{letter.error ?? t("jobs.noError")}</td>
                  <td className="max-w-sm px-3 py-2">
                    <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-all text-xs">{letter.payload}</pre>
                  </td>
                  <td className="px-3 py-2">
                    <OrderLink id={letter.document_id} topic={letter.document_topic} status={letter.document_status} />
                  </td>
                  <td className={`max-w-xs px-3 py-2 text-xs ${letter.canRetry ? "text-slate-700" : "text-amber-900"}`}>
                    {letter.note}
                  </td>
                  <td className="space-y-1 px-3 py-2">
                    <Button
                      type="submit"
                      form={`dead-letter-${letter.id}`}
                      name="intent"
                      value="retry"
                      variant="secondary"
                      disabled={busy || !letter.canRetry}
                      aria-label={t("jobs.retryOne", { queue: letter.queue, id: letter.id })}
                    >
                      {t("jobs.retry")}
                    </Button>
                    <Button
                      type="submit"
                      form={`dead-letter-${letter.id}`}
                      name="intent"
                      value="discard"
                      variant="danger"
                      disabled={busy}
                      aria-label={t("jobs.discardOne", { queue: letter.queue, id: letter.id })}
                    >
                      {t("jobs.discard")}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Field id="dead-letters-reason" label={t("jobs.reason")} hint={t("jobs.reasonHint")}>
          <textarea id="dead-letters-reason" name="reason" rows={2} maxLength={500} className={inputClass} />
        </Field>
        <div className="flex flex-wrap gap-3">
          <Button type="submit" name="intent" value="retry" disabled={busy}>
            {t("jobs.retryTicked")}
          </Button>
          <Button type="submit" name="intent" value="discard" variant="danger" disabled={busy}>
            {t("jobs.discardTicked")}
          </Button>
        </div>
      </Form>
      {letters.map((letter) => (
        <Form key={letter.id} method="post" id={`dead-letter-${letter.id}`} hidden>
          <input type="hidden" name="ids" value={letter.id} />
        </Form>
      ))}
    </>
  );
}

export function HandledDeadLetters({ letters }: { letters: HandledDeadLetter[] }) {
  const { t } = useTranslation("admin");
  const locale = useLocale();
  if (letters.length === 0) return <p className="text-sm text-slate-600">{t("jobs.noHandled")}</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">{t("jobs.handledCaption")}</caption>
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">
              {t("shared.job")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("jobs.outcome")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("jobs.by")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("shared.when")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("shared.order")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {letters.map((letter) => (
            <tr key={letter.id} data-handled-dead-letter={letter.id}>
              <td className="px-3 py-2">
                <span className="font-mono">{letter.queue}</span>{" "}
                <span className="font-mono text-xs text-slate-500">{letter.id}</span>
              </td>
              <td className="px-3 py-2">
                {letter.outcome === "retried" || letter.outcome === "discarded"
                  ? t(`jobs.outcomes.${letter.outcome}`)
                  : letter.outcome}
                {letter.retry_job_id ? (
                  <span className="ml-1 font-mono text-xs text-slate-500">
                    {t("jobs.asJob", { id: letter.retry_job_id })}
                  </span>
                ) : null}
              </td>
              <td className="px-3 py-2">{letter.handled_by_email ?? "—"}</td>
              <td className="whitespace-nowrap px-3 py-2">
                {letter.handled_at ? formatDateTime(letter.handled_at, locale) : "—"}
              </td>
              <td className="px-3 py-2">
                <OrderLink id={letter.document_id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
