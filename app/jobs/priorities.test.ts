import { describe, expect, it } from "vitest";
import { planPriority, sectionPriority } from "./priorities";

describe("queue priorities", () => {
  it("puts premium first, then smaller documents, then earlier sections", () => {
    expect(sectionPriority(true, 200, 23)).toBeGreaterThan(sectionPriority(false, 5, 0));
    expect(sectionPriority(false, 5, 3)).toBeGreaterThan(sectionPriority(false, 6, 0));
    expect(sectionPriority(false, 10, 0)).toBeGreaterThan(sectionPriority(false, 10, 1));
  });

  it("plans premium and express orders first", () => {
    expect(planPriority(true)).toBeGreaterThan(planPriority(false));
  });
});
