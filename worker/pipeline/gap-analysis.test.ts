import { describe, expect, it } from "vitest";
import { analyseGaps, keyPointsCovered } from "./gap-analysis";

const words = (n: number, extra = "") =>
  `${extra} ${Array.from({ length: n }, (_, i) => `word${i % 50}`).join(" ")}`.trim();
const section = (
  index: number,
  content: string,
  target: number,
  keyPoints: string[] = [],
  sourceKeys: string[] = [],
  status = "passed",
) => ({
  index,
  heading: `Part ${index + 1}`,
  status,
  content,
  target_words: target,
  key_points: keyPoints,
  source_keys: sourceKeys,
});

describe("the review's gap analysis", () => {
  it("finds key points a section leaves out", () => {
    expect(
      keyPointsCovered("Tidal barrages change estuary sediment and fish migration.", [
        "estuary sediment",
        "fish migration routes",
        "electricity prices",
      ]),
    ).toEqual({
      coverage: 2 / 3,
      missing: ["electricity prices"],
    });
  });

  it("revises short sections and sections missing key points, worst first, at most a quarter, within the token budget", () => {
    const sections = [
      section(0, words(300), 300),
      section(1, words(200), 300), // 67 %: short
      section(2, words(290, "nothing about the outline"), 300, ["harbour dredging costs", "port authority finances"]),
      section(3, words(100), 300, [], [], "failed"), // failed sections are the review's verdict, not revised
      section(4, words(300), 300),
      section(5, words(300), 300),
      section(6, words(300), 300),
      section(7, words(290), 300),
    ];
    const findings = analyseGaps(sections, [], { tokenBudget: 100_000 });
    expect(findings.toRevise.map((r) => r.index)).toEqual([2, 1]); // coverage 0 before ratio 0.67; cap: 8 / 4 = 2
    expect(findings.toRevise[0].reasons[0]).toContain(
      "key points of the outline: harbour dredging costs; port authority finances",
    );
    expect(findings.toRevise[1].reasons[0]).toBe(
      "It has 200 words; it needs about 300. Develop the argument to that length.",
    );

    const tight = analyseGaps(sections, [], { tokenBudget: 1500 });
    expect(tight.toRevise.map((r) => r.index)).toEqual([2]);
    expect(tight.skippedForBudget).toEqual([1]);
  });

  it("reports sources never cited and the share of recent sources", () => {
    const findings = analyseGaps(
      [
        section(0, "As shown [@a2024].", 3, [], ["a2024", "b1990"]),
        section(1, "Also [@a2024; @c2022].", 3, [], ["c2022"]),
      ],
      [
        { key: "a2024", year: 2024 },
        { key: "b1990", year: 1990 },
        { key: "c2022", year: 2022 },
        { key: "d", year: null },
      ],
      { tokenBudget: 0, now: new Date("2026-11-22") },
    );
    expect(findings.uncitedSources).toEqual(["b1990"]);
    expect(findings.recentShare).toBeCloseTo(2 / 3);
  });
});
