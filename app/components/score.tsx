import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { formatNumber } from "~/utils/format";

// Quality scores as stored on documents and sections. Scales (the quality gates write them this way):
//   uniqueness — percent of the text not found elsewhere, 0–100
//   grammar    — grammar errors per 1,000 words
//   ai         — AI-detection score, 0–100 (percent likelihood the text reads as machine-written)
// NULL means the check did not run or its service was unavailable: shown as "N/A" (translated), never as 0.
export type ScoreKind = "uniqueness" | "grammar" | "ai";

/** A score in the reader's number format ("87.5%", "87,5 %", "1.2"); null when there is none to show. */
export function formatScore(kind: ScoreKind, value: number | null | undefined, locale = "en"): string | null {
  if (value == null || !Number.isFinite(value)) return null;
  return kind === "grammar"
    ? formatNumber(value, locale, { maximumFractionDigits: 1 })
    : formatNumber(value / 100, locale, { style: "percent", maximumFractionDigits: 1 });
}

export function Score({ kind, value }: { kind: ScoreKind; value: number | null | undefined }) {
  const { t } = useTranslation("documents");
  const locale = useLocale();
  const text = formatScore(kind, value, locale);
  if (text === null) {
    return (
      <span className="text-slate-400" title={t("scores.notAvailableTitle")}>
        {t("notAvailable")}
      </span>
    );
  }
  const title =
    kind === "uniqueness"
      ? t("scores.uniquenessTitle", { value: text })
      : kind === "grammar"
        ? t("scores.grammarTitle", { value: text })
        : t("scores.aiTitle", { value: text });
  return <span title={title}>{text}</span>;
}

/** An order's citation figure (precision or recall, stored 0–1): a percentage, or "N/A" when nothing was judged. */
export function CitationFigure({ kind, value }: { kind: "precision" | "recall"; value: number | null | undefined }) {
  const { t } = useTranslation(["citationSupport", "documents"]);
  const locale = useLocale();
  if (value == null || !Number.isFinite(value)) {
    return (
      <span className="text-slate-400" title={t("citationSupport:notChecked")}>
        {t("documents:notAvailable")}
      </span>
    );
  }
  const text = formatNumber(value, locale, { style: "percent", maximumFractionDigits: 1 });
  return <span title={t(`citationSupport:${kind}Title`, { value: text })}>{text}</span>;
}

/** One figure of the delivered document's quality: its name above, its value below. */
export function ScoreTile({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="rounded-md border border-slate-200 bg-white p-3">
      <dt className="text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
