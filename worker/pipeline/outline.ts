import { z } from "zod";
import { wordsPerPage } from "../../app/utils/catalog";
import { kindName, promptTexts } from "./prompt-texts";

export type PlannedSection = { heading: string; brief: string; keyPoints: string[]; targetWords: number };

const outlineSchema = z.object({
  sections: z
    .array(
      z.object({
        heading: z.string().trim().min(1).max(200),
        brief: z.string().trim().min(1).max(2000),
        keyPoints: z.array(z.string().trim().min(1).max(300)).max(12).default([]),
      }),
    )
    .min(1),
});

/** Sections grow with length: a 5-page essay has 4, a 200-page thesis is capped at 24. */
export function sectionCount(pages: number): number {
  return Math.min(24, Math.max(3, Math.ceil(pages / 2) + 1));
}

/** Word budget = pages × words per page; introduction and conclusion get half a body section each. */
export function wordBudgets(pages: number, language: string, count: number): number[] {
  const total = pages * wordsPerPage(language);
  const shares = Array.from({ length: count }, (_, i) => (count >= 3 && (i === 0 || i === count - 1) ? 0.5 : 1));
  const unit = total / shares.reduce((a, b) => a + b, 0);
  const budgets = shares.map((share) => Math.round(share * unit));
  // Rounding leftovers go to the first body section, so the budgets add up to the order exactly.
  budgets[Math.min(1, count - 1)] += total - budgets.reduce((a, b) => a + b, 0);
  return budgets;
}

export type OrderBrief = {
  topic: string;
  language: string;
  kind: string;
  discipline: string | null;
  citation_style: string;
  instructions: string | null;
  requirements_text: string | null;
};

// The customer's own constraints, quoted for the model; long requirements files are cut to keep the prompt sane.
const MAX_REQUIREMENTS_CHARS = 6000;

export function requirementsBlock(order: Pick<OrderBrief, "instructions" | "requirements_text" | "language">): string {
  const { requirements } = promptTexts(order.language);
  const parts: string[] = [];
  if (order.instructions) parts.push(requirements.instructions(order.instructions));
  if (order.requirements_text) parts.push(requirements.file(order.requirements_text.slice(0, MAX_REQUIREMENTS_CHARS)));
  return parts.join("\n");
}

/** The answer's shape, the same in every language: parseOutline reads its keys. */
export const OUTLINE_JSON_SHAPE = '{"sections":[{"heading":string,"brief":string,"keyPoints":[string]}]}';

/** The outline's request, written in the order's language. */
export function outlinePrompt(order: OrderBrief, count: number) {
  const texts = promptTexts(order.language);
  const requirements = requirementsBlock(order);
  return {
    system: `${texts.outline.system} ${OUTLINE_JSON_SHAPE}.`,
    prompt: [
      texts.outline.task({
        kind: kindName(texts, order.kind),
        topic: order.topic,
        discipline: order.discipline,
        style: order.citation_style,
        language: order.language,
      }),
      texts.outline.shape(count),
      requirements,
      requirements ? texts.outline.followRequirements : "",
    ]
      .filter(Boolean)
      .join("\n"),
  };
}

/** Parses the writer's outline; the count and the word budgets stay ours, whatever the model returned. */
export function parseOutline(text: string, pages: number, language: string, count: number): PlannedSection[] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    throw new Error("The outline was not valid JSON");
  }
  const parsed = outlineSchema.safeParse(data);
  if (!parsed.success)
    throw new Error(`The outline did not have the expected shape: ${parsed.error.issues[0]?.message}`);
  const sections = parsed.data.sections.slice(0, count);
  if (sections.length < Math.min(3, count))
    throw new Error(`The outline had ${sections.length} sections; ${count} were asked`);
  const budgets = wordBudgets(pages, language, sections.length);
  return sections.map((s, i) => ({
    heading: s.heading,
    brief: s.brief,
    keyPoints: s.keyPoints,
    targetWords: budgets[i],
  }));
}
