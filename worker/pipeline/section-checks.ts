// A section attempt's checks: its length and citations first, then the quality gates (worker/quality); a failed
// check's feedback goes into the next attempt's prompt. Used when a section is written and when the review revises it.
import type { Logger } from "pino";
import type { Db } from "../../app/utils/db.server";
import type { GateContexts } from "../quality/gate-context";
import { checkCitations, removeUnknownCitations, stripForeignLinks } from "../export/citations";
import { countWords } from "../quality/common";
import type { DraftCheck } from "../quality/draft";
import { MIN_SECTION_LENGTH_SHARE } from "../../app/utils/catalog";
import { runGates } from "../quality/registry";
import type { CitationJudging, GateScores, QualityGate, RemovedCitation } from "../quality/types";
import { promptTexts } from "./prompt-texts";

/** A section under this share of its word budget is written again. */
export const MIN_LENGTH_SHARE = MIN_SECTION_LENGTH_SHARE;

/** The length check; its feedback, for the next attempt's prompt, in the order's `language`. */
export function checkLength(
  text: string,
  targetWords: number,
  words = countWords(text),
  language = "en",
): { passed: boolean; feedback: string[] } {
  const { feedback } = promptTexts(language);
  if (words === 0) return { passed: false, feedback: [feedback.empty] };
  if (words < MIN_LENGTH_SHARE * targetWords) {
    return { passed: false, feedback: [feedback.tooShort(words, targetWords)] };
  }
  return { passed: true, feedback: [] };
}

/** What the citation check needs of a source: its key, and the DOI and URL the text may name. */
export type CitableSource = { key: string; doi: string | null; url: string | null };

/** A stored source's citable parts (its URL is in its CSL-JSON). */
export function citable(source: { key: string; doi: string | null; csl: unknown }): CitableSource {
  return { key: source.key, doi: source.doi, url: (source.csl as { URL?: string } | null)?.URL ?? null };
}

/** `words`: of `text`, counted once (the length check, the final state and its event all need it). */
export type AttemptCheck = {
  passed: boolean;
  feedback: string[];
  text: string;
  words: number;
  removedCitations: string[];
  /** Citations the citation-support gate took out: their sources do not support their sentences. */
  unsupportedCitations: RemovedCitation[];
};

/**
 * Length and citation discipline: every [@key] must be a source of this document. An unknown key fails the attempt
 * with feedback; on the last attempt it is removed instead (and reported). DOIs and URLs that are not those of a stored
 * source never reach the delivered text.
 */
export function checkAttempt(
  raw: string,
  targetWords: number,
  sources: readonly CitableSource[],
  lastAttempt: boolean,
  /** The order's: the length feedback is written in it. */
  language = "en",
): AttemptCheck {
  let text = raw.trim();
  const answered = text;
  const answeredWords = countWords(text);
  const length = checkLength(text, targetWords, answeredWords, language);
  const known = new Set(sources.map((s) => s.key));
  const citations = checkCitations(text, known);
  const feedback = [...length.feedback];
  let removedCitations: string[] = [];
  let citationsOk = citations.unknown.length === 0;
  if (!citationsOk) {
    if (lastAttempt) {
      const cleaned = removeUnknownCitations(text, known);
      text = cleaned.text;
      removedCitations = cleaned.removed;
      citationsOk = true;
    } else {
      feedback.push(...citations.feedback);
    }
  }
  const allowed = {
    dois: sources.flatMap((s) => (s.doi ? [s.doi] : [])),
    urls: sources.flatMap((s) => (s.url ? [s.url] : [])),
  };
  text = stripForeignLinks(text, allowed).text;
  return {
    passed: length.passed && citationsOk,
    feedback,
    text,
    words: text === answered ? answeredWords : countWords(text),
    removedCitations,
    unsupportedCitations: [],
  };
}

/** The quality warning of a citation the citation-support gate removed (English, as the document's other warnings). */
export function unsupportedCitationWarning(
  section: { index: number; heading: string },
  removed: RemovedCitation,
): string {
  const sentence = removed.sentence.length > 160 ? `${removed.sentence.slice(0, 157)}…` : removed.sentence;
  return (
    `Section ${section.index + 1} "${section.heading}": [@${removed.key}] does not support "${sentence}"` +
    `${removed.reason ? ` (${removed.reason})` : ""}; the citation was removed.`
  );
}

/** What judging needs of the pipeline's context (named here, so the machinery that holds the gates' memory need not). */
type GateRun = { db: Db; log: Logger; gates?: readonly QualityGate[]; machinery: { gateContexts: GateContexts } };

/** What the gates take for the order's topic: its topic, instructions and requirements, one text. */
export function orderTopic(document: {
  topic: string;
  instructions: string | null;
  requirements_text: string | null;
}): string {
  return [document.topic, document.instructions, document.requirements_text].filter(Boolean).join("\n");
}

/**
 * The quality gates (uniqueness, grammar, AI detection) judge a text that already has its length and citations; a
 * failed gate fails the check and adds its feedback. The offline demo writer's placeholder text (in the order's
 * language, labelled "offline demo") is not judged: its scores stay N/A (decision 011).
 */
export async function applyQualityGates(
  ctx: GateRun,
  check: AttemptCheck,
  provider: string,
  section: {
    targetWords: number;
    language: string;
    sectionId: string;
    documentId: string;
    /** The document's sources with their texts (sourceText), as the caller loaded them. */
    sources: readonly { key: string; title: string; text: string }[];
    /** The order's topic, instructions and requirements: the grammar gate takes their words for terms. */
    topic?: string;
    signal?: AbortSignal;
    draft?: DraftCheck;
    /** The order's writer and the attempt, for the citation judge; without it citation support is not checked. */
    judge?: CitationJudging;
  },
  unchecked: GateScores = { uniqueness: null, grammar: null, ai: null },
): Promise<GateScores> {
  if (!check.passed || !ctx.gates?.length || provider === "offline") return unchecked;
  const { gateContexts } = ctx.machinery;
  // What streaming left unchecked (the last paragraph) starts now, beside the context query.
  section.draft?.finish(check.text);
  // The text its siblings' checks will meet once it is stored: they need not fetch it back.
  gateContexts.remember(check.text);
  const gates = await runGates(
    ctx.gates,
    {
      text: check.text,
      targetWords: section.targetWords,
      language: section.language,
      sectionId: section.sectionId,
      documentId: section.documentId,
    },
    await gateContexts.load(ctx.db, { documentId: section.documentId, sectionId: section.sectionId }, section.sources, {
      log: ctx.log,
      signal: section.signal,
      topic: section.topic,
      judge: section.judge,
    }),
  );
  if (gates.repair) {
    check.text = gates.repair.text;
    check.words = countWords(check.text);
    check.unsupportedCitations = gates.repair.removed;
  }
  if (!gates.passed) {
    check.passed = false;
    check.feedback.push(...gates.feedback);
  }
  return gates.scores;
}
