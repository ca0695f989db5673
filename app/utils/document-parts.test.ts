import { describe, expect, it } from "vitest";
import {
  PART_CHARACTER_BUDGET,
  partOfSection,
  partQuerySchema,
  partsOf,
  sectionLength,
  sectionsOf,
  type TextSection,
} from "./document-parts";

/** A section of about `characters` characters, in paragraphs of ~400. */
function section(heading: string, characters: number): string {
  const paragraph = `${heading} paragraph text `.repeat(40).slice(0, 400).trim();
  const paragraphs = Array.from({ length: Math.max(1, Math.round(characters / 400)) }, () => paragraph);
  return `## ${heading}\n\n${paragraphs.join("\n\n")}`;
}

const content = [
  "# Rail freight and the energy transition",
  section("Introduction", 2_000),
  section("Chapter 1", 5_000),
  section("Chapter 2", 4_000),
  section("Chapter 3", 30_000),
  section("Chapter 4", 3_000),
  section("Conclusion", 2_000),
  "## References\n\nAdams, A. (2020). Rail. Press.\n\nBrown, B. (2021). Freight. Press.",
].join("\n\n");

describe("a delivered text in parts", () => {
  const sections = sectionsOf(content);
  const parts = partsOf(sections);

  it("reads every '## ' block as a section, the references included, the title line not", () => {
    expect(sections.map((s) => s.heading)).toEqual([
      "Introduction",
      "Chapter 1",
      "Chapter 2",
      "Chapter 3",
      "Chapter 4",
      "Conclusion",
      "References",
    ]);
    expect(sections.at(-1)!.paragraphs).toEqual([
      "Adams, A. (2020). Rail. Press.",
      "Brown, B. (2021). Freight. Press.",
    ]);
  });

  it("groups consecutive sections within the budget; a section longer than it is a part of its own", () => {
    expect(parts.map((p) => [p.number, p.first, p.last])).toEqual([
      [1, 0, 2], // 2,000 + 5,000 + 4,000
      [2, 3, 3], // 30,000: alone
      [3, 4, 6], // 3,000 + 2,000 + the references
    ]);
    for (const part of parts) {
      const length = sections.slice(part.first, part.last + 1).reduce((n, s) => n + sectionLength(s), 0);
      if (part.first !== part.last) expect(length).toBeLessThanOrEqual(PART_CHARACTER_BUDGET);
    }
  });

  it("loses no text: the parts joined, in order, are the sections", () => {
    const joined: TextSection[] = parts.flatMap((p) => sections.slice(p.first, p.last + 1));
    expect(joined).toEqual(sections);
    expect(parts.map((p) => p.first)).toEqual([0, ...parts.slice(0, -1).map((p) => p.last + 1)]);
    expect(parts.at(-1)!.last).toBe(sections.length - 1);
    // Every paragraph of the original text is in some part.
    const paragraphs = joined.flatMap((s) => s.paragraphs).join("\n\n");
    for (const block of content.split(/\n{2,}/).filter((b) => !b.startsWith("#"))) expect(paragraphs).toContain(block);
  });

  it("names the part that holds each section", () => {
    expect(sections.map((_, i) => partOfSection(parts, i))).toEqual([1, 1, 1, 2, 3, 3, 3]);
  });

  it("a short text is one part, and a text without sections has none", () => {
    expect(partsOf(sectionsOf("# T\n\n## A\n\nOne.\n\n## References\n\nNone."))).toEqual([
      { number: 1, first: 0, last: 1 },
    ]);
    expect(partsOf(sectionsOf("# T only"))).toEqual([]);
  });
});

describe("?part=", () => {
  const parse = (part?: string) => partQuerySchema.safeParse({ part });

  it("is part 1 when absent, and the number given when it is a whole number from 1 on", () => {
    expect(parse().data).toEqual({ part: 1 });
    expect(parse("2").data).toEqual({ part: 2 });
    expect(parse("999").data).toEqual({ part: 999 });
  });

  it("refuses zero, negatives, fractions, words and the empty string with the same message", () => {
    for (const bad of ["0", "-1", "1.5", "abc", "", " 2", "1e3", "9999999999999"]) {
      const parsed = parse(bad);
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error?.issues[0]?.message, bad).toBe("documents:parts.badNumber");
    }
  });
});
