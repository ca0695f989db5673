import { describe, expect, it } from "vitest";
import { removeCitations, sentencesOf } from "./citation-claims";

describe("a section's cited sentences", () => {
  it("splits sentences in the order's language and keeps each citation with its sentence", () => {
    const text =
      "Rents rose [@smith2021, p. 12]. Prices fell, e.g. in Milan [@lee2019; @kim2020].\n\nThis essay argues otherwise.";
    const sentences = sentencesOf(text, "en");
    expect(sentences.map((s) => [s.text, s.keys])).toEqual([
      ["Rents rose [@smith2021, p. 12].", ["smith2021"]],
      ["Prices fell, e.g. in Milan [@lee2019; @kim2020].", ["lee2019", "kim2020"]],
      ["This essay argues otherwise.", []],
    ]);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it("splits Ukrainian text too", () => {
    const sentences = sentencesOf("Ціни зросли [@ivanenko2020]. Це важливо.", "uk");
    expect(sentences.map((s) => s.keys)).toEqual([["ivanenko2020"], []]);
  });

  it("removes a citation from the one sentence named, leaving the same key elsewhere", () => {
    const text = "Rents rose [@a; @b]. Prices fell [@a].";
    const sentences = sentencesOf(text, "en");
    expect(removeCitations(text, sentences, new Map([[0, new Set(["a"])]]))).toBe("Rents rose [@b]. Prices fell [@a].");
    expect(removeCitations(text, sentences, new Map([[1, new Set(["a"])]]))).toBe("Rents rose [@a; @b]. Prices fell.");
  });
});
