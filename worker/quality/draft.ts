// A section's checks while it is being written: its answer streams in (worker/llm), and each paragraph the writer
// finishes goes to the gates at once (QualityGate.precheck), in the seconds the writer spends on the next one. When
// the answer is complete, its last paragraph is prechecked too, beside the query for the gates' context, and the gates
// check the whole text as always, finding most of the work done (decision 015).
import type { TextSink } from "../llm/provider";
import { completeParagraphs, paragraphsOf } from "./common";
import type { DraftSection, QualityGate } from "./types";

export class DraftCheck implements TextSink {
  /**
   * The answer from the paragraph still being written on: only it is searched for the next break (searching the
   * whole answer copies it for every piece, and a model streams thousands of pieces).
   */
  private tail = "";
  /** The last paragraph prechecked (the next one's shingles begin in it). */
  private previous: string | undefined;
  /** Paragraphs prechecked, each with the one before it. */
  private readonly prechecked = new Set<string>();

  constructor(
    private readonly gates: readonly QualityGate[],
    private readonly section: DraftSection,
  ) {}

  restart(): void {
    this.tail = "";
    this.previous = undefined;
  }

  append(piece: string): void {
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

  private precheck(paragraph: string): void {
    const previous = this.previous;
    this.previous = paragraph;
    const key = `${previous ?? ""}\u0000${paragraph}`;
    if (this.prechecked.has(key)) return;
    this.prechecked.add(key);
    for (const gate of this.gates) gate.precheck?.(paragraph, this.section, previous);
  }
}
