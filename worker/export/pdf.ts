// The PDF of a document, drawn with pdfkit in the standard layout, DejaVu Serif embedded (Latin with diacritics, Cyrillic).
//
// Lines are broken and pages filled here rather than by pdfkit's wrapper, the way Word does it for the DOCX: spaces at
// the end of a line don't count, no kerning or ligatures, widow and orphan control, headings kept with their text. So
// both files break their pages alike and words per page hold for both.
import { readFileSync } from "node:fs";
import PDFDocument from "pdfkit";
import {
  BIBLIOGRAPHY,
  BODY,
  CONTENTS,
  FONT_LINE_HEIGHT,
  FOOTER,
  HEADINGS,
  PAGE,
  TITLE_PAGE,
  fontPath,
  type FontFace,
} from "./layout";
import { formatTitleDate, labelsFor, type ExportDocument, type ExportLabels } from "./model";
import { EPSILON, FEATURES, Typesetter, type Align, type Line } from "./pdf-typesetter";

export type RenderedPdf = {
  buffer: Buffer;
  pageCount: number;
  /** Pages the sections take, from the first section's page to the one with their last line. */
  bodyPageCount: number;
  /** The same length with the last page counted by the share of its text height used (for calibration). */
  bodyPages: number;
  /** The contents as printed: each heading (sections, then the bibliography's) with the number of its page. */
  contents: ContentsLine[];
};

export type ContentsLine = { title: string; level: 1 | 2; page: number };

type Pdf = PDFKit.PDFDocument;
type ContentsEntry = ContentsLine & { destination: string };

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
  const type = new Typesetter(doc);

  drawTitlePage(doc, model, labels);

  const entries: ContentsEntry[] = model.sections.map((s, i) => ({
    title: s.heading,
    level: s.level,
    destination: `section-${i + 1}`,
    page: 0,
  }));
  const closing = model.bibliography?.heading ?? (model.noSourcesNote ? labels.references : null);
  if (closing) entries.push({ title: closing, level: 1, destination: "bibliography", page: 0 });
  // The contents need the body's page numbers: their pages are kept free now and filled in at the end.
  const contentsStart = 1;
  const contentsPages = drawContents(type, labels, entries, null);
  for (let i = 0; i < contentsPages; i++) doc.addPage();

  const flow = new Flow(type);
  flow.newPage();
  const bodyStart = flow.page;
  let chapter: PDFKit.PDFOutline | undefined;
  model.sections.forEach((section, i) => {
    const entry = entries[i];
    entry.page = flow.heading(section.heading, section.level, section.paragraphs[0], entry.destination) + 1;
    if (section.level === 1 || !chapter) chapter = doc.outline.addItem(section.heading);
    else chapter.addItem(section.heading);
    for (const paragraph of section.paragraphs) flow.paragraph(paragraph);
  });
  const bodyPageCount = flow.page - bodyStart + 1;
  const bodyPages = bodyPageCount - 1 + (flow.y - TOP) / (BOTTOM - TOP);

  if (closing) {
    flow.newPage();
    const entry = entries[entries.length - 1];
    entry.page = flow.heading(closing, 1, undefined, entry.destination) + 1;
    doc.outline.addItem(closing);
    if (model.bibliography) for (const reference of model.bibliography.entries) flow.reference(reference);
    else if (model.noSourcesNote) flow.paragraph(model.noSourcesNote, "italic", 0);
  }

  const pageCount = doc.bufferedPageRange().count;
  doc.switchToPage(contentsStart);
  drawContents(type, labels, entries, contentsStart);
  drawPageNumbers(doc, pageCount);
  doc.end();
  return { buffer: await done, pageCount, bodyPageCount, bodyPages, contents: entries };
}

