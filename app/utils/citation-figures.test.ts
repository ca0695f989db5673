import { describe, expect, it } from "vitest";
import fixture from "./citation-figures.fixture.json";
import { citationFigures, supportWeight, type Verdict, type VerdictRow } from "./citation-figures";

type LabelledSentence = {
  section: string;
  sentence: number;
  needsCitation: boolean;
  citations: Record<string, Verdict | undefined>;
};

/** The fixture's sentences as the table stores them: one row per cited source, or one without a source. */
function rowsOf(sentences: readonly LabelledSentence[]): VerdictRow[] {
  return sentences.flatMap((s): VerdictRow[] => {
    const cited = Object.entries(s.citations) as [string, Verdict][];
    const base = { section: s.section, sentence: s.sentence, needsCitation: s.needsCitation };
    return cited.length
      ? cited.map(([source, verdict]) => ({ ...base, source, verdict }))
      : [{ ...base, source: null, verdict: null }];
  });
}

describe("citation precision and recall", () => {
  it("match the figures worked out by hand on the labelled fixture", () => {
    // Citations: A0 smith 1, A1 smith 1, A1 lee 0, A4 ortiz ½, B0 kim 0, B1 rossi 1 → 3.5 / 6 = 0.583.
    // Sentences needing one: A0 (best 1), A1 (best 1), A2 (none, 0), A4 (partly, ½), B0 (unsupported, 0) → 2.5 / 5.
    // B1 cites a supporting source but needs none: it counts for precision, not recall.
    expect(citationFigures(rowsOf(fixture.sentences as LabelledSentence[]))).toEqual(fixture.expected);
  });

  it("are null, not 0 or 100 %, when there is nothing to divide by", () => {
    expect(citationFigures([])).toEqual({ precision: null, recall: null });
    const uncited = rowsOf((fixture.sentences as LabelledSentence[]).filter((s) => !Object.keys(s.citations).length));
    // A2 needs a citation and has none: recall 0; no citation at all: precision unknown.
    expect(citationFigures(uncited)).toEqual({ precision: null, recall: 0 });
  });

  it("count a partly supported citation as half", () => {
    expect([supportWeight("supported"), supportWeight("partly"), supportWeight("unsupported")]).toEqual([1, 0.5, 0]);
  });
});
