import { describe, expect, it } from "vitest";
import { checkAttempt, citable } from "./section-checks";

describe("checkAttempt", () => {
  const sources = [
    citable({ key: "smith2020", doi: "10.1000/known", csl: { URL: "https://example.org/smith" } }),
    citable({ key: "lee2019", doi: null, csl: {} }),
  ];
  const text = (extra: string) => `${"Words of the section. ".repeat(30)}${extra}`;

  it("keeps the DOIs and URLs of the document's sources and removes any other", () => {
    const check = checkAttempt(
      text(
        "See https://example.org/smith and doi 10.1000/known [@smith2020], not https://invented.example/x or 10.9999/made.up.",
      ),
      100,
      sources,
      false,
    );
    expect(check.passed).toBe(true);
    expect(check.text).toContain("https://example.org/smith");
    expect(check.text).toContain("10.1000/known");
    expect(check.text).not.toContain("invented.example");
    expect(check.text).not.toContain("10.9999/made.up");
  });

  it("fails an unknown citation with feedback, and removes it on the last attempt", () => {
    const first = checkAttempt(text("As shown [@ghost2021]."), 100, sources, false);
    expect(first.passed).toBe(false);
    expect(first.feedback.join(" ")).toMatch(/ghost2021/);
    const last = checkAttempt(text("As shown [@ghost2021]."), 100, sources, true);
    expect(last).toMatchObject({ passed: true, removedCitations: ["ghost2021"] });
    expect(last.text).not.toContain("ghost2021");
  });
});
