// The offline demo writer's text passes the grammar gate of the order's language, so an offline order in any language
// is deliverable text: a whole document's sections, and every phrase of the language's table used once (where the
// gate's allowance for words a text repeats cannot hide a misspelling).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LANGUAGE_CODES } from "../../app/utils/catalog";
import { grammarGate } from "../quality/grammar";
import { SpellChecker } from "../quality/spell-checker";
import type { QualityConfig } from "../quality/types";
import { OfflineWriter } from "./offline";
import { OFFLINE_TEXTS, type OfflineTexts } from "./offline-texts";

const THRESHOLD = 10; // QUALITY_MAX_GRAMMAR_ERRORS' default
const TOPICS = {
  en: "Roman roads in Gaul",
  uk: "Римські дороги в Галлії",
  it: "Le strade romane in Gallia",
  ru: "Римские дороги в Галлии",
  de: "Römische Straßen in Gallien",
  fr: "Les voies romaines en Gaule",
  es: "Las calzadas romanas en la Galia",
  pl: "Drogi rzymskie w Galii",
} as const;

const config: QualityConfig = {
  minUniqueness: 0,
  maxGrammarErrors: THRESHOLD,
  maxAiScore: 100,
  languageToolUrl: null,
  gptzero: null,
  originality: null,
  httpTimeoutMs: 5000,
  minCitationSupport: 0.9,
};
/** Long enough to load a dictionary on a busy machine (the Ukrainian one takes ~10 s and ~750 MB when idle). */
const LOAD_TIMEOUT_MS = 600_000;

/** Every phrase of a table once: the label, the headings, and sentences that take each part in turn. */
function everyPhrase(texts: OfflineTexts, topic: string): string {
  const heading = texts.body[0];
  const fill = (text: string, i: number) =>
    text
      .replaceAll("{heading}", heading)
      .replaceAll("{topic}", topic)
      .replaceAll("{point}", texts.keyPoints[i % texts.keyPoints.length]);
  const parts = [texts.openers, texts.subjects, texts.verbs, texts.objects, texts.closers];
  const sentences = Array.from({ length: Math.max(...parts.map((p) => p.length)) }, (_, i) => {
    const sentence = fill(
      texts.sentence
        .replace("{opener}", texts.openers[i % texts.openers.length])
        .replace("{subject}", texts.subjects[i % texts.subjects.length])
        .replace("{verb}", texts.verbs[i % texts.verbs.length])
        .replace("{object}", texts.objects[i % texts.objects.length])
        .replace("{closer}", texts.closers[i % texts.closers.length]),
      i,
    );
    return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
  });
  const headings = [texts.introduction, ...texts.body, texts.conclusion].map((h) => `${h}.`);
  const points = texts.keyPoints.map((p) => `${p.charAt(0).toUpperCase()}${p.slice(1)}.`);
  const covers = texts.covers.replace("{points}", texts.keyPoints.join("; "));
  return [fill(texts.label, 0), covers, fill(texts.brief, 0), ...headings, ...points, ...sentences].join(" ");
}

/** Every fourth word of six letters or more with its 3rd and 4th letters swapped: what the gate must catch. */
function misspelt(text: string): string {
  let long = 0;
  return text.replace(/\p{L}+/gu, (word) => {
    if (word.length < 6 || long++ % 4 !== 0 || word[2] === word[3]) return word;
    return word.slice(0, 2) + word[3] + word[2] + word.slice(4);
  });
}

describe.each(LANGUAGE_CODES)("the offline writer's %s text and the grammar gate", (language) => {
  const topic = TOPICS[language];
  // One checker per language, closed after it: eight dictionaries at once in one thread would need gigabytes.
  const spell = new SpellChecker();
  const gate = grammarGate(config, spell);
  beforeAll(() => spell.paragraphIssues(language, "warm", LOAD_TIMEOUT_MS), LOAD_TIMEOUT_MS);
  afterAll(() => spell.close());
  const check = (text: string) =>
    gate.check({ text, targetWords: 300, language }, { topic, sources: [], otherSections: [] });

  it("passes a whole offline document's sections", { timeout: 120_000 }, async () => {
    const writer = new OfflineWriter();
    const { sections } = JSON.parse(
      (
        await writer.complete({
          system: "s",
          prompt: "p",
          json: true,
          intent: { kind: "outline", topic, language, sectionCount: 5 },
        })
      ).text,
    ) as { sections: { heading: string; keyPoints: string[] }[] };
    for (const section of sections) {
      const { text } = await writer.complete({
        system: "s",
        prompt: "p",
        intent: {
          kind: "section",
          topic,
          language,
          heading: section.heading,
          keyPoints: section.keyPoints,
          targetWords: 300,
          attempt: 1,
        },
      });
      const result = await check(text);
      expect(result.score, result.feedback.join(" ")).not.toBeNull();
      expect(result.score!, result.feedback.join(" ")).toBeLessThanOrEqual(THRESHOLD);
      expect(result.passed).toBe(true);
    }
  });

  it("finds no error in any phrase of the table, each used once", { timeout: 120_000 }, async () => {
    const result = await check(everyPhrase(OFFLINE_TEXTS[language], topic));
    expect(result.score, result.feedback.join(" ")).toBe(0);
  });

  it("would catch a misspelt phrase of the table", { timeout: 120_000 }, async () => {
    const result = await check(misspelt(everyPhrase(OFFLINE_TEXTS[language], topic)));
    expect(result.score!).toBeGreaterThan(THRESHOLD);
  });
});
