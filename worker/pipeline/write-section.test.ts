import { describe, expect, it } from "vitest";
import { checkAttempt, citable, countWords } from "./write-section";

describe("countWords", () => {
  it("counts what splitting on whitespace (/\\s+/) counts, for every kind of whitespace", () => {
    const samples = ["", " ", "a", " a b  c ", "a\u00a0b\u2003c\u3000d\ufeffe", "x\ny\tz\r\nw\v\f", "\u200bzero\u200bwidth", "end\u2028of\u2029line", "tail "];
    // Mixed strings of whitespace and non-whitespace (U+200B and U+0085 are not \s), from a fixed seed.
    const alphabet = [32, 9, 10, 11, 12, 13, 160, 0x1680, 0x2000, 0x200a, 0x202f, 0x205f, 0x3000, 0xfeff, 0x200b, 0x85, 0x180e, 97, 0x44f, 0x4e2d];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) samples.push(Array.from({ length: 1 + (next() % 30) }, () => String.fromCharCode(alphabet[next() % alphabet.length])).join(""));
    for (const text of samples) expect(countWords(text), JSON.stringify(text)).toBe(text.split(/\s+/).filter(Boolean).length);
  });
});

describe("checkAttempt", () => {
  const sources = [
    citable({ key: "smith2020", doi: "10.1000/known", csl: { URL: "https://example.org/smith" } }),
    citable({ key: "lee2019", doi: null, csl: {} }),
  ];
  const text = (extra: string) => `${"Words of the section. ".repeat(30)}${extra}`;

  it("keeps the DOIs and URLs of the document's sources and removes any other", () => {
    const check = checkAttempt(
      text("See https://example.org/smith and doi 10.1000/known [@smith2020], not https://invented.example/x or 10.9999/made.up."),
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
