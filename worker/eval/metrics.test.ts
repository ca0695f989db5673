import { describe, expect, it } from "vitest";
import { average, citationStats, lengthScore, sectionBalance } from "./metrics";

describe("evaluation metrics", () => {
  it("length score follows LongWriter: 100 on target, gentler when too long than when too short", () => {
    expect(lengthScore(1000, 1000)).toBe(100);
    expect(lengthScore(1000, 1300)).toBeCloseTo(90, 5); // 100·(1 − 0.3/3)
    expect(lengthScore(1000, 800)).toBeCloseTo(87.5, 5); // 100·(1 − 0.25/2)
    expect(lengthScore(1000, 200)).toBe(0);
    expect(lengthScore(1000, 5000)).toBe(0);
  });

  it("section balance is the share of sections within ±20 % of their budget", () => {
    expect(
      sectionBalance([
        { words: 100, target: 100 },
        { words: 130, target: 100 },
        { words: 85, target: 100 },
        { words: 50, target: 100 },
      ]),
    ).toBe(0.5);
  });

  it("counts citations that resolve, and cited sources with a DOI or URL", () => {
    const stats = citationStats(
      ["As shown [@a; @b], and again [@a, p. 3].", "Invented [@x]."],
      [
        { key: "a", doi: "10.1/a", url: null },
        { key: "b", doi: null, url: null },
        { key: "c", doi: "10.1/c", url: null },
      ],
    );
    expect(stats).toEqual({ citations: 4, resolved: 3, citedSources: 2, backed: 1 });
  });

  it("averages what is known", () => {
    expect(average([1, null, 3])).toBe(2);
    expect(average([null])).toBeNull();
  });
});