function collect(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

function drawTitlePage(doc: Pdf, model: ExportDocument, labels: ExportLabels): void {
  const centred = (text: string, face: FontFace, size: number, before = 0, inset = 0) => {
    doc.font(face).fontSize(size);
    doc.text(text, LEFT + inset, doc.y + before, {
      width: WIDTH - 2 * inset,
      align: "center",
      lineGap: 0,
      features: FEATURES,
    });
  };
  doc.y = TOP;
  if (model.institution) centred(model.institution, "regular", TITLE_PAGE.detailSize);
  // As in the DOCX: the space above the kind label puts it at `kindTop` when the institution takes one line.
  const kindBefore =
    PAGE.height * TITLE_PAGE.kindTop - PAGE.margin - (model.institution ? TITLE_PAGE.detailSize * FONT_LINE_HEIGHT : 0);
  centred(model.kindLabel, "regular", TITLE_PAGE.kindSize, kindBefore);
  centred(model.title, "bold", TITLE_PAGE.titleSize, TITLE_PAGE.kindAfter);
  if (model.author) centred(model.author, "regular", TITLE_PAGE.detailSize, TITLE_PAGE.authorBefore);
  if (model.offlineDemo) {
    centred(labels.offlineDemo, "bold", TITLE_PAGE.detailSize, TITLE_PAGE.demoBefore);
    centred(labels.offlineDemoNote, "italic", TITLE_PAGE.noteSize, TITLE_PAGE.demoAfter, TITLE_PAGE.noteIndent);
  }
  // The date sits where the other pages show their number, a little higher: one line, drawn without wrapping.
  doc.font("regular").fontSize(TITLE_PAGE.detailSize);
  const date = formatTitleDate(model.date, model.language);
  const y = PAGE.height - FOOTER.distance - TITLE_PAGE.dateAboveFooter - doc.currentLineHeight(true);
  doc.text(date, LEFT + (WIDTH - doc.widthOfString(date)) / 2, y, { lineBreak: false });
}

/**
 * The table of contents from `startPage` on: its title, then a row per heading with dot leaders to the page number.
 * With `startPage` null it draws nothing and only counts the pages it needs.
 */
function drawContents(
  type: Typesetter,
  labels: ExportLabels,
  entries: ContentsEntry[],
  startPage: number | null,
): number {
  const { doc } = type;
  const draw = startPage !== null;
  let pages = 1;
  const title = type.use("bold", CONTENTS.titleSize);
  if (draw)
    doc.text(labels.contents, LEFT, TOP, { width: WIDTH, align: "center", lineBreak: false, features: FEATURES });
  let y = TOP + title.lineHeight + CONTENTS.titleAfter;

  const { lineHeight } = type.use("regular", BODY.fontSize);
  const pitch = lineHeight * BODY.lineSpacing;
  const numberRoom = type.width("0000");
  const gap = type.width("  ");
  const dot = type.width(" .");
  for (const entry of entries) {
    const indent = entry.level === 2 ? CONTENTS.level2Indent : 0;
    const room = WIDTH - indent - numberRoom - gap;
    const lines = type.breakLines(entry.title, room, room);
    if (y + lines.length * pitch > BOTTOM + EPSILON) {
      pages++;
      y = TOP;
      if (draw) doc.switchToPage(startPage + pages - 1);
    }
    const top = y;
    for (const [i, line] of lines.entries()) {
      if (draw) type.drawLine(line, LEFT + indent, y, room, "left");
      if (i < lines.length - 1) y += pitch;
    }
    if (draw) {
      const number = String(entry.page);
      const numberX = LEFT + WIDTH - type.width(number);
      const dotsFrom = LEFT + indent + lines[lines.length - 1].width + gap / 2;
      const dots = Math.floor((numberX - gap / 2 - dotsFrom) / dot);
      if (dots > 0) doc.text(" .".repeat(dots), numberX - gap / 2 - dots * dot, y, { lineBreak: false });
      doc.text(number, numberX, y, { lineBreak: false });
      doc.goTo(LEFT, top, WIDTH, y - top + lineHeight, entry.destination);
    }
    y += pitch;
  }
  return pages;
}

function drawPageNumbers(doc: Pdf, pageCount: number): void {
  doc.font("regular").fontSize(FOOTER.fontSize);
  const y = PAGE.height - FOOTER.distance - doc.currentLineHeight(true);
  // The title page counts as page 1 but shows the date instead.
  for (let i = 1; i < pageCount; i++) {
    doc.switchToPage(i);
    const number = String(i + 1);
    doc.text(number, LEFT + (WIDTH - doc.widthOfString(number)) / 2, y, { lineBreak: false });
  }
}

/** How many of a paragraph's `count` lines go on a page with room for `room`: widows and orphans are not left. */
function linesOnPage(count: number, room: number, atTop: boolean): number {
  if (count <= room) return count;
  let take = room;
  if (count - take === 1 && count >= 3) take--; // a widow: its last line alone on the next page
  if (take < 2 && !atTop) return 0; // an orphan: its first line alone at the bottom
  return Math.max(take, atTop ? 1 : 0);
}

/** The body and the bibliography, flowing over pages as Word flows them. */
class Flow {
  y = TOP;
  page = 0;

  constructor(private readonly type: Typesetter) {}

  newPage(): void {
    this.type.doc.addPage();
    this.page = this.type.doc.bufferedPageRange().count - 1;
    this.y = TOP;
  }

  private get atTop(): boolean {
    return this.y <= TOP + EPSILON;
  }

  /** Lines that still fit from `y`: the space 1.5 spacing adds below the last one's text may go past the bottom, as in Word. */
  private room(pitch: number, lineHeight: number, y = this.y): number {
    return Math.max(0, Math.floor((BOTTOM - lineHeight - y + EPSILON) / pitch) + 1);
  }

  private bodyLines(text: string, indent: number): Line[] {
    this.type.use("regular", BODY.fontSize);
    return this.type.breakLines(text, WIDTH - indent, WIDTH, true);
  }

  private get bodyLine(): { lineHeight: number; pitch: number } {
    const { lineHeight } = this.type.use("regular", BODY.fontSize);
    return { lineHeight, pitch: lineHeight * BODY.lineSpacing };
  }

  /** Draws a heading, on a new page if it and the first lines of its text don't fit here; returns its page. */
  heading(text: string, level: 1 | 2, firstParagraph: string | undefined, destination: string): number {
    const style = HEADINGS[level];
    const body = this.bodyLine;
    const following = firstParagraph ? this.bodyLines(firstParagraph, BODY.firstLineIndent).length : 0;
    const { lineHeight } = this.type.use("bold", style.fontSize);
    const lines = this.type.breakLines(text, WIDTH, WIDTH);
    const height = lines.length * lineHeight + style.spaceAfter;
    const fits = () => {
      const before = this.atTop ? 0 : style.spaceBefore;
      if (this.y + before + height > BOTTOM + EPSILON) return false;
      if (!following) return true;
      return linesOnPage(following, this.room(body.pitch, body.lineHeight, this.y + before + height), false) > 0;
    };
    if (!this.atTop && !fits()) this.newPage();
    if (!this.atTop) this.y += style.spaceBefore;
    const { doc } = this.type;
    doc.addNamedDestination(destination, "XYZ", LEFT, PAGE.height - this.y, null);
    this.type.use("bold", style.fontSize);
    for (const line of lines) {
      this.type.drawLine(line, LEFT, this.y, WIDTH, "left");
      this.y += lineHeight;
    }
    this.y += style.spaceAfter;
    return this.page;
  }

  paragraph(text: string, face: FontFace = "regular", indent: number = BODY.firstLineIndent): void {
    const { lineHeight } = this.type.use(face, BODY.fontSize);
    const lines = this.type.breakLines(text, WIDTH - indent, WIDTH, true);
    this.place(
      lines,
      lineHeight,
      (i) => (i === 0 ? { x: LEFT + indent, width: WIDTH - indent } : { x: LEFT, width: WIDTH }),
      "justify",
      face,
    );
  }

  /** A bibliography entry: left-aligned, every line after the first indented (a hanging indent). */
  reference(text: string): void {
    const hang = BIBLIOGRAPHY.hangingIndent;
    const { lineHeight } = this.type.use("regular", BODY.fontSize);
    const lines = this.type.breakLines(text, WIDTH, WIDTH - hang);
    this.place(
      lines,
      lineHeight,
      (i) => (i === 0 ? { x: LEFT, width: WIDTH } : { x: LEFT + hang, width: WIDTH - hang }),
      "left",
      "regular",
    );
    this.y += BIBLIOGRAPHY.spaceAfter;
  }

  private place(
    lines: Line[],
    lineHeight: number,
    box: (i: number) => { x: number; width: number },
    align: Align,
    face: FontFace,
  ): void {
    const pitch = lineHeight * BODY.lineSpacing;
    let i = 0;
    while (i < lines.length) {
      const take = linesOnPage(lines.length - i, this.room(pitch, lineHeight), this.atTop);
      if (take === 0) {
        this.newPage();
        continue;
      }
      this.type.use(face, BODY.fontSize);
      for (const end = i + take; i < end; i++) {
        const { x, width } = box(i);
        this.type.drawLine(lines[i], x, this.y, width, i === lines.length - 1 ? "left" : align);
        this.y += pitch;
      }
      if (i < lines.length) this.newPage();
    }
  }
}
