import { describe, expect, it } from "vitest";
import { LANGUAGE_CODES } from "../../app/utils/catalog";
import { countWords } from "../quality/common";
import { OfflineWriter } from "./offline";
import { OFFLINE_TEXTS } from "./offline-texts";

const section = (attempt: number, targetWords = 400) => ({
  system: "s",
  prompt: "p",
  intent: {
    kind: "section" as const,
    topic: "Roman roads",
    language: "en",
    heading: "Trade",
    keyPoints: ["tolls", "milestones"],
    targetWords,
    attempt,
  },
});

describe("the offline writer", () => {
  it("writes the same text for the same section, and another text for another attempt", async () => {
    const writer = new OfflineWriter();
    const a = await writer.complete(section(1));
    const b = await writer.complete(section(1));
    const c = await writer.complete(section(2));
    expect(a.text).toBe(b.text);
    expect(c.text).not.toBe(a.text);
    expect(a).toMatchObject({ provider: "offline", model: "offline-demo-1", tokensIn: 0, tokensOut: 0 });
  });

  it("reaches the word budget in paragraphs that use the key points", async () => {
    const { text } = await new OfflineWriter().complete(section(1, 600));
    expect(countWords(text)).toBeGreaterThanOrEqual(600);
    expect(countWords(text)).toBeLessThan(700);
    expect(text.split("\n\n").length).toBeGreaterThan(2);
    expect(text).toMatch(/tolls|milestones/);
  });

  it("plans the asked number of sections, introduction first and conclusion last", async () => {
    const { text } = await new OfflineWriter().complete({
      system: "s",
      prompt: "p",
      json: true,
      intent: { kind: "outline", topic: "Roman roads", language: "en", sectionCount: 12 },
    });
    const headings = JSON.parse(text).sections.map((s: { heading: string }) => s.heading);
    expect(headings).toHaveLength(12);
    expect(headings[0]).toBe("Introduction");
    expect(headings[11]).toBe("Conclusion");
    expect(new Set(headings).size).toBe(12);
  });
});

/** Each language's own words for the first and last heading, and for what the text is (a demo placeholder). */
const IN_LANGUAGE = {
  en: { introduction: "Introduction", conclusion: "Conclusion", demo: /placeholder text from the offline demo/ },
  uk: { introduction: "Вступ", conclusion: "Висновки", demo: /^Це демонстраційний текст, створений без мовної моделі/ },
  it: {
    introduction: "Introduzione",
    conclusion: "Conclusioni",
    demo: /^Questo è un testo segnaposto della versione dimostrativa/,
  },
  ru: {
    introduction: "Введение",
    conclusion: "Заключение",
    demo: /^Это демонстрационный текст, созданный без языковой модели/,
  },
  de: { introduction: "Einleitung", conclusion: "Fazit", demo: /^Dies ist ein Platzhaltertext der Demoversion/ },
  fr: {
    introduction: "Introduction",
    conclusion: "Conclusion",
    demo: /^Ceci est un texte provisoire de la version de démonstration/,
  },
  es: {
    introduction: "Introducción",
    conclusion: "Conclusiones",
    demo: /^Este es un texto provisional de la versión de demostración/,
  },
  pl: { introduction: "Wstęp", conclusion: "Zakończenie", demo: /^To jest tekst zastępczy wersji demonstracyjnej/ },
} as const;

/** The English table's fixed phrases (placeholders left out), each of which an order in another language must not show. */
const ENGLISH_PHRASES = [
  ...OFFLINE_TEXTS.en.body,
  OFFLINE_TEXTS.en.introduction,
  OFFLINE_TEXTS.en.conclusion,
  ...OFFLINE_TEXTS.en.subjects,
  ...OFFLINE_TEXTS.en.verbs,
  ...[...OFFLINE_TEXTS.en.openers, ...OFFLINE_TEXTS.en.objects, ...OFFLINE_TEXTS.en.closers].flatMap((p) =>
    p
      .split(/\{\w+\}|[“”,]/)
      .map((part) => part.trim())
      .filter((part) => part.split(" ").length >= 2),
  ),
];

/** Whether `text` has `phrase` as whole words ("Conclusion" is not in "Conclusioni"). */
function containsWords(text: string, phrase: string): boolean {
  return new RegExp(`(?<!\\p{L})${phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?!\\p{L})`, "u").test(text);
}

async function offlineOrder(language: string, sectionCount = 6) {
  const writer = new OfflineWriter();
  const outline = JSON.parse(
    (
      await writer.complete({
        system: "s",
        prompt: "p",
        json: true,
        intent: { kind: "outline", topic: "Roman roads", language, sectionCount },
      })
    ).text,
  ) as { sections: { heading: string; brief: string; keyPoints: string[] }[] };
  const sections = await Promise.all(
    outline.sections.map(
      async (s) =>
        (
          await writer.complete({
            system: "s",
            prompt: "p",
            intent: {
              kind: "section",
              topic: "Roman roads",
              language,
              heading: s.heading,
              keyPoints: s.keyPoints,
              targetWords: 250,
              attempt: 1,
            },
          })
        ).text,
    ),
  );
  return { outline: outline.sections, sections };
}

describe.each(LANGUAGE_CODES)("the offline writer for an order in %s", (language) => {
  const expected = IN_LANGUAGE[language];

  it("plans under the language's own headings: its introduction first, its conclusion last", async () => {
    const { outline } = await offlineOrder(language, 12);
    const headings = outline.map((s) => s.heading);
    expect(headings[0]).toBe(expected.introduction);
    expect(headings[11]).toBe(expected.conclusion);
    expect(new Set(headings).size).toBe(12);
    expect(headings.slice(1, 9)).toEqual(OFFLINE_TEXTS[language].body);
  });

  it("writes sections that say first, in the language, that they are a demo placeholder", async () => {
    const { sections } = await offlineOrder(language);
    for (const text of sections) {
      expect(text).toMatch(expected.demo);
      expect(countWords(text)).toBeGreaterThanOrEqual(250);
    }
  });

  it.skipIf(language === "en")("shows none of the English table's phrases in its outline or its text", async () => {
    const { outline, sections } = await offlineOrder(language);
    const written = [JSON.stringify(outline), ...sections].join("\n");
    // French spells "Introduction" and "Conclusion" as English does: those two are the language's own words there.
    const foreign = ENGLISH_PHRASES.filter(
      (phrase) => !Object.values(IN_LANGUAGE[language]).includes(phrase as never) && containsWords(written, phrase),
    );
    expect(foreign).toEqual([]);
  });
});
