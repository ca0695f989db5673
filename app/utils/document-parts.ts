import { z } from "zod";
import { message } from "../i18n/messages";

// A delivered text ("# title", then "## heading" blocks, the references last) read in parts of a few pages each, so
// the document's page stays the same size whether the document has 5 pages or 200.

/** Characters of text (headings and paragraphs) one part holds at most, unless one section alone is longer: ≈ 4–5 pages. */
export const PART_CHARACTER_BUDGET = 12_000;

export type TextSection = { heading: string; paragraphs: string[] };

/** Consecutive sections `first`…`last` (indexes into the text's sections, both included); `number` counts from 1. */
export type TextPart = { number: number; first: number; last: number };

/** The delivered text's sections, in order; the references are the last one. What comes before the first heading
 * (the "# title" line) is not a section: the page writes the title itself. */
export function sectionsOf(content: string): TextSection[] {
  return content
    .split(/^## /m)
    .slice(1)
    .map((block) => {
      const [heading = "", ...rest] = block.split("\n");
      return {
        heading: heading.trim(),
        paragraphs: rest
          .join("\n")
          .split(/\n{2,}/)
          .map((p) => p.trim())
          .filter(Boolean),
      };
    });
}

export function sectionLength(section: TextSection): number {
  return section.paragraphs.reduce((n, p) => n + p.length, section.heading.length);
}

/**
 * Consecutive sections grouped while their length stays within `budget`; a section longer than the budget is a part
 * of its own. Every section is in exactly one part, in order.
 */
export function partsOf(sections: readonly TextSection[], budget = PART_CHARACTER_BUDGET): TextPart[] {
  const parts: TextPart[] = [];
  let length = 0;
  sections.forEach((section, index) => {
    const size = sectionLength(section);
    const current = parts.at(-1);
    if (current && length + size <= budget) {
      current.last = index;
      length += size;
    } else {
      parts.push({ number: parts.length + 1, first: index, last: index });
      length = size;
    }
  });
  return parts;
}

/** The number of the part that holds section `index`. */
export function partOfSection(parts: readonly TextPart[], index: number): number {
  return parts.find((p) => p.first <= index && index <= p.last)?.number ?? 1;
}

/** The anchor of a section in the page (`#section-3`): the outline's links point at it. */
export function sectionAnchor(index: number): string {
  return `section-${index + 1}`;
}

/**
 * `?part=` of the document page: absent is part 1; anything but a whole number from 1 on is refused (400). Whether
 * the document has that many parts is the page's to say (404).
 */
export const partQuerySchema = z.object({
  part: z
    .string()
    .regex(/^\d{1,12}$/, message("documents:parts.badNumber"))
    .transform(Number)
    .refine((n) => n >= 1, message("documents:parts.badNumber"))
    .optional()
    .transform((n) => n ?? 1),
});
