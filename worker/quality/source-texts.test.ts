import { describe, expect, it } from "vitest";
import { pickPassages, type SourceTexts } from "./source-texts";

const withPages = (pages: string[]): SourceTexts => ({ key: "k", title: "Housing", abstract: "An abstract.", pages });

describe("the passage picker", () => {
  it("sends the title and abstract, without a page, when no full text is stored", () => {
    expect(pickPassages(["any claim"], { key: "k", title: "Housing", abstract: "Rents rose.", pages: null })).toEqual([
      { page: null, text: "Housing. Rents rose." },
    ]);
  });

  it("sends the pages that share the most words with the claim, labelled with their numbers, in page order", () => {
    const source = withPages([
      "Introduction and method of the survey.",
      "Suburban rents rose sharply after remote work spread.",
      "Appendix tables.",
      "Remote work reduced office demand in city centres.",
    ]);
    expect(pickPassages(["Remote work reduced office demand in city centres"], source, 1)).toEqual([
      { page: 4, text: "Remote work reduced office demand in city centres." },
    ]);
    // Two claims: each one's best page is in before any second best; the order is the pages'.
    const two = pickPassages(
      ["Remote work reduced office demand in city centres", "Suburban rents rose sharply"],
      source,
      2,
    );
    expect(two.map((p) => p.page)).toEqual([2, 4]);
  });

  it("falls back to the first page when no page shares a word with the claim", () => {
    expect(pickPassages(["zzzz yyyy"], withPages(["First page.", "Second page."])).map((p) => p.page)).toEqual([1]);
  });
});
