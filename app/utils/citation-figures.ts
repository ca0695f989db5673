// An order's citation figures (decision 048), from the judge's verdicts on its delivered text. Pure.
//   precision — supported citations / citations (a "partly" verdict counts half)
//   recall    — sentences that need a citation and have a supporting one / sentences that need one (the best verdict
//               among a sentence's citations counts: supported 1, partly ½, none or unsupported 0)
// null when there is nothing to divide by: no citation judged (precision), no sentence needing one (recall).

export type Verdict = "supported" | "partly" | "unsupported";

/** One judged sentence–citation pair, or (source null) a sentence that cites nothing. */
export type VerdictRow = {
  section: string;
  sentence: number;
  source: string | null;
  verdict: Verdict | null;
  needsCitation: boolean;
};

export type CitationFigures = { precision: number | null; recall: number | null };

/** What a verdict is worth in the support share, the gate's and the figures' alike. */
export function supportWeight(verdict: Verdict | null): number {
  return verdict === "supported" ? 1 : verdict === "partly" ? 0.5 : 0;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function citationFigures(rows: readonly VerdictRow[]): CitationFigures {
  const citations = rows.filter((r) => r.source !== null);
  const precision = citations.length
    ? round3(citations.reduce((sum, r) => sum + supportWeight(r.verdict), 0) / citations.length)
    : null;
  const sentences = new Map<string, { needs: boolean; best: number }>();
  for (const r of rows) {
    const id = `${r.section}\u0000${r.sentence}`;
    const s = sentences.get(id) ?? { needs: false, best: 0 };
    s.needs ||= r.needsCitation;
    s.best = Math.max(s.best, supportWeight(r.verdict));
    sentences.set(id, s);
  }
  const needing = [...sentences.values()].filter((s) => s.needs);
  const recall = needing.length ? round3(needing.reduce((sum, s) => sum + s.best, 0) / needing.length) : null;
  return { precision, recall };
}
