import { describe, expect, it } from "vitest";
import { countProseWords, ignoredSpans } from "./grammar";

describe("countProseWords", () => {
  // The definition it must keep: whitespace-separated runs with a letter that start outside every ignored span.
  const byDefinition = (text: string) => {
    const spans = ignoredSpans(text);
    let words = 0;
    for (const m of text.matchAll(/\S+/g)) if (/\p{L}/u.test(m[0]) && !spans.some(([s, e]) => m.index < e && m.index + 1 > s)) words++;
    return words;
  };

  it("counts what the regex definition counts, with citations, links, any script and any whitespace", () => {
    const pieces = [
      "word", "Україна", "naïve", "𝒜bc", "😀", "123", "—", ",", "[@smith2020]", "[see @a, p. 4; @b]", "https://example.org/a",
      "www.example.com", "someone@example.org", "10.1000/xyz", " ", "  ", "\n\n", "\u00a0", "\t", "(", ")", "x.", "[@k]word",
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const samples = ["", " ", "plain words only"];
    for (let i = 0; i < 1500; i++) samples.push(Array.from({ length: 1 + (next() % 25) }, () => pieces[next() % pieces.length]).join(next() % 3 ? " " : ""));
    for (const text of samples) expect(countProseWords(text), JSON.stringify(text)).toBe(byDefinition(text));
  });
});
