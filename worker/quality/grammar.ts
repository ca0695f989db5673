// Grammar: errors per 1,000 words, from a LanguageTool server when LANGUAGETOOL_URL is set, otherwise from retext
// (spelling against the language's Hunspell dictionary, plus repeated words). No checker for a language → null.
//
// A word the dictionary lacks is not an error by itself (decision 029): it counts only when the dictionary knows a word
// one edit away (a letter left out, added, changed, two swapped) and it is not two dictionary words joined (German,
// Polish compounds); and never when it is one of the order's terms (its topic, requirements and sources) or the text
// writes it the same way twice or more (a term used consistently, not a slip of the keyboard).
//
// Not counted, because no dictionary can know them: citation keys ([@smith2020]), URLs, e-mail addresses, DOIs,
// words with digits (COVID-19, H2O), all-capital acronyms (OECD), and capitalised words inside a sentence (taken
// for proper names: Brussels, McKinsey; the first word of a sentence is still checked). In English, a British
// spelling counts as correct when its American form is in dictionary-en (en-US): analyse, colour, centre, modelling.
import { isWhiteSpace, logOf, paragraphsOf, round1, unchecked } from "./common";
import type { QualityConfig, QualityGate, QualityLog } from "./types";
import { mayHaveUrl } from "../export/citations";
import { citationSpans } from "./shingles";
import type { SpellChecker, SpellIssue } from "./spell-checker";

export type GrammarIssue = {
  kind: "spelling" | "repetition" | "grammar";
  /** The words at fault, as written. */
  text: string;
  message?: string;
  suggestion?: string;
};

export type GrammarReport = {
  /** Errors per 1,000 words, one decimal; null when nothing could check this language (or the checker failed). */
  score: number | null;
  checker: "retext" | "languagetool" | null;
  words: number;
  issues: GrammarIssue[];
};

export type GrammarOptions = {
  /** The built-in checker's thread (the worker's, or the command's own). */
  spell: SpellChecker;
  languageToolUrl?: string | null;
  /** For one LanguageTool request. */
  httpTimeoutMs?: number;
  /** For the built-in checker, including loading a dictionary on first use. */
  spellTimeoutMs?: number;
  log?: QualityLog;
  signal?: AbortSignal;
  /** The order's own words (its topic, requirements, sources' titles and abstracts): terms, never misspellings. */
  terms?: string;
};

/** Languages the built-in checker has a dictionary for (spell-thread.mjs). */
export const SPELL_LANGUAGES = ["en", "es", "fr", "pl", "ru", "uk", "de", "it"] as const;
const DEFAULT_SPELL_TIMEOUT_MS = 120_000;
const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
const ISSUES_NAMED = 10;

/** "en-GB" → "en". */
export function primaryLanguage(language: string): string {
  return language.trim().toLowerCase().split(/[-_]/)[0];
}

