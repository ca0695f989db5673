// The standard layout the order page promises (A4, 12 pt, 1.5 line spacing, 2.5 cm margins), for both DOCX and PDF.
//
// Both files are set in DejaVu Serif, embedded in each: it covers Latin with diacritics and Cyrillic, and with one font
// and one way of breaking lines (worker/export/pdf.ts breaks them as Word does) the DOCX has the PDF's pages, line for
// line, as docx/layout lays it out; so the words per page in app/utils/catalog.ts hold for both files.
//
// Words per page (app/utils/catalog.ts) were measured with this layout: academic prose written for each language
// (tests/integration/export.test.ts), split over the sections and word budgets of worker/pipeline/outline.ts, rendered
// to PDF. The body is counted from the first section's page to the page of its last line; the title page, the contents
// and the bibliography (on pages of their own) are not. For 5 to 200 pages a page holds fewer words in short orders
// (more headings per page) than in long ones (at most 24 sections); English, for one, from 324 words at 5 pages to 340 at
// 200. Each value sits just under its 5-to-9-page measure, so an order of P pages at its budget has P body pages at
// 5 to 20 pages, and at 200 pages 186 to 189, all within ±10 %.
import { createRequire } from "node:module";
import path from "node:path";

const CM = 72 / 2.54;

/** Centimetres to PDF points. */
export function cm(value: number): number {
  return value * CM;
}

/** PDF points to twips (twentieths of a point), the unit of most lengths in DOCX. */
export function twips(points: number): number {
  return Math.round(points * 20);
}

export const PAGE = {
  size: "A4" as const,
  width: 595.28,
  height: 841.89,
  margin: cm(2.5),
};

export const BODY = {
  fontSize: 12,
  /** Word's "1.5 lines": one and a half times the font's own line height (ascent + descent + line gap). */
  lineSpacing: 1.5,
  firstLineIndent: cm(1.25),
};

export const HEADINGS = {
  1: { fontSize: 14, spaceBefore: 18, spaceAfter: 12 },
  2: { fontSize: 12, spaceBefore: 12, spaceAfter: 6 },
} as const;

/** Spacing in points; the kind label's top sits at `kindTop` of the page's height, the date above the footer line. */
export const TITLE_PAGE = {
  titleSize: 20,
  kindSize: 14,
  detailSize: 12,
  noteSize: 10,
  kindTop: 0.3,
  kindAfter: 16,
  authorBefore: 24,
  demoBefore: 48,
  demoAfter: 4,
  noteIndent: cm(1.25),
  dateAboveFooter: cm(1),
};

export const CONTENTS = { titleSize: 14, titleAfter: 24, level2Indent: cm(0.75) };

export const BIBLIOGRAPHY = { hangingIndent: cm(1.25), spaceAfter: 6 };

/** The page number sits centred in the bottom margin, this far from the page's edge. */
export const FOOTER = { distance: cm(1.25), fontSize: 10 };

export type FontFace = "regular" | "bold" | "italic" | "boldItalic";

export const FONT_FAMILY = "DejaVu Serif";
/** DejaVu Serif's single line height in ems: (ascent + descent) / units per em, with no line gap (hhea: 1901, -483, 2048). */
export const FONT_LINE_HEIGHT = (1901 + 483) / 2048;

const FONT_FILES: Record<FontFace, string> = {
  regular: "DejaVuSerif.ttf",
  bold: "DejaVuSerif-Bold.ttf",
  italic: "DejaVuSerif-Italic.ttf",
  boldItalic: "DejaVuSerif-BoldItalic.ttf",
};

/** The TTF of a face, from the dejavu-fonts-ttf package (TTFs: fontkit's subsetter breaks on woff2 composite glyphs). */
export function fontPath(face: FontFace): string {
  const pkg = createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json");
  return path.join(path.dirname(pkg), "ttf", FONT_FILES[face]);
}
