import { describe, expect, it } from "vitest";
import { decideOutcome } from "./review";

const sections = (statuses: string[]) =>
  statuses.map((status, index) => ({
    index,
    heading: `Part ${index + 1}`,
    status,
    content: status === "passed" ? `Text ${index + 1}` : null,
  }));

describe("the final status of a document", () => {
  it("is completed when every section passed", () => {
    expect(decideOutcome(sections(["passed", "passed"]), 0.85)).toEqual({ status: "completed", warnings: [] });
  });

  it("is completed with warnings naming each failed section at or above the threshold (9 of 10)", () => {
    const outcome = decideOutcome(sections([...Array(9).fill("passed"), "failed"]), 0.85);
    expect(outcome.status).toBe("completed_with_warnings");
    expect(outcome.warnings).toEqual(['Section 10 "Part 10" did not pass the quality checks.']);
  });

  it("fails the quality threshold below it (7 of 10)", () => {
    expect(decideOutcome(sections([...Array(7).fill("passed"), "failed", "failed", "failed"]), 0.85).status).toBe(
      "failed_quality",
    );
  });
});
