// A section's prompt: what the writer is told when a section is written for the first time (write-section.ts) or
// revised after the review (review.ts).
import type { CompletionRequest, TextSink } from "../llm/provider";
import { requirementsBlock } from "./outline";
import { promptTexts } from "./prompt-texts";

/** Summaries of at most this many neighbouring sections go into a section's prompt, unless the settings say otherwise. */
export const DEFAULT_CONTEXT_SECTIONS = 10;

export type SourceForPrompt = {
  key: string;
  title: string;
  year: number | null;
  abstract: string | null;
  doi: string | null;
  csl: unknown;
  /** The customer's own (uploaded) source: the writer is asked to cite it. */
  priority?: boolean;
};

/** The sources a section may cite, quoted for the writer; without any, the writer is told to cite nothing. */
export function sourcesBlock(assigned: SourceForPrompt[], documentSources: number, language: string): string {
  const { sources } = promptTexts(language);
  if (documentSources === 0) return sources.none;
  if (assigned.length === 0) return sources.noneHere;
  const lines = assigned.map((s) => {
    const csl = s.csl as { author?: { family?: string }[] };
    const authors =
      csl.author
        ?.map((a) => a.family)
        .filter(Boolean)
        .slice(0, 3)
        .join(", ") || sources.anonymous;
    // Angle brackets out of the abstract: it stands between tags.
    const abstract = s.abstract ? ` ${sources.abstract(s.abstract.replace(/[<>]/g, " ").slice(0, 500))}` : "";
    const own = s.priority ? ` ${sources.customerSource}` : "";
    return `[@${s.key}] ${authors} (${s.year ?? sources.undated}). ${s.title}.${own}${abstract}`;
  });
  return [sources.intro, ...lines].join("\n");
}

/**
 * One LLM request for a section, written for the first time or revised after the review: the outline, the brief and
 * key points, the customer's requirements, the sources it may cite and the budget, plus what this call adds (`notes`,
 * written with `promptTexts(language).section`). All of it in the order's language.
 */
export function sectionRequest(p: {
  document: { topic: string; language: string; instructions: string | null; requirements_text: string | null };
  section: { index: number; heading: string; brief: string; target_words: number; keyPoints: string[] };
  outline: string;
  sources: { assigned: SourceForPrompt[]; total: number };
  attempt: number;
  verb: "write" | "revise";
  notes: string[];
  signal?: AbortSignal;
  /** Where the answer goes while it streams in (the section's checks start on its finished paragraphs). */
  sink?: TextSink;
}): CompletionRequest {
  const { document, section } = p;
  const texts = promptTexts(document.language).section;
  return {
    system: texts.system[p.verb],
    prompt: [
      texts.topic(document.topic, document.language),
      requirementsBlock(document),
      texts.outline(p.outline),
      texts.task[p.verb](section.index + 1, section.heading, section.brief),
      section.keyPoints.length ? texts.keyPoints(section.keyPoints) : "",
      sourcesBlock(p.sources.assigned, p.sources.total, document.language),
      texts.length(section.target_words),
      ...p.notes,
    ]
      .filter(Boolean)
      .join("\n"),
    maxTokens: Math.ceil(section.target_words * 2.2) + 200,
    intent: {
      kind: "section",
      topic: document.topic,
      language: document.language,
      heading: section.heading,
      keyPoints: section.keyPoints,
      targetWords: section.target_words,
      attempt: p.attempt,
      sourceKeys: p.sources.assigned.map((s) => s.key),
    },
    signal: p.signal,
    sink: p.sink,
  };
}

/** The first two sentences: what neighbouring sections are told about this one. */
export function summaryOf(text: string): string {
  return text
    .split(/(?<=[.!?])\s+/, 2)
    .join(" ")
    .slice(0, 400);
}

/** The neighbours whose summaries go into a section's prompt: the nearest ones, at most `limit`. */
export function neighbourIndexes(index: number, total: number, limit: number): number[] {
  const others = Array.from({ length: total }, (_, i) => i).filter((i) => i !== index);
  return others
    .sort((a, b) => Math.abs(a - index) - Math.abs(b - index) || a - b)
    .slice(0, limit)
    .sort((a, b) => a - b);
}
