// What every quality gate is and gets: the interface a gate implements and the shapes of its input, context, settings
// and verdict. The gates import these; the registry (registry.ts) lists the gates.
import type { DbOrTrx } from "../../app/utils/db.server";
import type { Writer } from "../llm/router";

export type GateResult = {
  gate: string;
  /** null: this gate has no checker for this text (no key, no dictionary, provider down); such a gate passes. */
  score: number | null;
  passed: boolean;
  /** Instructions for the next attempt; empty when the gate passed. */
  feedback: string[];
  /** The text as this gate left it (citation support: unsupported citations taken out), when it changed it. */
  repair?: GateRepair;
};

/** A citation a gate took out of a sentence, and why. */
export type RemovedCitation = { key: string; sentence: string; reason: string };
export type GateRepair = { text: string; removed: RemovedCitation[] };

/** What the citation judge needs besides the section: the order's writer, whose calls it charges, and the attempt. */
export type CitationJudging = {
  writer: Writer;
  userId: string;
  /** The section's attempt judged (null outside the attempts: a customer's regeneration). */
  attempt: number | null;
  /** No attempt follows: unsupported citations are removed instead of sent back to the writer. */
  lastAttempt: boolean;
};

export type SectionUnderCheck = {
  text: string;
  targetWords: number;
  /** The document's language code ("en", "uk", "en-GB"). */
  language: string;
  sectionId?: string;
  documentId?: string;
};

export type SourceText = { key?: string; title?: string; text: string };
export type OtherSection = { index?: number; heading?: string; text: string };

/** What gates log: pino's Logger fits. */
export type QualityLog = { warn: (details: Record<string, unknown>, message: string) => void };

export type GateContext = {
  /** Without it, sections delivered to other customers are not compared. */
  db?: DbOrTrx;
  /** The document's sources: abstracts and titles. */
  sources: SourceText[];
  /** The order's topic, instructions and requirements: their words are the order's terms (grammar). */
  topic?: string;
  /** The document's other sections that have text. */
  otherSections: OtherSection[];
  /** Thresholds and providers for this call; the gates' own (from createGates) when absent. */
  config?: QualityConfig;
  log?: QualityLog;
  signal?: AbortSignal;
  /** Without it (no writer at hand: an edit's re-check, `npm run quality`) the citation-support gate does not run. */
  judge?: CitationJudging;
};

/** A section whose answer is still streaming in: what a gate's precheck needs of it. */
export type DraftSection = { language: string; documentId?: string; db?: DbOrTrx };

export interface QualityGate {
  name: string;
  /** Runs only on a whole text every other gate passed (it costs an LLM call), after them. */
  afterOthers?: boolean;
  check(section: SectionUnderCheck, context: GateContext): Promise<GateResult>;
  /**
   * Gets ready for a document in `language` while it is being planned and written, off the critical path (grammar:
   * loads the language's dictionary, seconds for some, and runs its checker over `sample`, text of the document).
   * Never throws; the first check does whatever this did not.
   */
  prepare?(language: string, sample: string): void;
  /**
   * Starts checking a finished paragraph (after `previous`, the paragraph before it) of a section that is still being
   * written (its answer streams in), or whose answer just ended; the
   * check of the whole text reuses this work (grammar: the paragraph's spelling; uniqueness: its lookup among the
   * delivered texts; see DraftCheck). Never throws.
   */
  precheck?(paragraph: string, section: DraftSection, previous?: string): void;
}

export type AiProviderConfig = { apiKey: string; url: string };

/** The gates' settings, from the environment (qualityConfig in registry.ts). */
export type QualityConfig = {
  /** Uniqueness passes at or above this percentage. */
  minUniqueness: number;
  /** Grammar passes at or below this many errors per 1,000 words. */
  maxGrammarErrors: number;
  /** AI detection passes at or below this score (0–100). */
  maxAiScore: number;
  /** A LanguageTool server; grammar uses the built-in retext checks when null. */
  languageToolUrl: string | null;
  gptzero: AiProviderConfig | null;
  originality: AiProviderConfig | null;
  /** Per request to LanguageTool and the detectors. */
  httpTimeoutMs: number;
  /** Citation support passes at or above this share (0–1) of supported citations. */
  minCitationSupport: number;
};

export type GateScores = { uniqueness: number | null; grammar: number | null; ai: number | null };
export type GateRun = {
  passed: boolean;
  results: GateResult[];
  feedback: string[];
  scores: GateScores;
  /** The text as the gates left it, when one changed it. */
  repair?: GateRepair;
};
