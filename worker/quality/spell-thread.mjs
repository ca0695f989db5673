// The spell and repetition checks, in a worker thread: building a Hunspell dictionary takes seconds and hundreds of
// MB (Ukrainian ≈ 10 s, 750 MB), which must not stall the process that also serves pages and runs jobs.
// Plain JavaScript so it starts under any loader (tsx, vitest, node). Messages: see spell-checker.ts (SpellRequest).
//
// The text is parsed into sentences and words by retext's parsers and each word is looked up with nspell, as
// retext-spell and retext-repeated-words do; the walk over the tree is ours (decision 013): theirs visit every node
// through unist-util-visit-parents, which cost two thirds of a check, and a document's sections queue up here.
import { isLiteral } from "nlcst-is-literal";
import { toString } from "nlcst-to-string";
import nspell from "nspell";
import { parentPort } from "node:worker_threads";
import retextEnglish from "retext-english";
import retextLatin from "retext-latin";
import { unified } from "unified";
import { americanForms } from "./british-spellings.mjs";

/**
 * Dictionaries that nspell reads correctly. Not here: `de` (nspell lacks the compounding dictionary-de relies on, so
 * it flags "erhalten" and "Kohlenstoff") and `it` (nspell never finishes loading it, wooorm/nspell#9 and #11). Those
 * languages get no score rather than a wrong one.
 */
const DICTIONARIES = {
  en: () => import("dictionary-en"),
  es: () => import("dictionary-es"),
  fr: () => import("dictionary-fr"),
  pl: () => import("dictionary-pl"),
  ru: () => import("dictionary-ru"),
  uk: () => import("dictionary-uk"),
};
/** Dictionaries kept in memory at once; the least recently used goes first. */
const MAX_LOADED = 3;

/** @typedef {{ parser: import("unified").Processor<any, any, any, any, any>; speller: { correct(word: string): boolean } }} Checker */
/** @type {Map<string, Promise<Checker>>} */
const checkers = new Map();

function checkerFor(language) {
  let checker = checkers.get(language);
  if (checker) {
    checkers.delete(language);
    checkers.set(language, checker);
    return checker;
  }
  checker = DICTIONARIES[language]().then(({ default: dictionary }) => ({
    parser: unified()
      .use(language === "en" ? retextEnglish : retextLatin)
      .freeze(),
    speller: nspell(dictionary),
  }));
  checker.catch(() => checkers.delete(language));
  checkers.set(language, checker);
  while (checkers.size > MAX_LOADED) checkers.delete(checkers.keys().next().value);
  return checker;
}

/** Words that can legally occur twice in a row (retext-repeated-words' list). */
const MAY_REPEAT = new Set(["had", "that", "can", "blah", "beep", "yadda", "sapiens", "tse", "mau"]);

async function check(language, text) {
  const { parser, speller } = await checkerFor(language);
  // Synchronous from here: one check runs from start to end before the next message's, so when a document's sections
  // arrive together, each answers as soon as it is done.
  const issues = [];
  for (const paragraph of parser.parse(text).children) {
    if (paragraph.type !== "ParagraphNode") continue;
    for (const sentence of paragraph.children) {
      if (sentence.type === "SentenceNode") checkSentence(sentence, speller, issues);
    }
  }
  if (language === "en") markBritish(speller, issues);
  return issues;
}

function checkSentence(sentence, speller, issues) {
  const children = sentence.children;
  const firstWord = children.find((child) => child.type === "WordNode");
  let previous; // the word before the current run of white space: { index, value }
  let current;
  for (let index = 0; index < children.length; index++) {
    const child = children[index];
    if (child.type === "WordNode") {
      const value = toString(child);
      if (!isLiteral(sentence, index) && isMisspelt(child, value, speller)) {
        issues.push({
          kind: "spelling",
          actual: value.replace(/’/g, "'"),
          start: child.position?.start?.offset ?? 0,
          sentenceInitial: child === firstWord,
          british: false,
        });
      }
      current = { index, value: value.toLowerCase() };
      if (previous && previous.value === current.value && !mayRepeat(value)) {
        issues.push({
          kind: "repetition",
          actual: toString(children.slice(previous.index, index + 1)),
          start: children[previous.index].position?.start?.offset ?? 0,
          sentenceInitial: false,
          british: false,
        });
      }
    } else if (child.type === "WhiteSpaceNode") {
      previous = current;
      current = undefined;
    } else {
      previous = undefined;
      current = undefined;
    }
  }
}

/** Unknown to the dictionary, as a whole and (hyphenated and similar words) in one of its parts; numbers and times are not words. */
function isMisspelt(word, value, speller) {
  const actual = value.replace(/’/g, "'");
  if (isNumber(actual) || speller.correct(actual)) return false;
  if (word.children.length < 2) return true;
  return word.children.some(
    (part) => part.type === "TextNode" && !isNumber(part.value) && !speller.correct(part.value),
  );
}

function isNumber(value) {
  return /^\d+$/.test(value) || /^\d{1,2}:\d{2}(?:[ap]\.?m\.?)?$/i.test(value);
}

/** retext-repeated-words' exceptions: "had had", initials ("D. D."), names ("Duran Duran"). */
function mayRepeat(value) {
  if (MAY_REPEAT.has(value.toLowerCase())) return true;
  const head = value.charAt(0);
  if (head !== head.toUpperCase()) return false;
  if (value.length === 2 && value.charAt(1) === ".") return true;
  const tail = value.slice(1);
  return tail === tail.toLowerCase();
}

/** Marks the English spelling issues whose American form the dictionary knows ("analysed"), in the same request. */
function markBritish(speller, issues) {
  for (const issue of issues) {
    if (issue.kind === "spelling") issue.british = americanForms(issue.actual).some((form) => speller.correct(form));
  }
}

parentPort?.on("message", async (request) => {
  try {
    if (!(request.language in DICTIONARIES)) throw new Error(`No dictionary for "${request.language}"`);
    parentPort.postMessage({ id: request.id, issues: await check(request.language, request.text) });
  } catch (error) {
    parentPort.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
