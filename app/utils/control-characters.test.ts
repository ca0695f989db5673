import { describe, expect, it } from "vitest";
import { hasControlCharacter, stripControlCharacters } from "./control-characters";

const code = (c: number) => String.fromCodePoint(c);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("control characters", () => {
  it("are C0 but tab, line feed and carriage return; DEL; and C1", () => {
    const control = [...range(0x00, 0x08), 0x0b, 0x0c, ...range(0x0e, 0x1f), 0x7f, ...range(0x80, 0x9f)];
    for (const c of control) expect(hasControlCharacter(`a${code(c)}b`), `U+${c.toString(16)}`).toBe(true);
    for (const c of [0x09, 0x0a, 0x0d, 0x20, 0x7e, 0xa0, 0x2028, 0x200b, 0xfeff]) {
      expect(hasControlCharacter(`a${code(c)}b`), `U+${c.toString(16)}`).toBe(false);
    }
  });

  it("are stripped all at once, and nothing else is", () => {
    expect(stripControlCharacters("a\u0000b\u0007c\u007fd\u0085e\tf\ng\rh — ä 😀")).toBe("abcde\tf\ng\rh — ä 😀");
  });
});
