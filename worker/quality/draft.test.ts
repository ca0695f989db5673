import { describe, expect, it } from "vitest";
import { completeParagraphs, paragraphsOf } from "./common";
import { DraftCheck } from "./draft";
import type { QualityGate } from "./types";

describe("paragraphs", () => {
  it("splits at white space holding two line breaks, trims each paragraph and keeps its place in the text", () => {
    const text = "  First one.\nStill the first.\n\nSecond;\r\n \r\nthird \n\t\n\n fourth  ";
    const paragraphs = paragraphsOf(text);
    expect(paragraphs.map((p) => p.text)).toEqual(["First one.\nStill the first.", "Second;", "third", "fourth"]);
    for (const p of paragraphs) expect(text.slice(p.start, p.start + p.text.length)).toBe(p.text);
    expect(paragraphsOf(" \n\n ")).toEqual([]);
  });

  it("finds, in every prefix of a text, only paragraphs the whole text has, and all of them by its end", () => {
    const text = "Alpha beta.\n\nGamma delta\r\n\r\nepsilon.\n \nZeta\n\n\n\nEta theta.";
    const whole = paragraphsOf(text);
    for (let cut = 0; cut <= text.length; cut++) {
      const { paragraphs } = completeParagraphs(text.slice(0, cut));
      expect(paragraphs, `prefix of ${cut}`).toEqual(whole.slice(0, paragraphs.length));
    }
    // Complete once the break after it has arrived; the last one never is (nothing follows it).
    expect(completeParagraphs(text).paragraphs).toEqual(whole.slice(0, -1));
  });
});

describe("DraftCheck", () => {
  // A gate that only records what it is given before the check.
  const recorder = () => {
    const seen: string[] = [];
    const gate: QualityGate = {
      name: "recorder",
      check: async () => ({ gate: "recorder", score: null, passed: true, feedback: [] }),
      precheck: (p) => seen.push(p),
    };
    return { gate, seen };
  };

  it("hands each finished paragraph to the gates once, however the answer is cut into pieces", () => {
    const text = "One two three.\n\nFour five six.\n\nSeven eight nine.\n\nTen (unfinished)";
    for (const size of [1, 3, 7, 1000]) {
      const { gate, seen } = recorder();
      const draft = new DraftCheck([gate], { language: "en" });
      draft.restart();
      for (let i = 0; i < text.length; i += size) draft.append(text.slice(i, i + size));
      expect(seen, `pieces of ${size}`).toEqual(["One two three.", "Four five six.", "Seven eight nine."]);
    }
    // Breaks of any kind, split anywhere: the finished paragraphs are the whole text's, all but its last.
    const varied =
      "  \n Lead in.\r\n \r\nCR break\rstill one.\r\rNext \t\n\t \n\n\nAfter three.\n \u00a0\nNBSP line.\n\nLast one";
    for (const size of [1, 2, 5, 11]) {
      const { gate, seen } = recorder();
      const draft = new DraftCheck([gate], { language: "en" });
      for (let i = 0; i < varied.length; i += size) draft.append(varied.slice(i, i + size));
      expect(seen, `pieces of ${size}`).toEqual(
        paragraphsOf(varied)
          .slice(0, -1)
          .map((p) => p.text),
      );
    }
  });

  it("prechecks the last paragraph when the answer is complete, each paragraph with the one before it, none twice", () => {
    const seen: [string | undefined, string][] = [];
    const gate: QualityGate = {
      name: "recorder",
      check: async () => ({ gate: "recorder", score: null, passed: true, feedback: [] }),
      precheck: (paragraph, _section, previous) => seen.push([previous, paragraph]),
    };
    const draft = new DraftCheck([gate], { language: "en" });
    const text = "First.\n\nSecond.\n\nThird, the last.";
    draft.append(text);
    draft.finish(text);
    expect(seen).toEqual([
      [undefined, "First."],
      ["First.", "Second."],
      ["Second.", "Third, the last."],
    ]);
    // A text changed after the answer (a citation removed) is prechecked where it differs.
    draft.finish("First.\n\nSecond, changed.\n\nThird, the last.");
    expect(seen.slice(3)).toEqual([
      ["First.", "Second, changed."],
      ["Second, changed.", "Third, the last."],
    ]);
  });

  it("starts over when the writer is asked again", () => {
    const { gate, seen } = recorder();
    const draft = new DraftCheck([gate], { language: "en" });
    draft.append("Cut off answer.\n\nHalf a para");
    draft.restart();
    draft.append("A new answer.\n\nSecond paragraph.\n\n");
    expect(seen).toEqual(["Cut off answer.", "A new answer.", "Second paragraph."]);
  });
});
