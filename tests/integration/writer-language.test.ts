// Issue 19, item 3: the writer is told what to write in the order's language — the outline's request, a section's
// (written and revised), the requirements judge's — and the fake models, which read a prompt's tagged data rather
// than its words, answer those prompts in every language.
import { describe, expect, it } from "vitest";
import { LANGUAGE_CODES } from "../../app/utils/catalog";
import { analyseGaps } from "../../worker/pipeline/gap-analysis";
import { outlinePrompt } from "../../worker/pipeline/outline";
import { promptTexts } from "../../worker/pipeline/prompt-texts";
import { checkLength } from "../../worker/pipeline/section-checks";
import { sectionRequest } from "../../worker/pipeline/section-prompt";
import { judgeRequirements } from "../../worker/quality/requirements";
import { fakeWordsFor } from "../fakes/fake-words";
import { fakeJudgement, fakeOutline, fakeSection, isJudgeRequest, isOutlineRequest } from "../fakes/openai";

// Data carries no word of any language, so whatever English a prompt shows comes from its fixed texts.
const order = (language: string) => ({
  topic: "1717",
  language,
  kind: "term_paper",
  discipline: null,
  citation_style: "apa7",
  instructions: 'Cite "1705".',
  requirements_text: "1706.",
});
const SOURCE = { key: "smith2020", title: "1707", year: 2020, abstract: "1708 1709", doi: null, csl: {} };

function prompts(language: string) {
  const document = order(language);
  const outline = outlinePrompt(document, 5);
  const section = { index: 1, heading: "1701", brief: "1702", target_words: 240, keyPoints: ["1703", "1704"] };
  const write = sectionRequest({
    document,
    section,
    outline: "1. 1700; 2. 1701",
    sources: { assigned: [SOURCE, { ...SOURCE, key: "doe2021", csl: { author: [{ family: "1710" }] } }], total: 2 },
    attempt: 2,
    verb: "write",
    notes: [],
  });
  // What the review tells the writer when it revises a short section that left out its key points.
  const gaps = analyseGaps(
    [{ ...section, status: "passed", content: "1700", key_points: section.keyPoints, source_keys: [] }],
    [],
    { tokenBudget: 100_000, language },
  );
  const revise = sectionRequest({
    document,
    section,
    outline: "1. 1700; 2. 1701",
    sources: { assigned: [], total: 0 },
    attempt: 3,
    verb: "revise",
    notes: [],
  });
  // A second attempt after a far too short first one, told what was wrong.
  const retry = sectionRequest({
    document,
    section,
    outline: "1. 1700; 2. 1701",
    sources: { assigned: [], total: 0 },
    attempt: 2,
    verb: "write",
    notes: [promptTexts(language).section.fixPrevious(checkLength("1700 1701", 240, undefined, language).feedback[0])],
  });
  return { outline, write, revise, retry, reasons: gaps.toRevise[0].reasons };
}

/** The runs of three words of a prompt's fixed text: tags and what they hold, and the answer's JSON shape, left out. */
function wordTriples(text: string): Set<string> {
  const words = (
    text
      .replace(/<([a-z-]+)>[\s\S]*?<\/\1>/g, " ")
      .replace(/\[@\w+\]/g, " ")
      .replace(/\{"[\s\S]*\}/g, " ")
      .toLowerCase()
      .match(/\p{L}+/gu) ?? []
  ).filter((w) => !["doi", "dois", "url", "urls", "apa", "json", "key"].includes(w));
  return new Set(words.slice(2).map((w, i) => `${words[i]} ${words[i + 1]} ${w}`));
}

const whole = (request: { system: string; prompt: string }) => `${request.system}\n${request.prompt}`;

/** The language's own words the outline's request must use for the first and the last section. */
const FIRST_AND_LAST: Record<(typeof LANGUAGE_CODES)[number], [RegExp, RegExp]> = {
  en: [/introduction/, /conclusion/],
  uk: [/вступ/, /висновки/],
  it: [/introduzione/, /conclusione/],
  ru: [/введение/, /заключение/],
  de: [/Einleitung/, /Fazit/],
  fr: [/l'introduction/, /la conclusion/],
  es: [/introducción/, /conclusión/],
  pl: [/wstęp/, /zakończenie/],
};

describe.each(LANGUAGE_CODES)("the writer's prompts for an order in %s", (language) => {
  const { outline, write, revise, retry, reasons } = prompts(language);

  it("ask for the outline in the language, naming its introduction and conclusion in the language's own words", () => {
    const [first, last] = FIRST_AND_LAST[language];
    expect(outline.prompt).toMatch(first);
    expect(outline.prompt).toMatch(last);
    expect(outline.prompt).toContain(`<language>${language}</language>`);
    expect(outline.system).toContain('{"sections":[{"heading":string,"brief":string,"keyPoints":[string]}]}');
  });

  it.skipIf(language === "en")("share no run of three words with the English prompts", () => {
    const english = prompts("en");
    const englishTriples = new Set(
      [
        whole(english.outline),
        whole(english.write),
        whole(english.revise),
        whole(english.retry),
        ...english.reasons,
      ].flatMap((t) => [...wordTriples(t)]),
    );
    for (const text of [whole(outline), whole(write), whole(revise), whole(retry), ...reasons]) {
      expect(
        [...wordTriples(text)].filter((t) => englishTriples.has(t)),
        text,
      ).toEqual([]);
    }
  });

  it("are answered by the fake models: an outline of the asked count in the language, a section of the asked length", () => {
    expect(isOutlineRequest(whole(outline))).toBe(true);
    expect(isJudgeRequest(whole(outline))).toBe(false);
    const planned = JSON.parse(fakeOutline(whole(outline))).sections;
    expect(planned).toHaveLength(5);
    expect(planned[0].heading).toBe(fakeWordsFor(language).introduction);

    expect(isOutlineRequest(whole(write))).toBe(false);
    const text = fakeSection(whole(write));
    // The asked words, and the citations after them.
    expect(text.replace(/ \[@\w+\]/g, "").split(/\s+/)).toHaveLength(240);
    expect(text).toContain("1703");
    expect(text).toMatch(/\[@(smith2020|doe2021)\]/);
  });

  it("ask the requirements judge in the language, and the fake judge reads what it is to check", async () => {
    const asked: { system: string; prompt: string }[] = [];
    const router = {
      describe: () => ["openai:fake"],
      complete: async (request: { system: string; prompt: string }) => {
        asked.push(request);
        return { text: fakeJudgement(whole(request)), tokensIn: 0, tokensOut: 0, provider: "fake", model: "m" };
      },
    };
    const judge = (lang: string) =>
      judgeRequirements(router as never, {
        requirements: 'Cite "1705". Name "1799".',
        subject: "document",
        text: "1705 1706",
        language: lang,
      });
    const report = await judge(language);
    await judge("en");
    expect(isJudgeRequest(whole(asked[0]))).toBe(true);
    expect(report!.checks.map((c) => c.met)).toEqual([true, false]);
    const english = wordTriples(whole(asked[1]));
    if (language !== "en") expect([...wordTriples(whole(asked[0]))].filter((t) => english.has(t))).toEqual([]);
  });
});
