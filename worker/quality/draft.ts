// A section's checks while it is being written: its answer streams in (worker/llm), and each paragraph the writer
// finishes goes to the gates at once (QualityGate.precheck), in the seconds the writer spends on the next one. When
// the answer is complete, its last paragraph is prechecked too, beside the query for the gates' context, and the gates
// check the whole text as always, finding most of the work done (decision 015).
import { createHash, type Hash } from "node:crypto";
import type { TextSink } from "../llm/provider";
import { completeParagraphs, isWhiteSpace, paragraphsOf } from "./common";
import type { DraftSection, QualityGate } from "./gate";

export class DraftCheck implements TextSink {
  private text = "";
  /**
   * The answer from the paragraph still being written on: only it is searched for the next break (searching the
   * whole answer copies it for every piece, and a model streams thousands of pieces).
   */
  private tail = "";
  /** The last paragraph prechecked (the next one's shingles begin in it). */
  private previous: string | undefined;
  /** Paragraphs prechecked, each with the one before it. */
  private readonly prechecked = new Set<string>();
  /**
   * The MD5 of the answer without the white space around it (its key among the gates' known texts), hashed as it
   * arrives: white space at its end, and half of a surrogate pair, wait for what follows them.
   */
  private md5: Hash = createHash("md5");
  private held = "";
  private started = false;

  constructor(
    private readonly gates: readonly QualityGate[],
    private readonly section: DraftSection,
  ) {}

  restart(): void {
    this.text = "";
    this.tail = "";
    this.previous = undefined;
    this.md5 = createHash("md5");
    this.held = "";
    this.started = false;
  }

  append(piece: string): void {
    this.text += piece;
    this.hash(piece);
    this.tail += piece;
    const { paragraphs, rest } = completeParagraphs(this.tail);
    if (rest > 0) this.tail = this.tail.slice(rest);
    for (const paragraph of paragraphs) this.precheck(paragraph.text);
  }

  /**
   * The answer is complete and `text` is what the gates will check (trimmed, cleaned): what was not prechecked yet,
   * normally its last paragraph, is now.
   */
  finish(text: string): void {
    this.previous = undefined;
    for (const paragraph of paragraphsOf(text)) this.precheck(paragraph.text);
  }

  /**
   * textKey(text) without hashing it again, when `text` is the answer as it arrived, trimmed (the checks changed
   * nothing); undefined otherwise.
   */
  keyOf(text: string): string | undefined {
    return text === this.text.trim() ? this.md5.copy().digest("hex") : undefined;
  }

  private hash(piece: string): void {
    let text = this.held + piece;
    if (!this.started) {
      let start = 0;
      while (start < text.length && isWhiteSpace(text.charCodeAt(start))) start++;
      text = text.slice(start);
      this.started = text.length > 0;
    }
    let end = text.length;
    while (end > 0 && isWhiteSpace(text.charCodeAt(end - 1))) end--;
    if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    this.md5.update(text.slice(0, end), "utf8");
    this.held = text.slice(end);
  }

  private precheck(paragraph: string): void {
    const previous = this.previous;
    this.previous = paragraph;
    const key = `${previous ?? ""}\u0000${paragraph}`;
    if (this.prechecked.has(key)) return;
    this.prechecked.add(key);
    for (const gate of this.gates) gate.precheck?.(paragraph, this.section, previous);
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
