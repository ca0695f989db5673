// The PDF of a document, drawn with pdfkit in the standard layout, DejaVu Serif embedded (Latin with diacritics, Cyrillic).
import { readFileSync } from "node:fs";
import PDFDocument from "pdfkit";
import { BIBLIOGRAPHY, BODY, CONTENTS, FOOTER, HEADINGS, PAGE, TITLE_PAGE, fontPath, type FontFace } from "./layout";
import { formatTitleDate, labelsFor, type ExportDocument, type ExportLabels } from "./model";

export type RenderedPdf = {
  buffer: Buffer;
  pageCount: number;
  /** Pages the sections take, from the first section's page to the last line of the last one. */
  bodyPageCount: number;
  /** The same length in pages, the last one counted by the share of its text height that is used (for calibration). */
  bodyPages: number;
};

type Pdf = PDFKit.PDFDocument;
type ContentsEntry = { text: string; level: 1 | 2; destination: string; page: number };

const FACES: FontFace[] = ["regular", "bold", "italic"];
let fontFiles: Map<FontFace, Buffer> | undefined;

// Read once per process: each PDF embeds only the subset of glyphs it uses.
function fonts(): Map<FontFace, Buffer> {
  fontFiles ??= new Map(FACES.map((face) => [face, readFileSync(fontPath(face))]));
  return fontFiles;
}

const LEFT = PAGE.margin;
const WIDTH = PAGE.width - 2 * PAGE.margin;
const TOP = PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin;
const EPSILON = 0.01;

export async function renderPdf(model: ExportDocument): Promise<RenderedPdf> {
  const labels = labelsFor(model.language);
  const doc = new PDFDocument({
    size: PAGE.size,
    margin: PAGE.margin,
    bufferPages: true,
    pdfVersion: "1.7",
    lang: labels.locale,
    displayTitle: true,
    info: {
      Title: model.title,
      Author: model.author ?? "TesiGo",
      Subject: model.kindLabel,
      Creator: "TesiGo",
      Producer: "TesiGo (pdfkit)",
      CreationDate: model.date,
      ModDate: model.date,
    },
  });
  const done = collect(doc);
  for (const [face, data] of fonts()) doc.registerFont(face, data);

  drawTitlePage(doc, model, labels);

  const entries: ContentsEntry[] = model.sections.map((s, i) => ({ text: s.heading, level: s.level, destination: `section-${i + 1}`, page: 0 }));
  const closing = model.bibliography?.heading ?? (model.noSourcesNote ? labels.references : null);
  if (closing) entries.push({ text: closing, level: 1, destination: "bibliography", page: 0 });
  const contentsStart = 1;
  const contentsPages = drawContents(doc, labels, entries, null);
  for (let i = 0; i < contentsPages; i++) doc.addPage();

  doc.addPage();
  const bodyStart = pageIndex(doc);
  const body = new Flow(doc);
  let chapter: PDFKit.PDFOutline | undefined;
  model.sections.forEach((section, i) => {
    const entry = entries[i];
    body.heading(section.heading, section.level, section.paragraphs[0], entry.destination);
    entry.page = pageIndex(doc) + 1;
    if (section.level === 1 || !chapter) chapter = doc.outline.addItem(section.heading);
    else chapter.addItem(section.heading);
    for (const paragraph of section.paragraphs) body.paragraph(paragraph);
  });
  const bodyPageCount = pageIndex(doc) - bodyStart + 1;
  const bodyPages = bodyPageCount - 1 + (doc.y - TOP) / (BOTTOM - TOP);

  if (closing) {
    doc.addPage();
    const entry = entries[entries.length - 1];
    body.heading(closing, 1, undefined, entry.destination);
    entry.page = pageIndex(doc) + 1;
    doc.outline.addItem(closing);
    if (model.bibliography) for (const reference of model.bibliography.entries) body.reference(reference);
    else if (model.noSourcesNote) body.paragraph(model.noSourcesNote, { font: "italic", indent: 0 });
  }

  const pageCount = doc.bufferedPageRange().count;
  doc.switchToPage(contentsStart);
  drawContents(doc, labels, entries, contentsStart);
  drawPageNumbers(doc, pageCount);
  doc.end();
  return { buffer: await done, pageCount, bodyPageCount, bodyPages };
}

