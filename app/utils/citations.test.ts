import { describe, expect, it } from "vitest";
import { brokenCitations, citedKeys } from "./citations";

describe("citation markers in an edited section", () => {
  it("whole markers, with several keys and locators, are not broken", () => {
    const text = "A [@a2020], b [@b2021, p. 4; @c-2022] and [x] or @d, or a plain [bracket].";
    expect(brokenCitations(text)).toEqual([]);
    expect(citedKeys(text)).toEqual(["a2020", "b2021", "c-2022"]);
  });

  it("a marker never closed in its paragraph is named as written", () => {
    expect(brokenCitations("Testo [@rossi2021 senza fine.\n\nAltro [@b2020].")).toEqual(["[@rossi2021 senza fine."]);
    expect(brokenCitations("Fine del testo [@rossi")).toEqual(["[@rossi"]);
  });

  it("a marker closed only after another bracket opens is broken", () => {
    expect(brokenCitations("Uno [@a2020 due [@b2021].")).toEqual(["[@a2020 due"]);
  });

  it("a group with a part that names no key is broken", () => {
    expect(brokenCitations("Uno [@a2020; b2021] due [@; @c].")).toEqual(["[@a2020; b2021]", "[@; @c]"]);
  });
});