/** Spans that are not prose and are never counted: citations, URLs, e-mail addresses, DOIs. */
export function ignoredSpans(text: string): [number, number][] {
  const spans = citationSpans(text);
  // Each kind only where its mark occurs: most sections have none, and the e-mail pattern tries every word.
  for (const [mark, pattern] of LINK_PATTERNS) {
    if (!mark(text)) continue;
    for (const m of text.matchAll(pattern)) spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}
const LINK_PATTERNS: [(text: string) => boolean, RegExp][] = [
  [mayHaveUrl, /\bhttps?:\/\/\S+|\bwww\.\S+/gi],
  [mayHaveEmail, /[\w.+-]+@[\w-]+\.[\w.-]+/gi],
  [(text) => text.includes("10."), /\b10\.\d{4,9}\/\S+/gi],
];

/** Whether an "@" stands between characters an address has on both sides (a citation's "[@key" does not). */
function mayHaveEmail(text: string): boolean {
  for (let at = text.indexOf("@", 1); at !== -1; at = text.indexOf("@", at + 1)) {
    if (EMAIL_BEFORE.test(text[at - 1]) && EMAIL_AFTER.test(text[at + 1] ?? "")) return true;
  }
  return false;
}
const EMAIL_BEFORE = /[\w.+-]/;
const EMAIL_AFTER = /[\w-]/;

function inSpans(spans: [number, number][], start: number, end = start + 1): boolean {
  return spans.some(([s, e]) => start < e && end > s);
}

/**
 * Words counted for the rate: whitespace-separated runs with a letter, outside the ignored spans. One pass over the
 * text with the spans in order (it runs on every section; a regex and a scan of the spans per word cost ten times more).
 */
export function countProseWords(text: string, spans = ignoredSpans(text)): number {
  // The spans merged into disjoint ones in order, so one pointer follows the words.
  const merged: [number, number][] = [];
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  let span = 0;
  let words = 0;
  for (let i = 0; i < text.length;) {
    if (isWhiteSpace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let letter = false;
    while (i < text.length && !isWhiteSpace(text.charCodeAt(i))) {
      if (!letter) letter = isLetterAt(text, i);
      i++;
    }
    while (span < merged.length && merged[span][1] <= start) span++;
    const inside = span < merged.length && merged[span][0] <= start;
    if (letter && !inside) words++;
  }
  return words;
}

// What /\p{L}/u matches at i: ASCII letters directly, anything else (surrogate pairs included) by the regex.
function isLetterAt(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return LETTER_AT.test(text.slice(i, i + 2));
}
const LETTER_AT = /^\p{L}/u;

export async function checkGrammar(text: string, language: string, options: GrammarOptions): Promise<GrammarReport> {
  const spans = ignoredSpans(text);
  const words = countProseWords(text, spans);
  if (words === 0) return { score: null, checker: null, words, issues: [] };
  const log = logOf(options);
  try {
    if (options.languageToolUrl) {
      // LanguageTool's dictionaries and rules are its own; only the order's terms are excused from its verdict.
      const issues = excuseTerms(
        await languageToolIssues(options.languageToolUrl, text, language, spans, options),
        text,
        options.terms,
        { repeated: false },
      );
      return { score: rate(issues.length, words), checker: "languagetool", words, issues };
    }
    const primary = primaryLanguage(language);
    if (!hasDictionary(primary)) return { score: null, checker: null, words, issues: [] };
    const issues = excuseTerms(
      await retextIssues(options.spell, text, primary, spans, options.spellTimeoutMs ?? DEFAULT_SPELL_TIMEOUT_MS),
      text,
      options.terms,
    );
    return { score: rate(issues.length, words), checker: "retext", words, issues };
  } catch (error) {
    // The gate cannot check this text now; it says so (null) rather than guessing.
    log.warn({ err: error instanceof Error ? error.message : String(error), language }, "grammar check unavailable");
    return { score: null, checker: null, words, issues: [] };
  }
}

function rate(errors: number, words: number): number {
  return round1((errors * 1000) / words);
}

// ---------------------------------------------------------------- LanguageTool

/** LanguageTool checks spelling only for a language with its variant: "en" → "en-US". */
const LANGUAGETOOL_VARIANTS: Record<string, string> = {
  en: "en-US",
  de: "de-DE",
  pt: "pt-PT",
  uk: "uk-UA",
  ru: "ru-RU",
  pl: "pl-PL",
  ca: "ca-ES",
};

export function languageToolLanguage(language: string): string {
  return LANGUAGETOOL_VARIANTS[language.toLowerCase()] ?? language;
}

type LanguageToolMatch = {
  message?: string;
  offset: number;
  length: number;
  replacements?: { value: string }[];
  rule?: { issueType?: string };
};

async function languageToolIssues(
  baseUrl: string,
  text: string,
  language: string,
  spans: [number, number][],
  options: GrammarOptions,
): Promise<GrammarIssue[]> {
  const url = `${baseUrl.replace(/\/+$/, "").replace(/\/v2$/, "")}/v2/check`;
  const timeout = AbortSignal.timeout(options.httpTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ text, language: languageToolLanguage(language) }),
    signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
  });
  if (!response.ok)
    throw new Error(`LanguageTool answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const body = (await response.json()) as { matches?: LanguageToolMatch[] };
  if (!Array.isArray(body.matches)) throw new Error("LanguageTool answered without a matches list");
  return body.matches
    .filter((m) => !inSpans(spans, m.offset, m.offset + Math.max(1, m.length)))
    .map((m) => ({
      kind:
        m.rule?.issueType === "misspelling"
          ? "spelling"
          : m.rule?.issueType === "duplication"
            ? "repetition"
            : "grammar",
      text: text.slice(m.offset, m.offset + m.length),
      message: m.message,
      suggestion: m.replacements?.[0]?.value,
    }));
}

// ---------------------------------------------------------------- retext, in a worker thread (spell-checker.ts)

/**
 * Paragraph by paragraph (the spelling thread parses and answers each on its own; a sentence never spans two), so a
 * paragraph checked while its section was still being written (precheck) is not checked again.
 */
async function retextIssues(
  spell: SpellChecker,
  text: string,
  language: string,
  spans: [number, number][],
  timeoutMs: number,
): Promise<GrammarIssue[]> {
  const found = await Promise.all(
    paragraphsOf(text).map(async (p) =>
      (await spell.paragraphIssues(language, p.text, timeoutMs)).map((i) => ({ ...i, start: i.start + p.start })),
    ),
  );
  return found
    .flat()
    .filter((i) => !inSpans(spans, i.start, i.start + i.actual.length))
    .filter((i) => i.kind === "repetition" || (!i.british && i.correctable !== false && countsAsMisspelt(i)))
    .map((i) => ({ kind: i.kind, text: i.actual }));
}

function countsAsMisspelt(issue: SpellIssue): boolean {
  const word = issue.actual;
  if (/\d/.test(word)) return false;
  const letters = word.replace(/[^\p{L}]/gu, "");
  if (letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) return false;
  const first = letters.charAt(0);
  if (first && first !== first.toLowerCase() && !issue.sentenceInitial) return false;
  return true;
}

// ---------------------------------------------------------------- terms

/**
 * The spelling issues less the words that are the order's terms or (`repeated`) that the text spells the same way
 * twice or more.
 * A term matches its inflected forms: a word sharing all but its last three letters (at least five) with one of the
 * order's words ("сервисы" and "сервисов", "fotowoltaika" and "fotowoltaiki").
 */
export function excuseTerms(
  issues: GrammarIssue[],
  text: string,
  terms = "",
  { repeated } = { repeated: true },
): GrammarIssue[] {
  if (!issues.some((i) => i.kind === "spelling")) return issues;
  const written = new Map<string, number>();
  for (const word of wordsOf(text)) written.set(word, (written.get(word) ?? 0) + 1);
  const orderWords = [...new Set(wordsOf(terms))];
  const isTerm = (word: string) =>
    orderWords.some((term) => {
      const stem = Math.max(5, Math.min(word.length, term.length) - 3);
      return term.slice(0, stem) === word.slice(0, stem);
    });
  return issues.filter((issue) => {
    if (issue.kind !== "spelling") return true;
    const word = issue.text.toLowerCase();
    return !(repeated && (written.get(word) ?? 0) >= 2) && !isTerm(word);
  });
}

function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{M}'’-]+/gu) ?? []).map((word) => word.replace(/’/g, "'"));
}

// ---------------------------------------------------------------- gate

/** What the writer should fix; empty when the report passes. */
export function grammarFeedback(report: GrammarReport, maximum: number): string[] {
  if (report.score === null || report.score <= maximum) return [];
  const feedback = [
    `The previous answer had ${report.issues.length} spelling or grammar errors in ${report.words} words ` +
      `(${report.score} per 1,000 words; at most ${maximum} are allowed). Proofread and correct them.`,
  ];
  return [...feedback, ...issueLines(report)];
}

/** The errors found, named so the writer (or a person) can find and fix them. */
export function issueLines(report: GrammarReport, count = ISSUES_NAMED): string[] {
  const feedback: string[] = [];
  const quoted = (kind: GrammarIssue["kind"]) =>
    [...new Set(report.issues.filter((i) => i.kind === kind && !i.message).map((i) => `"${i.text}"`))].slice(0, count);
  const misspelt = quoted("spelling");
  if (misspelt.length) feedback.push(`Misspelt words: ${misspelt.join(", ")}.`);
  const repeated = quoted("repetition");
  if (repeated.length) feedback.push(`Repeated words: ${repeated.join(", ")}.`);
  for (const i of report.issues.filter((i) => i.message).slice(0, count)) {
    feedback.push(`"${i.text}": ${i.message}${i.suggestion ? ` (perhaps "${i.suggestion}")` : ""}`);
  }
  return feedback;
}

export function grammarGate(config: QualityConfig, spell: SpellChecker): QualityGate {
  /** The dictionary's language when the built-in checker checks `language` here (no LanguageTool, a dictionary). */
  function builtInCheckerFor(language: string): string | null {
    const primary = primaryLanguage(language);
    return !config.languageToolUrl && hasDictionary(primary) ? primary : null;
  }
  return {
    name: "grammar",
    async check(section, context) {
      const settings = context.config ?? config;
      const report = await checkGrammar(section.text, section.language, {
        spell,
        languageToolUrl: settings.languageToolUrl,
        httpTimeoutMs: settings.httpTimeoutMs,
        log: context.log,
        signal: context.signal,
        terms: [context.topic ?? "", ...context.sources.map((s) => `${s.title ?? ""} ${s.text}`)].join("\n"),
      });
      if (report.score === null) return unchecked("grammar");
      const passed = report.score <= settings.maxGrammarErrors;
      return {
        gate: "grammar",
        score: report.score,
        passed,
        feedback: passed ? [] : grammarFeedback(report, settings.maxGrammarErrors),
      };
    },
    precheck(paragraph, section) {
      const primary = builtInCheckerFor(section.language);
      if (primary) spell.paragraphIssues(primary, paragraph, DEFAULT_SPELL_TIMEOUT_MS).catch(() => {});
    },
    prepare(language, sample) {
      const primary = builtInCheckerFor(language);
      if (primary) spell.warmUp(primary, sample, DEFAULT_SPELL_TIMEOUT_MS);
    },
  };
}

function hasDictionary(primary: string): boolean {
  return (SPELL_LANGUAGES as readonly string[]).includes(primary);
}
