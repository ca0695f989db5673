// The fake writers write real words of every order language: each word of each list passes the spelling dictionary
// the grammar gate uses for that language (issue 19, item 4), so `npm run eval -- --golden --fake` can deliver them all.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SPELL_LANGUAGES } from "../../worker/quality/grammar";
import { SpellChecker } from "../../worker/quality/spell-checker";
import { FAKE_WORDS, type FakeLanguage, type FakeWords } from "../fakes/fake-words";
import { fakeOutline, fakeSection } from "../fakes/openai";

const spell = new SpellChecker();
afterAll(() => spell.close());

/** Every word the fakes write in a language, headings' fixed words included. */
function everyWord(words: FakeWords): string[] {
  const phrases = [
    words.considers,
    words.point,
    words.introduction,
    words.conclusion,
    words.chapter(1, ""),
    words.brief(1, ""),
  ];
  const fixed = phrases.flatMap((p) => p.split(/[\s.:]+/)).filter((w) => /^\p{L}+$/u.test(w));
  return [
    ...new Set([...words.nouns, ...words.adjectives, ...words.links, ...words.verbs, ...fixed, words.article ?? ""]),
  ].filter(Boolean);
}

type Speller = { correct(word: string): boolean };

/**
 * For a language the gate has no checker for yet: nspell with the language's Hunspell affixes and the dictionary's
 * entries that share a word's first four letters (or begin it) (nspell never finishes loading the whole Italian dictionary; fewer
 * entries can only reject more, so what this accepts the whole dictionary accepts).
 */
async function hunspellFor(language: FakeLanguage, words: string[]): Promise<Speller> {
  const { default: nspell } = (await import("nspell" as string)) as {
    default: (d: { aff: Buffer; dic: Buffer }) => Speller;
  };
  const folder = path.join("node_modules", `dictionary-${language}`);
  const lower = words.map((w) => w.toLowerCase());
  const prefixes = new Set(lower.map((w) => w.slice(0, 4)));
  const entries = readFileSync(path.join(folder, "index.dic"), "utf8")
    .split("\n")
    .slice(1)
    .filter((line) => {
      const stem = line.split("/")[0].toLowerCase();
      return prefixes.has(stem.slice(0, 4)) || (stem.length < 4 && lower.some((w) => w.startsWith(stem)));
    });
  return nspell({
    aff: readFileSync(path.join(folder, "index.aff")),
    dic: Buffer.from(`${entries.length}\n${entries.join("\n")}`),
  });
}

describe("the fake writers' words", () => {
  for (const language of Object.keys(FAKE_WORDS) as FakeLanguage[]) {
    it(`every ${language} word passes the ${language} spelling dictionary`, async () => {
      const words = everyWord(FAKE_WORDS[language]);
      expect(words.length).toBeGreaterThan(100);
      let rejected: string[];
      if ((SPELL_LANGUAGES as readonly string[]).includes(language)) {
        // Through the gate's own checker: each word a sentence of its own, capitalised so that it starts one, so none is skipped as a proper name.
        const issues = await spell.paragraphIssues(
          language,
          words.map((w) => `${w[0].toUpperCase()}${w.slice(1)}.`).join(" "),
          120_000,
        );
        rejected = issues.filter((i) => i.kind === "spelling" && !i.british).map((i) => i.actual);
      } else {
        const speller = await hunspellFor(language, words);
        rejected = words.filter((w) => !speller.correct(w));
      }
      expect(rejected).toEqual([]);
    }, 150_000);
  }

  it("a checker rejects a misspelt word, so the check above can fail", async () => {
    const issues = await spell.paragraphIssues("uk", "Політика. Плітика.", 120_000);
    expect(issues.map((i) => i.actual)).toEqual(["Плітика"]);
    const speller = await hunspellFor("it", ["analisi", "anlaisi"]);
    expect(["analisi", "anlaisi"].map((w) => speller.correct(w))).toEqual([true, false]);
  }, 150_000);
});

describe("the fake writer writes the order's language", () => {
  it("an outline for a Ukrainian order has Ukrainian headings and key points", () => {
    const outline = JSON.parse(
      fakeOutline(
        "Складіть план роботи на тему <topic>Освіта</topic> українською мовою (<language>uk</language>). Кількість розділів: рівно <sections>3</sections>.",
      ),
    );
    expect(outline.sections.map((s: { heading: string }) => s.heading)).toEqual([
      "Вступ",
      "Розділ 1. Освіта",
      "Висновки",
    ]);
    expect(outline.sections[0].keyPoints).toEqual(["пункт 1a", "пункт 1b", "пункт 1c"]);
  });

  it("a section for a Ukrainian order is written with Ukrainian words only", () => {
    const text = fakeSection(
      "Тема тексту: <topic>Освіта</topic>. Мова: українська (<language>uk</language>).\nРозкрийте такі ключові положення: <key-points>пункт 1a</key-points>.\nОбсяг у словах: приблизно <words>120</words>.",
    );
    const { uk } = FAKE_WORDS;
    const known = new Set([...everyWord(uk)].map((w) => w.toLowerCase()));
    const written = text
      .split(/\s+/)
      .map((w) => w.replace(/[.,]/g, "").toLowerCase())
      .filter((w) => !/\d/.test(w));
    expect(text.split(/\s+/)).toHaveLength(120);
    expect(text.startsWith("Цей розділ розглядає пункт 1a.")).toBe(true);
    expect(written.filter((w) => !known.has(w))).toEqual([]);
  });
});
