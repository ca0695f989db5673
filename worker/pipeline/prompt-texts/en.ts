// What the writer is told, in English: the type every other language's table must match (index.ts).
import type { DocumentKind } from "../../../app/utils/catalog";
import { tag } from "./tags";

type Task = { kind: string; topic: string; discipline: string | null; style: string; language: string };

export const en = {
  /** The kinds of document as the outline's request names them ("Plan an essay…"). */
  kinds: {
    essay: "an essay",
    term_paper: "a term paper",
    bachelor_thesis: "a bachelor's thesis",
    master_thesis: "a master's thesis",
    book_chapter: "a book chapter",
    literature_review: "a literature review",
  } satisfies Record<DocumentKind, string>,
  outline: {
    /** Followed by the JSON shape of the answer. */
    system: "You are an academic editor who plans long documents. Answer with one JSON object only:",
    task: (p: Task) =>
      `Plan ${p.kind} on the topic ${tag("topic", p.topic)}${p.discipline ? ` in ${p.discipline}` : ""}, ` +
      `written in English (${tag("language", p.language)}), citation style ${p.style}.`,
    shape: (count: number) =>
      `Return exactly ${tag("sections", count)} sections: the first is the introduction and the last the conclusion. ` +
      "Write the headings, briefs and key points in English. " +
      "Each brief says in two sentences what the section must argue; give three to five key points per section.",
    followRequirements: "Follow the customer's requirements (required chapters, focus, length) where they apply.",
  },
  requirements: {
    instructions: (text: string) => `Customer's instructions: ${tag("instructions", text)}`,
    file: (text: string) => `Requirements from the customer's file: ${tag("requirements", text)}`,
  },
  section: {
    system: {
      write:
        "You write one section of an academic document. Write continuous academic prose in English; " +
        "no headings, no lists, no preamble.",
      revise:
        "You revise one section of an academic document. Write continuous academic prose in English; " +
        "no headings, no lists, no preamble.",
    },
    topic: (topic: string, language: string) =>
      `Document topic: ${tag("topic", topic)}. Language: English (${tag("language", language)}).`,
    outline: (outline: string) => `Outline: ${outline}.`,
    task: {
      write: (n: number, heading: string, brief: string) => `Write section ${n}, "${heading}": ${brief}`,
      revise: (n: number, heading: string, brief: string) => `Revise section ${n}, "${heading}": ${brief}`,
    },
    keyPoints: (points: string[]) => `Cover these key points: ${tag("key-points", points.join("; "))}.`,
    length: (words: number) => `Length: about ${tag("words", words)} words.`,
    neighbours: (summaries: string) => `Neighbouring sections say: ${summaries}`,
    fixPrevious: (problems: string) => `Fix these problems of the previous attempt: ${problems}`,
    reviewFound: (reasons: string) => `The review of the whole document found: ${reasons}`,
    currentText: (text: string) => `The current text, to improve rather than repeat: ${tag("text", text)}`,
    instruction: (text: string) =>
      `The customer asks for this section to be written again with this instruction; follow it, keeping the facts, sources and citations that still fit: ${tag("instruction", text)}`,
    neighbourTexts: (text: string) =>
      `The neighbouring sections, for context (do not repeat them): ${tag("neighbours", text)}`,
  },
  sources: {
    none: "This document has no sources: cite nothing, and never invent references, DOIs or URLs.",
    noneHere: "Cite no sources in this section; never invent references, DOIs or URLs.",
    intro:
      "Sources you may cite, as [@key] right after the claim they support (cite nothing else; never invent " +
      "references, DOIs or URLs):",
    anonymous: "Anonymous",
    undated: "n.d.",
    customerSource: "The customer's own source: cite it in this section.",
    abstract: (text: string) => `Abstract: ${tag("abstract", text)}`,
  },
  review: {
    tooShort: (words: number, target: number) =>
      `It has ${words} words; it needs about ${target}. Develop the argument to that length.`,
    missingKeyPoints: (points: string) => `It leaves out key points of the outline: ${points}.`,
  },
  /** Why the previous attempt is written again (its length), for the next attempt's prompt. */
  feedback: {
    empty: "The previous answer was empty.",
    tooShort: (words: number, target: number) =>
      `The previous answer had ${words} words; this section needs about ${target}.`,
  },
  judge: {
    /** Followed by the JSON shape of the answer. */
    system:
      "You check an academic document against the customer's explicit requirements. List each explicit, checkable " +
      "constraint (length, required chapters or sections, citation style, number or kind of sources, language, focus) " +
      "and say whether the text meets it; write the constraints and the evidence in English. Answer with one JSON object:",
    requirements: (text: string) => `Requirements: ${tag("requirements", text)}`,
    subject: {
      outline: (text: string, language: string) =>
        `The outline to check (${tag("language", language)}): ${tag("text", text)}`,
      document: (text: string, language: string) =>
        `The document to check (${tag("language", language)}): ${tag("text", text)}`,
    },
  },
  /** The citation judge (worker/quality/citation-judge.ts) and what the writer is told of its verdicts. */
  citations: {
    /** Followed by the JSON shape of the answer. */
    system:
      'You check whether sources support the claims of an academic text. For each claim (a sentence and the key of a source it cites) read that source\'s text and answer "supported" (the source states it), "partly" (the source states only part of it, or something weaker) or "unsupported" (the source does not state it); quote the evidence word for word from the source\'s text (empty when there is none), give the page when the passage names one, and say why in one short sentence in English. For every sentence, say whether it needs a citation: it states a fact, a finding or another author\'s view rather than the text\'s own argument. Answer with one JSON object:',
    sentences: (json: string) => `The section's sentences, numbered: ${tag("sentences", json)}`,
    claims: (json: string) =>
      `The claims to check (sentence number and the key of the source it cites): ${tag("claims", json)}`,
    sources: (json: string) =>
      `The sources' texts (title and abstract, or pages of the full text): ${tag("sources", json)}`,
    unsupported: (sentence: string, key: string, reason: string) =>
      `The sentence "${sentence}" cites [@${key}], but that source does not say it (${reason}). Change the claim to what the source says, cite a source that says it, or leave the claim uncited.`,
    partly: (sentence: string, key: string, reason: string) =>
      `The sentence "${sentence}" claims more than [@${key}] says (${reason}). Claim only what the source supports.`,
    share: (percent: number, minimum: number) =>
      `Only ${percent}% of the previous answer's citations are supported by their sources; at least ${minimum}% must be.`,
  },
};

export type PromptTexts = typeof en;
