// A section's prompt: what the writer is told when a section is written for the first time (write-section.ts) or
// revised after the review (review.ts).
import type { CompletionRequest, TextSink } from "../llm/provider";
import { requirementsBlock } from "./outline";

/** Summaries of at most this many neighbouring sections go into a section's prompt, unless the settings say otherwise. */
export const DEFAULT_CONTEXT_SECTIONS = 10;

export type SourceForPrompt = {
  key: string;
  title: string;
  year: number | null;
  abstract: string | null;
  doi: string | null;
  csl: unknown;
};

/** The sources a section may cite, quoted for the writer; without any, the writer is told to cite nothing. */
export function sourcesBlock(assigned: SourceForPrompt[], documentSources: number): string {
  if (documentSources === 0) {
    return "This document has no sources: cite nothing, and never invent references, DOIs or URLs.";
  }
  if (assigned.length === 0) return "Cite no sources in this section; never invent references, DOIs or URLs.";
  const lines = assigned.map((s) => {
    const csl = s.csl as { author?: { family?: string }[] };
    const authors =
      csl.author
        ?.map((a) => a.family)
        .filter(Boolean)
        .slice(0, 3)
        .join(", ") || "Anonymous";
    const abstract = s.abstract ? ` Abstract: "${s.abstract.replace(/"/g, "'").slice(0, 500)}"` : "";
    return `[@${s.key}] ${authors} (${s.year ?? "n.d."}). ${s.title}.${abstract}`;
  });
  return [
    "Sources you may cite, as [@key] right after the claim they support (cite nothing else; never invent references, DOIs or URLs):",
    ...lines,
  ].join("\n");
}

/**
 * One LLM request for a section, written for the first time or revised after the review: the outline, the brief and
 * key points, the customer's requirements, the sources it may cite and the budget, plus what this call adds (`notes`).
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
  const noun = p.verb === "write" ? "Write" : "Revise";
  return {
    system:
      `You ${p.verb} one section of an academic document. Write continuous academic prose in the requested language; ` +
      "no headings, no lists, no preamble.",
    prompt: [
      `Document topic: "${document.topic}". Language code: ${document.language}.`,
      requirementsBlock(document),
      `Outline: ${p.outline}.`,
      `${noun} section ${section.index + 1}, "${section.heading}": ${section.brief}`,
      section.keyPoints.length ? `Cover these key points: ${section.keyPoints.join("; ")}.` : "",
      sourcesBlock(p.sources.assigned, p.sources.total),
      `Length: about ${section.target_words} words.`,
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
