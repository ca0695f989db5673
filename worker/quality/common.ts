// Small helpers shared by the gates: text walking, paragraphs, a bounded cache, rounding.
import { logger } from "../../app/utils/logger.server";
import type { GateResult, QualityLog } from "./types";

/** Whether the text is all ASCII: no accents to fold, nothing to normalize, one character per code point. */
export function isAscii(text: string): boolean {
  return ASCII.test(text);
}
const ASCII = /^[\x00-\x7f]*$/;

/** What the regex `\s` matches: ASCII whitespace, NBSP, the Unicode space separators, line/paragraph separators, BOM. */
export function isWhiteSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Runs of non-whitespace; counted in one pass without splitting (called several times per section attempt). */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isWhiteSpace(text.charCodeAt(i));
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/** A paragraph of a text: where it starts, and its text without the white space around it. */
export type Paragraph = { start: number; text: string };

// Two line breaks with nothing but spaces or tabs between them: white space that retext's parser (parse-latin) never
// lets a sentence span, so a paragraph ending there is checked alone exactly as it is within the whole text.
const PARAGRAPH_BREAK = /(?:\r\n|\r|\n)[^\S\r\n]*(?:\r\n|\r|\n)/g;

/**
 * The paragraphs of `text` from `from` on that are complete, i.e. followed by a paragraph break; `rest` is where the
 * unfinished one begins. For a text that is still arriving: a paragraph found here stays as it is, whatever follows.
 */
export function completeParagraphs(text: string, from = 0): { paragraphs: Paragraph[]; rest: number } {
  const paragraphs: Paragraph[] = [];
  let start = from;
  PARAGRAPH_BREAK.lastIndex = from;
  for (let m = PARAGRAPH_BREAK.exec(text); m; m = PARAGRAPH_BREAK.exec(text)) {
    pushParagraph(paragraphs, text, start, m.index);
    start = m.index + m[0].length;
  }
  return { paragraphs, rest: start };
}

/** Every paragraph of a finished text, the last one included. */
export function paragraphsOf(text: string): Paragraph[] {
  const { paragraphs, rest } = completeParagraphs(text);
  pushParagraph(paragraphs, text, rest, text.length);
  return paragraphs;
}

function pushParagraph(paragraphs: Paragraph[], text: string, start: number, end: number): void {
  while (start < end && isWhiteSpace(text.charCodeAt(start))) start++;
  while (end > start && isWhiteSpace(text.charCodeAt(end - 1))) end--;
  if (end > start) paragraphs.push({ start, text: text.slice(start, end) });
}

/**
 * A map that keeps its `max` most recently used entries, the oldest going first: the gates' caches of recent texts,
 * shingle sets and answers, which a document's sections, finishing together, ask for again and again.
 */
export class RecentMap<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly max: number) {}

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) this.set(key, value);
    return value;
  }

  /** The value, leaving the order as it is. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

export function logOf(holder: { log?: QualityLog }): QualityLog {
  return holder.log ?? logger;
}

/** A gate with nothing to check with: no score, and it cannot fail the section. */
export function unchecked(gate: string): GateResult {
  return { gate, score: null, passed: true, feedback: [] };
}

/** Words of four letters or more, lower-case and without accents: what claims, pages and key points are compared by. */
export function contentWords(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .match(/[\p{L}\p{N}]{4,}/gu) ?? []
  );
}
