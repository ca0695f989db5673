// The spell and repetition checks, in a worker thread: building a Hunspell dictionary takes seconds and hundreds of
// MB (Ukrainian ≈ 10 s, 750 MB), which must not stall the process that also serves pages and runs jobs.
// Plain JavaScript so it starts under any loader (tsx, vitest, node). Messages: see spell-checker.ts (SpellRequest).
//
// The text is parsed into sentences and words by retext's parsers and each word is looked up with nspell, as
// retext-spell and retext-repeated-words do; the walk over the tree is ours (decision 013): theirs visit every node
// through unist-util-visit-parents, which cost two thirds of a check, and a document's sections queue up here.
import { loadModule as loadHunspell } from "hunspell-asm";
import { isLiteral } from "nlcst-is-literal";
import { toString } from "nlcst-to-string";
import nspell from "nspell";
import { parentPort } from "node:worker_threads";
import retextEnglish from "retext-english";
import retextLatin from "retext-latin";
import { unified } from "unified";
import { americanForms } from "./british-spellings.mjs";

/**
 * The dictionaries, read by nspell, except `de` and `it`, read by Hunspell itself (compiled to WebAssembly,
 * hunspell-asm): nspell lacks the compounding dictionary-de relies on (it flags "erhalten" and "Kohlenstoff") and never
 * finishes loading dictionary-it (wooorm/nspell#9 and #11); Hunspell loads each in a fraction of a second.
 */
const DICTIONARIES = {
  en: () => import("dictionary-en"),
  es: () => import("dictionary-es"),
  fr: () => import("dictionary-fr"),
  pl: () => import("dictionary-pl"),
  ru: () => import("dictionary-ru"),
  uk: () => import("dictionary-uk"),
  de: () => import("dictionary-de"),
  it: () => import("dictionary-it"),
};
const READ_BY_HUNSPELL = new Set(["de", "it"]);
/** Dictionaries kept in memory at once; the least recently used goes first (Hunspell's are small and stay). */
const MAX_LOADED = 3;

/** @typedef {{ correct(word: string): boolean; alphabet: string[] }} Speller */
/** @typedef {{ parser: import("unified").Processor<any, any, any, any, any>; speller: Speller }} Checker */
/** @type {Map<string, Promise<Checker>>} */
const checkers = new Map();
/** @type {Map<string, Promise<Speller>>} */
const hunspellSpellers = new Map();
/** @type {Promise<Awaited<ReturnType<typeof loadHunspell>>> | undefined} */
let hunspellModule;

function checkerFor(language) {
  let checker = checkers.get(language);
  if (checker) {
    checkers.delete(language);
    checkers.set(language, checker);
    return checker;
  }
  checker = spellerFor(language).then((speller) => ({
    parser: unified()
      .use(language === "en" ? retextEnglish : retextLatin)
      .freeze(),
    speller,
  }));
  checker.catch(() => checkers.delete(language));
  checkers.set(language, checker);
  while (checkers.size > MAX_LOADED) checkers.delete(checkers.keys().next().value);
  return checker;
}

async function spellerFor(language) {
  if (!READ_BY_HUNSPELL.has(language)) {
    const { default: dictionary } = await DICTIONARIES[language]();
    const speller = nspell(dictionary);
    return { correct: (word) => speller.correct(word), alphabet: alphabetOf(dictionary.aff) };
  }
  let speller = hunspellSpellers.get(language);
  if (!speller) {
    speller = (async () => {
      const { default: dictionary } = await DICTIONARIES[language]();
      // Its own 3 s limit is too short when this thread is busy building an nspell dictionary; the caller's applies.
      hunspellModule ??= loadHunspell({ timeout: 600_000 }).catch((error) => {
        hunspellModule = undefined; // the next check tries again
        throw error;
      });
      const factory = await hunspellModule;
      const hunspell = factory.create(
        factory.mountBuffer(dictionary.aff, `${language}.aff`),
        factory.mountBuffer(dictionary.dic, `${language}.dic`),
      );
      return { correct: (word) => hunspell.spell(word), alphabet: alphabetOf(dictionary.aff) };
    })();
    speller.catch(() => hunspellSpellers.delete(language));
    hunspellSpellers.set(language, speller);
  }
  return speller;
}

/** The lower-case letters of the dictionary's TRY line (its letters by frequency), which corrections are made of. */
function alphabetOf(aff) {
  const line = /^TRY[ \t]+(\S+)/m.exec(new TextDecoder().decode(aff))?.[1] ?? "abcdefghijklmnopqrstuvwxyz";
  return [...new Set([...line].filter((c) => /\p{L}/u.test(c)).map((c) => c.toLowerCase()))];
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
      const unknown = isLiteral(sentence, index) ? [] : unknownParts(child, value, speller);
      if (unknown.length) {
        issues.push({
          kind: "spelling",
          actual: value.replace(/’/g, "'"),
          start: child.position?.start?.offset ?? 0,
          sentenceInitial: child === firstWord,
          british: false,
          correctable: unknown.some((part) => !isCompound(part, speller) && hasCloseCorrection(part, speller)),
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

/**
 * What the dictionary does not know of a word: nothing, the word, or (hyphenated and similar words, known as a whole)
 * the parts it does not know; numbers and times are not words.
 */
function unknownParts(word, value, speller) {
  const actual = value.replace(/’/g, "'");
  if (isNumber(actual) || speller.correct(actual)) return [];
  if (word.children.length < 2) return [actual];
  return word.children
    .filter((part) => part.type === "TextNode" && !isNumber(part.value) && !speller.correct(part.value))
    .map((part) => part.value);
}

/**
 * Whether a word the dictionary lacks is one edit away from one it knows (a letter left out, added, changed, or two
 * neighbours swapped): a misspelling; a word with no such neighbour is taken for a term the dictionary lacks.
 */
function hasCloseCorrection(word, speller) {
  const letters = [...word];
  const known = (candidate) => candidate.length > 0 && candidate !== word && speller.correct(candidate.join(""));
  for (let i = 0; i < letters.length; i++) {
    if (i + 1 < letters.length) {
      const swapped = [...letters];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
      if (known(swapped)) return true;
    }
    if (known(letters.toSpliced(i, 1))) return true;
  }
  for (const letter of speller.alphabet) {
    for (let i = 0; i <= letters.length; i++) {
      if (i < letters.length && known(letters.toSpliced(i, 1, letter))) return true;
      if (known(letters.toSpliced(i, 0, letter))) return true;
    }
  }
  return false;
}

/** Linking letters between the parts of a compound ("Wohnungsbau", "Sonnenenergie"). */
const LINKS = ["", "s", "n", "e", "es", "en", "o"];
const MIN_PART = 3;

/** Whether a word is two words the dictionary knows, maybe joined by a linking letter ("Wärmeplanung", "elettromeccanico"). */
function isCompound(word, speller) {
  if (word.length < 2 * MIN_PART) return false;
  for (let split = MIN_PART; split <= word.length - MIN_PART; split++) {
    const tail = word.slice(split);
    if (!speller.correct(tail) && !speller.correct(tail.charAt(0).toUpperCase() + tail.slice(1))) continue;
    const head = word.slice(0, split);
    for (const link of LINKS) {
      if (link && !head.endsWith(link)) continue;
      const stem = head.slice(0, head.length - link.length);
      if (stem.length >= MIN_PART && speller.correct(stem)) return true;
    }
  }
  return false;
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
