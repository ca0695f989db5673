import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { Score } from "~/components/score";
import { stageText } from "~/i18n/catalog-labels";
import type { ProgressSnapshot, SectionSnapshot } from "~/utils/document-events";
import { formatDuration, formatNumber } from "~/utils/format";

const SECTION_ICON: Record<SectionSnapshot["status"], string> = {
  pending: "○",
  writing: "✎",
  passed: "✓",
  failed: "✗",
};

/**
 * A document's live progress: stage, bar, time left and sections. Rendered from the snapshot the socket events keep
 * up to date, so every text comes from the browser's t in the reader's language.
 */
export function DocumentProgressPanel({
  snapshot,
  connection,
  active,
}: {
  snapshot: ProgressSnapshot;
  connection: "connecting" | "live" | "polling";
  active: boolean;
}) {
  const { t } = useTranslation(["documents", "catalog"]);
  const locale = useLocale();
  const finished = snapshot.sections.filter((s) => s.status === "passed" || s.status === "failed").length;
  const totalWords = snapshot.sections.reduce((n, s) => n + (s.wordCount ?? 0), 0);
  const number = (n: number) => formatNumber(n, locale);
  return (
    <section aria-labelledby="progress-heading" className="rounded-lg border border-slate-200 bg-white p-5">
      <div className="flex items-baseline justify-between">
        <h2 id="progress-heading" className="font-semibold">
          {snapshot.status === "awaiting_payment"
            ? t("progress.awaitingPayment")
            : stageText(t, snapshot.stage ?? "queued")}
          {snapshot.stage === "writing" && snapshot.sections.length
            ? ` — ${t("progress.sectionsWritten", { finished: number(finished), total: number(snapshot.sections.length) })}`
            : ""}
        </h2>
        <span className="text-sm text-slate-600" data-testid="progress-percent">
          {formatNumber(snapshot.percent / 100, locale, { style: "percent" })}
        </span>
      </div>
      <div
        className="mt-3 h-3 w-full overflow-hidden rounded-full bg-slate-200"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={snapshot.percent}
        aria-label={t("progress.barLabel")}
      >
        <div className="h-full bg-brand-600 transition-all duration-500" style={{ width: `${snapshot.percent}%` }} />
      </div>
      <p className="mt-2 text-xs text-slate-500">
        {active
          ? snapshot.etaSeconds != null
            ? t("progress.eta", { duration: formatDuration(snapshot.etaSeconds, locale) })
            : t("progress.estimating")
          : null}
        {active ? (
          <span className="ml-2">
            {connection === "live" ? t("progress.live") : connection === "polling" ? t("progress.reconnecting") : ""}
          </span>
        ) : null}
      </p>
      {snapshot.sections.length ? (
        <details open={active} className="mt-4">
          <summary className="cursor-pointer text-sm text-slate-600">
            {t("progress.summary", { count: snapshot.sections.length, words: number(totalWords) })}
          </summary>
          <ol className="mt-2 space-y-1 text-sm" aria-label={t("progress.sectionsLabel")}>
            {snapshot.sections.map((s) => (
              <li
                key={s.index}
                className="flex flex-wrap items-center gap-x-2"
                data-testid="section-progress"
                data-status={s.status}
              >
                <span
                  aria-hidden
                  className={
                    s.status === "failed"
                      ? "text-red-600"
                      : s.status === "passed"
                        ? "text-emerald-600"
                        : "text-slate-400"
                  }
                >
                  {SECTION_ICON[s.status]}
                </span>
                <span className="flex-1">{s.heading}</span>
                <span className="sr-only">{t(`progress.sectionStatus.${s.status}`)}</span>
                <span className="text-xs text-slate-500">
                  {s.wordCount != null
                    ? t("progress.wordsOfTarget", { written: number(s.wordCount), target: number(s.targetWords) })
                    : s.status === "writing"
                      ? t("progress.writing")
                      : t("progress.targetWords", { target: number(s.targetWords) })}
                </span>
                {s.status === "passed" || s.status === "failed" ? (
                  <span className="w-full pl-6 text-xs text-slate-500 tabular-nums" data-testid="section-scores">
                    {t("progress.uniqueness")} <Score kind="uniqueness" value={s.scores?.uniqueness} /> ·{" "}
                    {t("progress.grammar")} <Score kind="grammar" value={s.scores?.grammar} /> · {t("progress.ai")}{" "}
                    <Score kind="ai" value={s.scores?.ai} />
                  </span>
                ) : null}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}
