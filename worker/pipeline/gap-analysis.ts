import { findCitationKeys } from "../export/citations";
import { contentWords, countWords } from "../quality/common";
import { promptTexts } from "./prompt-texts";

export type SectionForReview = {
  index: number;
  heading: string;
  status: string;
  content: string | null;
  target_words: number;
  key_points: unknown;
  source_keys: unknown;
};

export type SectionFinding = {
  index: number;
  heading: string;
  words: number;
  target: number;
  lengthRatio: number;
  /** Share of the outline's key points the text covers (1 when the outline gave none). */
  keyPointCoverage: number;
  missingKeyPoints: string[];
};

export type GapFindings = {
  sections: SectionFinding[];
  /** Sources assigned to sections but cited nowhere. */
  uncitedSources: string[];
  /** Share of the sources published in the last 5 years; null without sources or years. */
  recentShare: number | null;
  /** What the review decided to revise, with the reasons given to the writer. */
  toRevise: { index: number; reasons: string[] }[];
  /** Revisions left out because the token budget would not cover them. */
  skippedForBudget: number[];
  revised: number[];
  revisionsRejected: number[];
};

const MIN_LENGTH_RATIO = 0.8;
const MIN_KEY_POINT_COVERAGE = 0.5;

/** A key point counts as covered when at least half of its content words appear in the section. */
export function keyPointsCovered(text: string, keyPoints: string[]): { coverage: number; missing: string[] } {
  if (keyPoints.length === 0) return { coverage: 1, missing: [] };
  const words = new Set(contentWords(text));
  const missing = keyPoints.filter((point) => {
    const needed = contentWords(point);
    if (needed.length === 0) return false;
    return needed.filter((w) => words.has(w)).length / needed.length < 0.5;
  });
  return { coverage: (keyPoints.length - missing.length) / keyPoints.length, missing };
}

/**
 * The review's gap analysis: completeness against the outline's key points, balance against the word budgets, sources
 * never cited, recency of the sources; and the rule that picks what to revise — passed sections under 80 % of their
 * budget or covering fewer than half their key points, worst first, at most a quarter of the sections, and only as
 * many as `tokenBudget` (estimated tokens in + out) allows.
 */
export function analyseGaps(
  sections: SectionForReview[],
  sources: { key: string; year: number | null }[],
  /** `language`: the order's; the reasons go to the writer in it (English when absent). */
  options: { tokenBudget: number; now?: Date; language?: string },
): GapFindings {
  const { review } = promptTexts(options.language ?? "en");
  const findings: SectionFinding[] = sections.map((s) => {
    const text = s.content ?? "";
    const words = countWords(text.replace(/\[[^\]]*@[^\]]*\]/g, ""));
    const covered = keyPointsCovered(text, (s.key_points as string[]) ?? []);
    return {
      index: s.index,
      heading: s.heading,
      words,
      target: s.target_words,
      lengthRatio: s.target_words ? words / s.target_words : 1,
      keyPointCoverage: covered.coverage,
      missingKeyPoints: covered.missing,
    };
  });
  const cited = new Set(sections.flatMap((s) => findCitationKeys(s.content ?? "")));
  const assigned = new Set(sections.flatMap((s) => (s.source_keys as string[]) ?? []));
  const uncitedSources = [...assigned].filter((k) => !cited.has(k)).sort();
  const year = (options.now ?? new Date()).getUTCFullYear();
  const dated = sources.filter((s) => s.year !== null);
  const recentShare = dated.length ? dated.filter((s) => s.year! >= year - 5).length / dated.length : null;

  const candidates = findings
    .filter((f) => sections.find((s) => s.index === f.index)?.status === "passed")
    .map((f) => {
      const reasons: string[] = [];
      if (f.lengthRatio < MIN_LENGTH_RATIO) reasons.push(review.tooShort(f.words, f.target));
      if (f.keyPointCoverage < MIN_KEY_POINT_COVERAGE)
        reasons.push(review.missingKeyPoints(f.missingKeyPoints.join("; ")));
      return { index: f.index, reasons, severity: Math.min(f.lengthRatio, f.keyPointCoverage), target: f.target };
    })
    .filter((c) => c.reasons.length)
    .sort((a, b) => a.severity - b.severity || a.index - b.index)
    .slice(0, Math.max(1, Math.ceil(sections.length / 4)));

  const toRevise: GapFindings["toRevise"] = [];
  const skippedForBudget: number[] = [];
  let budget = options.tokenBudget;
  for (const c of candidates) {
    // A revision reads the section and writes it again: about 1.4 tokens a word, twice, plus the prompt.
    const cost = Math.ceil(c.target * 1.4 * 2) + 600;
    if (cost > budget) {
      skippedForBudget.push(c.index);
      continue;
    }
    budget -= cost;
    toRevise.push({ index: c.index, reasons: c.reasons });
  }
  return {
    sections: findings,
    uncitedSources,
    recentShare,
    toRevise,
    skippedForBudget,
    revised: [],
    revisionsRejected: [],
  };
}
