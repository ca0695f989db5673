// The DOCX of a document, written with `docx` in the standard layout, DejaVu Serif embedded so it looks like the PDF.
import { readFileSync } from "node:fs";
import {
  AlignmentType,
  Bookmark,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  TableOfContents,
  TextRun,
  type IParagraphStyleOptions,
} from "docx";
import {
  BIBLIOGRAPHY,
  BODY,
  CONTENTS,
  FONT_FAMILY,
  FONT_LINE_HEIGHT,
  FOOTER,
  HEADINGS,
  PAGE,
  TITLE_PAGE,
  fontPath,
  twips,
} from "./layout";
import { formatTitleDate, labelsFor, type ExportDocument } from "./model";
import type { ContentsLine } from "./pdf";

let fontFiles: { data: Buffer; bold: Buffer; italic: Buffer } | undefined;

function fonts() {
  fontFiles ??= {
    data: readFileSync(fontPath("regular")),
    bold: readFileSync(fontPath("bold")),
    italic: readFileSync(fontPath("italic")),
  };
  return fontFiles;
}

const halfPoints = (points: number) => Math.round(points * 2);
// Word's "1.5 lines" is 360 in 240ths of a line.
const LINE_BODY = Math.round(240 * BODY.lineSpacing);
const LINE_SINGLE = 240;

/** Style ids; the headings are Word's built-in Heading 1 and 2, so Word's navigation and contents use them. */
const STYLE = {
  body: "BodyText",
  reference: "Bibliography",
  note: "NoSourcesNote",
  contentsTitle: "TOCHeading",
} as const;

/** The bookmark on the i-th heading (sections, then the bibliography's), which its contents line links to. */
const headingBookmark = (i: number) => `heading_${i + 1}`;

/**
 * The document, for `Packer` or for docx/layout's `layoutDocument`, which lays out its pages as Word does.
 * `contents`: the PDF's contents lines, whose page numbers the contents are written with. Both files break lines and
 * pages alike (decision 010), so the PDF's layout numbers the DOCX too, and Word has nothing to update on opening;
 * without them the contents are left for Word to fill in.
 */
export function buildDocx(model: ExportDocument, contents?: readonly ContentsLine[]): Document {
  const labels = labelsFor(model.language);
  const paragraphStyles: IParagraphStyleOptions[] = [
    {
      id: STYLE.body,
      name: "Body Text",
      basedOn: "Normal",
      quickFormat: true,
      paragraph: {
        alignment: AlignmentType.JUSTIFIED,
        indent: { firstLine: twips(BODY.firstLineIndent) },
        spacing: { line: LINE_BODY, before: 0, after: 0 },
      },
    },
    {
      id: STYLE.reference,
      name: "Bibliography",
      basedOn: "Normal",
      paragraph: {
        alignment: AlignmentType.LEFT,
        indent: { left: twips(BIBLIOGRAPHY.hangingIndent), hanging: twips(BIBLIOGRAPHY.hangingIndent) },
        spacing: { line: LINE_BODY, before: 0, after: twips(BIBLIOGRAPHY.spaceAfter) },
      },
    },
    {
      id: STYLE.note,
      // A style of our own: Word shows its name as it is, so it is in the document's language (built-in ones Word names).
      name: labels.noSourcesStyle,
      basedOn: STYLE.body,
      run: { italics: true },
      paragraph: { indent: { firstLine: 0 } },
    },
    {
      id: STYLE.contentsTitle,
      name: "TOC Heading",
      basedOn: "Normal",
      next: "Normal",
      run: { bold: true, size: halfPoints(CONTENTS.titleSize) },
      paragraph: {
        alignment: AlignmentType.CENTER,
        spacing: { line: LINE_SINGLE, before: 0, after: twips(CONTENTS.titleAfter) },
      },
    },
    {
      id: "TOC1",
      name: "toc 1",
      basedOn: "Normal",
      next: "Normal",
      paragraph: { spacing: { line: LINE_BODY, before: 0, after: 0 } },
    },
    {
      id: "TOC2",
      name: "toc 2",
      basedOn: "Normal",
      next: "Normal",
      paragraph: { indent: { left: twips(CONTENTS.level2Indent) }, spacing: { line: LINE_BODY, before: 0, after: 0 } },
    },
  ];

  const heading = (level: 1 | 2) => ({
    run: { font: FONT_FAMILY, size: halfPoints(HEADINGS[level].fontSize), bold: true, italics: false, color: "000000" },
    paragraph: {
      alignment: AlignmentType.LEFT,
      keepNext: true,
      keepLines: true,
      spacing: {
        line: LINE_SINGLE,
        before: twips(HEADINGS[level].spaceBefore),
        after: twips(HEADINGS[level].spaceAfter),
      },
    },
  });

  const closingHeading = model.bibliography?.heading ?? (model.noSourcesNote ? labels.references : null);

  return new Document({
    title: model.title,
    creator: model.author ?? "TesiGo",
    subject: model.kindLabel,
    lastModifiedBy: "TesiGo",
    description: model.offlineDemo ? labels.offlineDemoNote : undefined,
    // Word offers to update the contents when it opens the file; until then they show the PDF's page numbers.
    features: { updateFields: true },
    fonts: [{ name: FONT_FAMILY, ...fonts() }],
    styles: {
      default: {
        document: {
          // The document's language: Word spell-checks every run in it.
          run: { font: FONT_FAMILY, size: halfPoints(BODY.fontSize), language: { value: labels.locale } },
          paragraph: { spacing: { line: LINE_BODY, before: 0, after: 0 } },
        },
        heading1: heading(1),
        heading2: heading(2),
      },
      paragraphStyles,
    },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: twips(PAGE.width), height: twips(PAGE.height) },
            margin: {
              top: twips(PAGE.margin),
              bottom: twips(PAGE.margin),
              left: twips(PAGE.margin),
              right: twips(PAGE.margin),
              header: twips(FOOTER.distance),
              footer: twips(FOOTER.distance),
            },
          },
        },
        footers: {
          // The title page counts as page 1 but shows the date where the other pages show their number.
          first: new Footer({ children: [titleDate(model)] }),
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                spacing: { line: LINE_SINGLE },
                children: [new TextRun({ children: [PageNumber.CURRENT], size: halfPoints(FOOTER.fontSize) })],
              }),
            ],
          }),
        },
        children: [
          ...titlePage(model),
          new Paragraph({
            style: STYLE.contentsTitle,
            pageBreakBefore: true,
            children: [new TextRun(labels.contents)],
          }),
          new TableOfContents(labels.contents, {
            hyperlink: true,
            headingStyleRange: "1-2",
            ...(contents?.length
              ? {
                  beginDirty: false,
                  cachedEntries: contents.map(({ title, level, page }, i) => ({
                    title,
                    level,
                    page,
                    href: headingBookmark(i),
                  })),
                }
              : {}),
          }),
          ...model.sections.flatMap((section, i) => [
            new Paragraph({
              heading: section.level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2,
              pageBreakBefore: i === 0,
              children: [new Bookmark({ id: headingBookmark(i), children: [new TextRun(section.heading)] })],
            }),
            ...section.paragraphs.map(
              (text) => new Paragraph({ style: STYLE.body, widowControl: true, children: [new TextRun(text)] }),
            ),
          ]),
          ...(closingHeading
            ? [
                new Paragraph({
                  heading: HeadingLevel.HEADING_1,
                  pageBreakBefore: true,
                  children: [
                    new Bookmark({
                      id: headingBookmark(model.sections.length),
                      children: [new TextRun(closingHeading)],
                    }),
                  ],
                }),
              ]
            : []),
          ...(model.bibliography?.entries ?? []).map(
            (entry) => new Paragraph({ style: STYLE.reference, widowControl: true, children: [new TextRun(entry)] }),
          ),
          ...(!model.bibliography && model.noSourcesNote
            ? [new Paragraph({ style: STYLE.note, children: [new TextRun(model.noSourcesNote)] })]
            : []),
        ],
      },
    ],
  });
}

