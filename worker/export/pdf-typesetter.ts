// Lines measured, broken and drawn as Word does it (greedy breaking, squeezed justified lines, no kerning or
// ligatures), for the PDF's flow (pdf.ts).
import type { FontFace } from "./layout";

// Word applies neither kerning nor ligatures unless a style asks for them; ligatures would also garble copied text.
export const FEATURES = {
  kern: false,
  liga: false,
  clig: false,
  calt: false,
} as unknown as PDFKit.Mixins.OpenTypeFeatures[];

export const EPSILON = 0.01;
const MOST_SQUEEZE = 0.25;
const STRETCH_TO_SQUEEZE = 2.015;

export type Line = { text: string; width: number };
export type Align = "left" | "justify";
type Pdf = PDFKit.PDFDocument;

/** Measures, breaks and draws lines in one face and size at a time. */
export class Typesetter {
  private readonly widths = new Map<string, number>();
  private key = "";

  constructor(readonly doc: Pdf) {}

  use(face: FontFace, size: number): { lineHeight: number } {
    this.doc.font(face).fontSize(size);
    this.key = `${face}/${size}/`;
    return { lineHeight: this.doc.currentLineHeight(true) };
  }

  width(text: string): number {
    const key = this.key + text;
    let width = this.widths.get(key);
    if (width === undefined) {
      width = this.doc.widthOfString(text, { features: FEATURES });
      this.widths.set(key, width);
    }
    return width;
  }

  /**
   * Greedy line breaking as Word does it: at spaces and after a hyphen inside a word; a word longer than a line is cut
   * where it must be. `firstWidth` is the first line's room (first-line or hanging indents). In a justified paragraph
   * Word squeezes a word that goes past the end into the line, by shrinking its spaces, when that takes at most a quarter
   * of their width and half as much as moving the word would stretch them (the rule docx/layout follows).
   */
  breakLines(text: string, firstWidth: number, width: number, justified = false): Line[] {
    const pieces = text
      .split(/[ \t\n\r]+/)
      .filter(Boolean)
      .flatMap((word) =>
        word.split(/(?<=[\p{L}\p{N}]-)(?=[\p{L}\p{N}])/u).map((part, i) => ({ text: part, space: i === 0 })),
      );
    const space = this.width(" ");
    const lines: Line[] = [];
    let line: (Line & { spaces: number }) | null = null;
    let room = firstWidth;
    const squeezes = (current: Line & { spaces: number }, lead: number, w: number) => {
      const spaces = current.spaces + lead;
      const over = current.width + lead + w - room;
      if (!justified || spaces <= EPSILON || over / spaces > MOST_SQUEEZE) return false;
      const slack = room - current.width;
      const between = spaces - lead;
      return between <= 0 || slack / between >= STRETCH_TO_SQUEEZE * (over / spaces);
    };
    for (const piece of pieces) {
      let w = this.width(piece.text);
      if (line) {
        const lead = piece.space ? space : 0;
        if (line.width + lead + w <= room + EPSILON || squeezes(line, lead, w)) {
          line = {
            text: line.text + (piece.space ? " " : "") + piece.text,
            width: line.width + lead + w,
            spaces: line.spaces + lead,
          };
          continue;
        }
        lines.push(line);
        room = width;
      }
      let rest = piece.text;
      while (w > room + EPSILON && rest.length > 1) {
        let cut = rest.length - 1;
        while (cut > 1 && this.width(rest.slice(0, cut)) > room + EPSILON) cut--;
        lines.push({ text: rest.slice(0, cut), width: this.width(rest.slice(0, cut)) });
        room = width;
        rest = rest.slice(cut);
        w = this.width(rest);
      }
      line = { text: rest, width: w, spaces: 0 };
    }
    if (line) lines.push({ text: line.text, width: line.width });
    return lines.length ? lines : [{ text: "", width: 0 }];
  }

  /** Draws one line with its top at `y`; a justified line spreads its spaces to fill `width`, a squeezed one shrinks them. */
  drawLine(line: Line, x: number, y: number, width: number, align: Align): void {
    if (!line.text) return;
    const spread = align === "justify" || line.width > width + EPSILON;
    // pdfkit spaces words apart at every \s, a no-break space too, so those are gaps as well.
    const gaps = line.text.trim().split(/\s+/).length - 1;
    const wordSpacing = spread && gaps > 0 ? (width - line.width) / gaps : 0;
    this.doc.text(line.text, x, y, { lineBreak: false, wordSpacing, features: FEATURES });
  }
}
