// Quality scores as stored on documents and sections. Scales (the quality gates write them this way):
//   uniqueness — percent of the text not found elsewhere, 0–100
//   grammar    — grammar errors per 1,000 words
//   ai         — AI-detection score, 0–100 (percent likelihood the text reads as machine-written)
// NULL means the check did not run or its service was unavailable: shown as "N/A", never as 0.
export type ScoreKind = "uniqueness" | "grammar" | "ai";

const number = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });

const DESCRIPTION: Record<ScoreKind, (value: string) => string> = {
  uniqueness: (v) => `Uniqueness: ${v}% of the text is original`,
  grammar: (v) => `${v} grammar errors per 1,000 words`,
  ai: (v) => `AI-detection score: ${v}% likelihood that the text reads as machine-written`,
};

export function formatScore(kind: ScoreKind, value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return "N/A";
  const v = number.format(value);
  return kind === "grammar" ? v : `${v}%`;
}

export function Score({ kind, value }: { kind: ScoreKind; value: number | null | undefined }) {
  const text = formatScore(kind, value);
  if (text === "N/A") {
    return (
      <span className="text-slate-400" title="Not available: this check did not run or its service was unavailable">
        N/A
      </span>
    );
  }
  return <span title={DESCRIPTION[kind](number.format(value!))}>{text}</span>;
}
