import { describe, expect, it } from "vitest";
import { wordsPerPage } from "../../app/utils/catalog";
import { parseOutline, sectionCount, wordBudgets } from "./outline";

describe("the outline", () => {
  it("grows the number of sections with the length, within 3 and 24", () => {
    expect(sectionCount(5)).toBe(4);
    expect(sectionCount(10)).toBe(6);
    expect(sectionCount(1)).toBe(3);
    expect(sectionCount(200)).toBe(24);
  });

  it("splits pages × words per page into budgets, half for introduction and conclusion", () => {
    const budgets = wordBudgets(10, "en", 6);
    expect(budgets[0]).toBe(budgets[5]);
    expect(budgets[1]).toBe(budgets[0] * 2);
    expect(budgets.reduce((a, b) => a + b, 0)).toBe(10 * wordsPerPage("en"));
    expect(wordBudgets(10, "de", 6).reduce((a, b) => a + b, 0)).toBe(10 * wordsPerPage("de"));
  });

  it("keeps our count and budgets whatever the model returned", () => {
    const text = JSON.stringify({
      sections: Array.from({ length: 8 }, (_, i) => ({ heading: `H${i}`, brief: "b", keyPoints: ["k"] })),
    });
    const outline = parseOutline(text, 5, "en", 4);
    expect(outline.map((s) => s.heading)).toEqual(["H0", "H1", "H2", "H3"]);
    expect(outline.reduce((n, s) => n + s.targetWords, 0)).toBe(5 * wordsPerPage("en"));
  });

  it("accepts JSON in a code fence and rejects what is not an outline", () => {
    const fenced =
      '```json\n{"sections":[{"heading":"A","brief":"b"},{"heading":"B","brief":"b"},{"heading":"C","brief":"b"}]}\n```';
    expect(parseOutline(fenced, 5, "en", 3)).toHaveLength(3);
    expect(() => parseOutline("Sure! Here is an outline:", 5, "en", 3)).toThrow("The outline was not valid JSON");
    expect(() => parseOutline('{"chapters":[]}', 5, "en", 3)).toThrow(/expected shape/);
    expect(() => parseOutline('{"sections":[{"heading":"A","brief":"b"}]}', 5, "en", 4)).toThrow(
      "The outline had 1 sections; 4 were asked",
    );
  });
});

describe("section priority", () => {
  it("puts premium first, then smaller documents, then earlier sections", async () => {
    const { sectionPriority } = await import("../../app/jobs/definitions");
    expect(sectionPriority(true, 200, 23)).toBeGreaterThan(sectionPriority(false, 5, 0));
    expect(sectionPriority(false, 5, 3)).toBeGreaterThan(sectionPriority(false, 6, 0));
    expect(sectionPriority(false, 10, 0)).toBeGreaterThan(sectionPriority(false, 10, 1));
  });
});