function collect(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

function pageIndex(doc: Pdf): number {
  const range = doc.bufferedPageRange();
  return range.start + range.count - 1;
}

/** Line pitch of a face at a size with the body's 1.5 spacing: the font's own line height, times 1.5. */
function lineGapFor(doc: Pdf, spacing: number): number {
  return doc.currentLineHeight(true) * (spacing - 1);
}

function drawTitlePage(doc: Pdf, model: ExportDocument, labels: ExportLabels): void {
  const centred = (text: string, face: FontFace, size: number, before = 0, inset = 0) => {
    doc.font(face).fontSize(size);
    doc.text(text, LEFT + inset, doc.y + before, { width: WIDTH - 2 * inset, align: "center", lineGap: 0 });
  };
  doc.y = TOP;
  if (model.institution) centred(model.institution, "regular", TITLE_PAGE.detailSize);
  doc.y = PAGE.height * TITLE_PAGE.kindTop;
  centred(model.kindLabel, "regular", TITLE_PAGE.kindSize);
  centred(model.title, "bold", TITLE_PAGE.titleSize, TITLE_PAGE.kindAfter);
  if (model.author) centred(model.author, "regular", TITLE_PAGE.detailSize, TITLE_PAGE.authorBefore);
  if (model.offlineDemo) {
    centred(labels.offlineDemo, "bold", TITLE_PAGE.detailSize, TITLE_PAGE.demoBefore);
    centred(labels.offlineDemoNote, "italic", TITLE_PAGE.noteSize, TITLE_PAGE.demoAfter, TITLE_PAGE.noteIndent);
  }
  // The date sits where the other pages show their number, a little higher; one line drawn without wrapping.
  doc.font("regular").fontSize(TITLE_PAGE.detailSize);
  const date = formatTitleDate(model.date, model.language);
  const y = PAGE.height - FOOTER.distance - TITLE_PAGE.dateAboveFooter - doc.currentLineHeight(true);
  doc.page.margins.bottom = 0;
  doc.text(date, LEFT + (WIDTH - doc.widthOfString(date)) / 2, y, { lineBreak: false });
}

/**
 * Lays out the table of contents from the current page on: title, then one row per heading, the page number after dot
 * leaders. Without `draw` it only counts the pages it needs, so they can be kept free before the body is drawn.
 */
function drawContents(doc: Pdf, labels: ExportLabels, entries: ContentsEntry[], startPage: number | null): number {
  const draw = startPage !== null;
  let pages = 1;
  doc.font("bold").fontSize(CONTENTS.titleSize);
  let y = TOP;
  if (draw) doc.text(labels.contents, LEFT, y, { width: WIDTH, align: "center" });
  y += doc.currentLineHeight(true) + HEADINGS[1].spaceAfter * 2;

  doc.font("regular").fontSize(BODY.fontSize);
  const lineHeight = doc.currentLineHeight(true);
  const pitch = lineHeight * BODY.lineSpacing;
  const numberWidth = doc.widthOfString("0000");
  const gap = doc.widthOfString("  ");
  for (const entry of entries) {
    const indent = entry.level === 2 ? CONTENTS.level2Indent : 0;
    const lines = wrapWords(doc, entry.text, WIDTH - indent - numberWidth - gap);
    if (y + (lines.length - 1) * pitch + lineHeight > BOTTOM + EPSILON) {
      pages++;
      y = TOP;
      if (draw) doc.switchToPage(startPage + pages - 1);
    }
    const top = y;
    lines.forEach((line, i) => {
      if (draw) doc.text(line, LEFT + indent, y, { lineBreak: false });
      if (i < lines.length - 1) y += pitch;
    });
    if (draw) {
      const last = lines[lines.length - 1];
      const number = String(entry.page);
      const dotsFrom = LEFT + indent + doc.widthOfString(last) + gap / 2;
      const numberX = LEFT + WIDTH - doc.widthOfString(number);
      const dot = doc.widthOfString(" .");
      const dots = Math.max(0, Math.floor((numberX - gap / 2 - dotsFrom) / dot));
      if (dots > 0) doc.text(" .".repeat(dots), numberX - gap / 2 - dots * dot, y, { lineBreak: false });
      doc.text(number, numberX, y, { lineBreak: false });
      doc.goTo(LEFT, top, WIDTH, y - top + lineHeight, entry.destination);
    }
    y += pitch;
  }
  return pages;
}

/** Greedy word wrap for the contents' rows, which need the width of their last line for the leaders. */
function wrapWords(doc: Pdf, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && doc.widthOfString(candidate) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  lines.push(line);
  return lines;
}

function drawPageNumbers(doc: Pdf, pageCount: number): void {
  doc.font("regular").fontSize(FOOTER.fontSize);
  // The title page counts as page 1 but shows no number.
  for (let i = 1; i < pageCount; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0; // drawing in the margin must not start a new page
    doc.text(String(i + 1), LEFT, PAGE.height - FOOTER.distance - doc.currentLineHeight(true), { width: WIDTH, align: "center", lineBreak: false });
  }
}

type ParagraphStyle = { font?: FontFace; indent?: number };

/** Body text flowing over pages as Word flows it: keep-with-next headings, widow and orphan control. */
class Flow {
  constructor(private readonly doc: Pdf) {}

  private bodyFont(face: FontFace = "regular"): { lineGap: number; lineHeight: number; pitch: number } {
    this.doc.font(face).fontSize(BODY.fontSize);
    const lineHeight = this.doc.currentLineHeight(true);
    const lineGap = lineGapFor(this.doc, BODY.lineSpacing);
    return { lineGap, lineHeight, pitch: lineHeight + lineGap };
  }

  /** How many lines of `lineHeight` with `pitch` still fit on the current page. */
  private linesLeft(lineHeight: number, pitch: number): number {
    const room = BOTTOM - lineHeight - this.doc.y;
    return room < -EPSILON ? 0 : Math.floor((room + EPSILON) / pitch) + 1;
  }

  private newPage(): void {
    this.doc.addPage();
    this.doc.x = LEFT;
    this.doc.y = TOP;
  }

  private atTop(): boolean {
    return this.doc.y <= TOP + EPSILON;
  }

  private lineCount(text: string, options: PDFKit.Mixins.TextOptions, pitch: number): number {
    return Math.round(this.doc.heightOfString(text, options) / pitch);
  }

  heading(text: string, level: 1 | 2, firstParagraph: string | undefined, destination: string): void {
    const { doc } = this;
    const style = HEADINGS[level];
    const next = this.bodyFont();
    const followLines = firstParagraph ? Math.min(2, this.lineCount(firstParagraph, this.paragraphOptions(next.lineGap), next.pitch)) : 0;
    doc.font("bold").fontSize(style.fontSize);
    const height = doc.heightOfString(text, { width: WIDTH, lineGap: 0 });
    const before = this.atTop() ? 0 : style.spaceBefore;
    const needed = before + height + style.spaceAfter + (followLines ? (followLines - 1) * next.pitch + next.lineHeight : 0);
    if (!this.atTop() && doc.y + needed > BOTTOM + EPSILON) this.newPage();
    else doc.y += before;
    doc.addNamedDestination(destination, "XYZ", LEFT, doc.page.height - doc.y, null);
    doc.font("bold").fontSize(style.fontSize).text(text, LEFT, doc.y, { width: WIDTH, lineGap: 0, align: "left" });
    doc.y += style.spaceAfter;
  }

  private paragraphOptions(lineGap: number, indent: number = BODY.firstLineIndent): PDFKit.Mixins.TextOptions {
    return { width: WIDTH, align: "justify", indent, lineGap, paragraphGap: 0 };
  }

  paragraph(text: string, style: ParagraphStyle = {}): void {
    const { lineGap, lineHeight, pitch } = this.bodyFont(style.font);
    const options = this.paragraphOptions(lineGap, style.indent);
    this.flow(text, LEFT, options, lineHeight, pitch);
  }

  /** A bibliography entry: left-aligned, every line after the first indented (hanging indent). */
  reference(text: string): void {
    const { lineGap, lineHeight, pitch } = this.bodyFont();
    const hang = BIBLIOGRAPHY.hangingIndent;
    const options: PDFKit.Mixins.TextOptions = { width: WIDTH - hang, align: "left", indent: -hang, lineGap, paragraphGap: 0 };
    this.flow(text, LEFT + hang, options, lineHeight, pitch);
    this.doc.y += BIBLIOGRAPHY.spaceAfter;
  }

  private flow(text: string, x: number, options: PDFKit.Mixins.TextOptions, lineHeight: number, pitch: number): void {
    const { doc } = this;
    const lines = this.lineCount(text, options, pitch);
    const left = this.linesLeft(lineHeight, pitch);
    if (left === 0 || (lines > left && left < 2 && !this.atTop())) {
      this.newPage(); // no room, or only one line (an orphan) would stay on this page
    } else if (lines > left && lines - left === 1 && lines >= 3) {
      // One line (a widow) would go over: break a line earlier, unless that leaves an orphan.
      if (left - 1 < 2) this.newPage();
      else doc.page.margins.bottom += pitch;
    }
    doc.text(text, x, doc.y, options);
    doc.x = LEFT;
  }
}
