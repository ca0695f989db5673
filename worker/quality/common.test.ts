import { describe, expect, it } from "vitest";
import { countWords, RecentMap } from "./common";

describe("RecentMap", () => {
  it("keeps the most recently used entries: get refreshes one, peek and has do not", () => {
    const map = new RecentMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    expect(map.get("a")).toBe(1); // a is now the most recent
    map.set("c", 3); // b goes
    expect(map.has("b")).toBe(false);
    expect(map.peek("a")).toBe(1);
    map.set("d", 4); // peek left a the oldest: it goes
    expect(map.has("a")).toBe(false);
    expect([map.peek("c"), map.peek("d")]).toEqual([3, 4]);
    map.delete("c");
    expect(map.get("c")).toBeUndefined();
  });
});

describe("countWords", () => {
  it("counts what splitting on whitespace (/\\s+/) counts, for every kind of whitespace", () => {
    const samples = [
      "",
      " ",
      "a",
      " a b  c ",
      "a\u00a0b\u2003c\u3000d\ufeffe",
      "x\ny\tz\r\nw\v\f",
      "\u200bzero\u200bwidth",
      "end\u2028of\u2029line",
      "tail ",
    ];
    // Mixed strings of whitespace and non-whitespace (U+200B and U+0085 are not \s), from a fixed seed.
    const alphabet = [
      32, 9, 10, 11, 12, 13, 160, 0x1680, 0x2000, 0x200a, 0x202f, 0x205f, 0x3000, 0xfeff, 0x200b, 0x85, 0x180e, 97,
      0x44f, 0x4e2d,
    ];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++)
      samples.push(
        Array.from({ length: 1 + (next() % 30) }, () => String.fromCharCode(alphabet[next() % alphabet.length])).join(
          "",
        ),
      );
    for (const text of samples)
      expect(countWords(text), JSON.stringify(text)).toBe(text.split(/\s+/).filter(Boolean).length);
  });
});
