import { z } from "zod";
import { wordsPerPage } from "../../app/utils/catalog";

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

export function requirementsBlock(order: Pick<OrderBrief, "instructions" | "requirements_text">): string {
  const parts: string[] = [];
  if (order.instructions) parts.push(`Customer's instructions: """${order.instructions}"""`);
  if (order.requirements_text) {
    const text = order.requirements_text.slice(0, MAX_REQUIREMENTS_CHARS);
    parts.push(`Requirements from the customer's file: """${text}"""`);
  }
  return parts.join("\n");
}

export function outlinePrompt(order: OrderBrief, count: number) {
  return {
    system:
      "You are an academic editor who plans long documents. Answer with one JSON object only: " +
      '{"sections":[{"heading":string,"brief":string,"keyPoints":[string]}]}.',
    prompt: [
      `Plan a ${order.kind.replaceAll("_", " ")} on the topic "${order.topic}"${order.discipline ? ` in ${order.discipline}` : ""}, ` +
        `written in the language with code "${order.language}", citation style ${order.citation_style}.`,
      `Return exactly ${count} sections: the first is the introduction and the last the conclusion. ` +
        "Each brief says in two sentences what the section must argue; give three to five key points per section.",
      requirementsBlock(order),
      requirementsBlock(order)
        ? "Follow the customer's requirements (required chapters, focus, length) where they apply."
        : "",
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
