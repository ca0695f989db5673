import { describe, expect, it } from "vitest";
import { diffSections } from "./version-diff.server";

const section = (index: number, content: string, heading = `Sezione ${index + 1}`) => ({ index, heading, content });

describe("diffSections", () => {
  it("marks the words a section gained and lost since the version; an unchanged section is one run of its text", () => {
    const diff = diffSections(
      [section(0, "Testo uguale."), section(1, "Le biblioteche nascono nel secolo scorso.")],
      [section(0, "Testo uguale."), section(1, "Le biblioteche popolari nascono nel secolo scorso.")],
    );
    expect(diff[0]).toEqual({
      index: 0,
      heading: "Sezione 1",
      change: "unchanged",
      parts: [{ kind: "same", text: "Testo uguale." }],
    });
    expect(diff[1]!.change).toBe("changed");
    expect(diff[1]!.parts.filter((p) => p.kind === "added").map((p) => p.text.trim())).toEqual(["popolari"]);
    expect(diff[1]!.parts.filter((p) => p.kind === "removed")).toEqual([]);
    // Read back, the runs make each text again.
    const text = (kinds: string[]) =>
      diff[1]!.parts
        .filter((p) => kinds.includes(p.kind))
        .map((p) => p.text)
        .join("");
    expect(text(["same", "added"]).replace(/\s+/g, " ")).toBe("Le biblioteche popolari nascono nel secolo scorso.");
    expect(text(["same", "removed"]).replace(/\s+/g, " ")).toBe("Le biblioteche nascono nel secolo scorso.");
  });

  it("a section rewritten beyond a word diff's worth shows as removed whole, then added whole", () => {
    const before = Array.from({ length: 3000 }, (_, i) => `vecchia${i}`).join(" ");
    const after = Array.from({ length: 3000 }, (_, i) => `nuova${i}`).join(" ");
    const [diff] = diffSections([section(0, before)], [section(0, after)]);
    expect(diff!.parts).toEqual([
      { kind: "removed", text: before },
      { kind: "added", text: after },
    ]);
  });

  it("a section only one side has is compared with nothing", () => {
    const diff = diffSections([section(0, "Solo nella versione.")], [section(1, "Solo adesso.")]);
    expect(diff.map((d) => [d.index, d.change, d.parts.map((p) => p.kind)])).toEqual([
      [0, "changed", ["removed"]],
      [1, "changed", ["added"]],
    ]);
  });
});
