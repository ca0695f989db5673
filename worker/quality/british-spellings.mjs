// British spellings the English dictionary lacks ("analysed", "colour") are accepted when an American form is known.
// Plain JavaScript: shared by grammar.ts and the spell checker thread (spell-thread.mjs), which runs without a loader.

/** @type {[RegExp, string][]} */
const BRITISH_TO_AMERICAN = [
  [/isation(s?)$/, "ization$1"],
  [/is(e|es|ed|ing|er|ers)$/, "iz$1"],
  [/ys(e|es|ed|ing|er|ers)$/, "yz$1"],
  [/our(s|ed|ing|ite|ites|able|ful|less)?$/, "or$1"],
  [/([^aeiou])re(s?)$/, "$1er$2"],
  [/ogue(s?)$/, "og$1"],
  [/ll(ed|ing|er|ers)$/, "l$1"],
  [/ence(s?)$/, "ense$1"],
  [/amme(s?)$/, "am$1"],
  [/ae/, "e"],
  [/oe/, "e"],
];

/**
 * Candidate American spellings of a British word ("analysed" → "analyzed"), lower-case, possessive dropped.
 * @param {string} word
 * @returns {string[]}
 */
export function americanForms(word) {
  const base = word.toLowerCase().replace(/['’]s$/, "");
  const forms = BRITISH_TO_AMERICAN.filter(([from]) => from.test(base)).map(([from, to]) => base.replace(from, to));
  return [...new Set(forms)].filter((f) => f !== base);
}
