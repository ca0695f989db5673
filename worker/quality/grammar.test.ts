import path from "node:path";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../app/utils/project-root.server";
import { paragraphsOf } from "./common";
import { countProseWords, excuseTerms, ignoredSpans, type GrammarIssue } from "./grammar";

describe("countProseWords", () => {
  // The definition it must keep: whitespace-separated runs with a letter that start outside every ignored span.
  const byDefinition = (text: string) => {
    const spans = ignoredSpans(text);
    let words = 0;
    for (const m of text.matchAll(/\S+/g))
      if (/\p{L}/u.test(m[0]) && !spans.some(([s, e]) => m.index < e && m.index + 1 > s)) words++;
    return words;
  };

  it("counts what the regex definition counts, with citations, links, any script and any whitespace", () => {
    const pieces = [
      "word",
      "Україна",
      "naïve",
      "𝒜bc",
      "😀",
      "123",
      "—",
      ",",
      "[@smith2020]",
      "[see @a, p. 4; @b]",
      "https://example.org/a",
      "www.example.com",
      "someone@example.org",
      "10.1000/xyz",
      " ",
      "  ",
      "\n\n",
      "\u00a0",
      "\t",
      "(",
      ")",
      "x.",
      "[@k]word",
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const samples = ["", " ", "plain words only"];
    for (let i = 0; i < 1500; i++)
      samples.push(
        Array.from({ length: 1 + (next() % 25) }, () => pieces[next() % pieces.length]).join(next() % 3 ? " " : ""),
      );
    for (const text of samples) expect(countProseWords(text), JSON.stringify(text)).toBe(byDefinition(text));
  });
});

describe("ignoredSpans", () => {
  it("finds every link, address and DOI its patterns find when tried everywhere, with or without their marks", () => {
    const everywhere = (text: string) => {
      const spans: [number, number][] = [...text.matchAll(/\[[^[\]]*@[^[\]]*\]/g)].map((m) => [
        m.index,
        m.index + m[0].length,
      ]);
      for (const pattern of [/\bhttps?:\/\/\S+|\bwww\.\S+/gi, /[\w.+-]+@[\w-]+\.[\w.-]+/gi, /\b10\.\d{4,9}\/\S+/gi]) {
        for (const m of text.matchAll(pattern)) spans.push([m.index, m.index + m[0].length]);
      }
      return spans;
    };
    const pieces = [
      "word",
      "[@smith2020]",
      "[see @a, p. 4]",
      "@",
      "a@",
      "@b",
      "someone@example.org",
      "first.last+tag@mail-host.co.uk",
      "x@y",
      "name.@host.org",
      "https://example.org/a",
      "HTTP://EXAMPLE.ORG",
      "WWW.Example.com",
      "www.",
      "ftp://files.example.org",
      "://",
      "10.1000/xyz",
      "10.12",
      "v10.1234/abc",
      "doi:10.5555/q",
      " ",
      "\n\n",
      ".",
      "(",
      ")",
    ];
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const samples = ["", "no links at all", "@"];
    for (let i = 0; i < 1500; i++)
      samples.push(
        Array.from({ length: 1 + ((next() >>> 8) % 12) }, () => pieces[(next() >>> 8) % pieces.length]).join(
          (next() >>> 8) % 3 ? " " : "",
        ),
      );
    for (const text of samples) expect(ignoredSpans(text), JSON.stringify(text)).toEqual(everywhere(text));
  });
});

describe("the spelling thread, paragraph by paragraph", () => {
  // The grammar gate checks a text paragraph by paragraph (so paragraphs checked while the section streamed in are
  // not checked again); that must find exactly what one check of the whole text finds.
  it("finds in the paragraphs of a text what it finds in the whole text, at the same places", async () => {
    const thread = new Worker(path.join(projectRoot(), "worker", "quality", "spell-thread.mjs"));
    let id = 0;
    const ask = (text: string) =>
      new Promise<{ kind: string; actual: string; start: number; sentenceInitial: boolean; british: boolean }[]>(
        (resolve, reject) => {
          const mine = ++id;
          const onMessage = (m: { id: number; issues?: never[]; error?: string }) => {
            if (m.id !== mine) return;
            thread.off("message", onMessage);
            if (m.error) reject(new Error(m.error));
            else resolve(m.issues!);
          };
          thread.on("message", onMessage);
          thread.postMessage({ id: mine, op: "check", language: "en", text });
        },
      );
    const pieces = [
      "the",
      "The",
      "recieve",
      "colour",
      "analysed",
      "Smith",
      "Dr.",
      "e.g.",
      "OECD",
      "COVID-19",
      "[@smith2020]",
      "teh",
      "had",
      "can",
      "word.",
      "word,",
      "Word",
      "end.",
      "Brussels",
      "don't",
      "state-of-the-art",
      "approch",
      "10:30am",
      "1999",
      "“quoted”",
      "x",
    ];
    const separators = [" ", " ", " ", " ", "\n", "\n\n", "\r\n\r\n", "\n \n", "\n\t\n\n", "  ", ". ", "! "];
    let seed = 11;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    try {
      for (let sample = 0; sample < 80; sample++) {
        let text = "";
        // Paragraphs begin as a writer begins them, with a capital letter: retext's parser merges a sentence that
        // begins in lower case into the one before it, across a paragraph break too, which checked alone it is not.
        for (let i = 0, n = 5 + next(120); i < n; i++) {
          const piece = pieces[next(pieces.length)];
          text += /\n\s*\n\s*$/.test(text) || !text ? piece.charAt(0).toUpperCase() + piece.slice(1) : piece;
          text += separators[next(separators.length)];
        }
        const whole = await ask(text);
        const byParagraph = [];
        for (const p of paragraphsOf(text))
          byParagraph.push(...(await ask(p.text)).map((issue) => ({ ...issue, start: issue.start + p.start })));
        expect(byParagraph, JSON.stringify(text)).toEqual(whole);
      }
    } finally {
      await thread.terminate();
    }
  });
});

describe("excuseTerms", () => {
  const spelling = (text: string): GrammarIssue => ({ kind: "spelling", text });

  it("keeps a misspelling but not the order's terms in their inflected forms, nor words the text repeats", () => {
    const text = "Сервисы и сервисы растут; fotowoltaiki rośnie; the anlaysis is wrong.";
    const issues = [spelling("Сервисы"), spelling("сервисы"), spelling("fotowoltaiki"), spelling("anlaysis")];
    const topic = "Цифровизация государственных сервисов. Rozwój fotowoltaika";
    expect(excuseTerms(issues, text, topic).map((i) => i.text)).toEqual(["anlaysis"]);
    // Without the topic, the repeated word is still excused, the term is not.
    expect(excuseTerms(issues, text).map((i) => i.text)).toEqual(["fotowoltaiki", "anlaysis"]);
  });

  it("excuses only the order's terms when asked not to excuse repeated words (LanguageTool), and keeps other issues", () => {
    const issues: GrammarIssue[] = [spelling("LTERROR"), spelling("LTERROR"), { kind: "repetition", text: "the the" }];
    expect(excuseTerms(issues, "LTERROR LTERROR the the", "", { repeated: false })).toHaveLength(3);
    expect(excuseTerms(issues, "LTERROR LTERROR the the", "an LTERROR topic", { repeated: false })).toEqual([
      { kind: "repetition", text: "the the" },
    ]);
  });
});