export async function renderDocx(model: ExportDocument, contents?: readonly ContentsLine[]): Promise<Buffer> {
  return Packer.toBuffer(buildDocx(model, contents));
}

function centred(
  text: string,
  options: { size: number; bold?: boolean; italics?: boolean; before?: number; after?: number },
): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { line: LINE_SINGLE, before: twips(options.before ?? 0), after: twips(options.after ?? 0) },
    children: [new TextRun({ text, size: halfPoints(options.size), bold: options.bold, italics: options.italics })],
  });
}

/** Institution at the top, the kind and title a third down the page, then the author and, for demos, the demo note. */
function titlePage(model: ExportDocument): Paragraph[] {
  const labels = labelsFor(model.language);
  const paragraphs: Paragraph[] = [];
  if (model.institution) paragraphs.push(centred(model.institution, { size: TITLE_PAGE.detailSize }));
  const kindBefore =
    PAGE.height * TITLE_PAGE.kindTop - PAGE.margin - (model.institution ? TITLE_PAGE.detailSize * FONT_LINE_HEIGHT : 0);
  paragraphs.push(
    centred(model.kindLabel, { size: TITLE_PAGE.kindSize, before: kindBefore, after: TITLE_PAGE.kindAfter }),
  );
  paragraphs.push(centred(model.title, { size: TITLE_PAGE.titleSize, bold: true }));
  if (model.author)
    paragraphs.push(centred(model.author, { size: TITLE_PAGE.detailSize, before: TITLE_PAGE.authorBefore }));
  if (model.offlineDemo) {
    paragraphs.push(
      centred(labels.offlineDemo, {
        size: TITLE_PAGE.detailSize,
        bold: true,
        before: TITLE_PAGE.demoBefore,
        after: TITLE_PAGE.demoAfter,
      }),
    );
    paragraphs.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { line: LINE_SINGLE },
        indent: { left: twips(TITLE_PAGE.noteIndent), right: twips(TITLE_PAGE.noteIndent) },
        children: [new TextRun({ text: labels.offlineDemoNote, size: halfPoints(TITLE_PAGE.noteSize), italics: true })],
      }),
    );
  }
  return paragraphs;
}

function titleDate(model: ExportDocument): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { line: LINE_SINGLE, after: twips(TITLE_PAGE.dateAboveFooter) },
    children: [
      new TextRun({ text: formatTitleDate(model.date, model.language), size: halfPoints(TITLE_PAGE.detailSize) }),
    ],
  });
}
