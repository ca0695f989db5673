// The grammar gate on correct academic prose in every order language, and on the same prose with letters swapped:
// the correct text passes (at most the default threshold), the swapped one fails. Corpus: tests/fixtures/grammar-corpus.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../app/utils/project-root.server";
import { grammarGate } from "./grammar";
import { SpellChecker } from "./spell-checker";
import type { QualityConfig } from "./types";

const LANGUAGES = ["en", "uk", "it", "ru", "de", "fr", "es", "pl"] as const;
const THRESHOLD = 10; // QUALITY_MAX_GRAMMAR_ERRORS' default

/** A corpus file: its first line "topic: …" (the order's topic), then the paragraphs. */
function corpus(language: string): { topic: string; text: string } {
  const file = readFileSync(path.join(projectRoot(), "tests", "fixtures", "grammar-corpus", `${language}.txt`), "utf8");
  const [first, ...rest] = file.split("\n");
  return { topic: first.replace(/^topic:\s*/, ""), text: rest.join("\n").trim() };
}

/** Every 8th word of six letters or more with its 3rd and 4th letters swapped ("analysis" → "anlaysis"). */
export function withSwappedLetters(text: string): { text: string; swapped: number } {
  let long = 0;
  let swapped = 0;
  const result = text.replace(/\p{L}+/gu, (word) => {
    if (word.length < 6 || long++ % 8 !== 0) return word;
    const letters = [...word];
    if (letters[2] === letters[3]) return word;
    [letters[2], letters[3]] = [letters[3], letters[2]];
    swapped++;
    return letters.join("");
  });
  return { text: result, swapped };
}

const spell = new SpellChecker();
afterAll(() => spell.close());
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
const gate = grammarGate(config, spell);

describe.each(LANGUAGES)("the grammar gate on the %s corpus", (language) => {
  const { topic, text } = corpus(language);
  const check = (body: string) =>
    gate.check({ text: body, targetWords: 200, language }, { topic, sources: [], otherSections: [] });

  it("scores correct academic prose at most the threshold", { timeout: 120_000 }, async () => {
    const result = await check(text);
    expect(result.score, result.feedback.join(" ")).not.toBeNull();
    expect(result.score!, result.feedback.join(" ")).toBeLessThanOrEqual(THRESHOLD);
    expect(result.passed).toBe(true);
  });

  it("scores the same prose with letters swapped in some words above the threshold", { timeout: 120_000 }, async () => {
    const swapped = withSwappedLetters(text);
    expect(swapped.swapped).toBeGreaterThan(5);
    const result = await check(swapped.text);
    expect(result.score).not.toBeNull();
    expect(result.score!).toBeGreaterThan(THRESHOLD);
    expect(result.passed).toBe(false);
  });
});
