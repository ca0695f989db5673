// The quality gates: checks run on every attempt at a section; a failed gate's feedback goes into the next attempt's
// prompt. To add a gate, write it against QualityGate (types.ts) and list it in createGates; its settings come from the
// environment, parsed once (app/utils/env.server.ts), through qualityConfig.
import type { Env } from "../../app/utils/env.server";
import { round1 } from "./common";
import { aiDetectionGate } from "./ai-detection";
import { citationSupportGate } from "./citation-support";
import { grammarGate } from "./grammar";
import type { SpellChecker } from "./spell-checker";
import type { GateRun, GateScores, QualityConfig, QualityGate, SectionUnderCheck, GateContext } from "./types";
import { uniquenessGate, type UniquenessChecker } from "./uniqueness";

/** The environment's quality settings (QUALITY_*, LANGUAGETOOL_URL, GPTZERO_*, ORIGINALITY_*), as the gates take them. */
export type QualityEnv = Pick<
  Env,
  | "QUALITY_MIN_UNIQUENESS"
  | "QUALITY_MAX_GRAMMAR_ERRORS"
  | "QUALITY_MAX_AI_DETECTION_SCORE"
  | "CITATION_SUPPORT_MIN"
  | "QUALITY_HTTP_TIMEOUT_SECONDS"
  | "LANGUAGETOOL_URL"
  | "GPTZERO_API_KEY"
  | "GPTZERO_URL"
  | "ORIGINALITY_API_KEY"
  | "ORIGINALITY_URL"
>;

/** The gates' settings from the parsed environment: the worker's and `npm run quality`'s alike. */
export function qualityConfig(env: QualityEnv): QualityConfig {
  return {
    minUniqueness: env.QUALITY_MIN_UNIQUENESS,
    maxGrammarErrors: env.QUALITY_MAX_GRAMMAR_ERRORS,
    maxAiScore: env.QUALITY_MAX_AI_DETECTION_SCORE,
    languageToolUrl: env.LANGUAGETOOL_URL ?? null,
    gptzero: env.GPTZERO_API_KEY ? { apiKey: env.GPTZERO_API_KEY, url: env.GPTZERO_URL } : null,
    originality: env.ORIGINALITY_API_KEY ? { apiKey: env.ORIGINALITY_API_KEY, url: env.ORIGINALITY_URL } : null,
    httpTimeoutMs: env.QUALITY_HTTP_TIMEOUT_SECONDS * 1000,
    minCitationSupport: env.CITATION_SUPPORT_MIN,
  };
}

/** What the gates keep between checks: the worker's PipelineMachinery has both (so has each run of `npm run quality`). */
export type QualityMemory = { uniqueness: UniquenessChecker; spell: SpellChecker };

/** The gates every section attempt goes through, bound to `config` and to what they keep between checks. */
export function createGates(config: QualityConfig, memory: QualityMemory): QualityGate[] {
  return [
    uniquenessGate(config, memory.uniqueness),
    grammarGate(config, memory.spell),
    aiDetectionGate(config),
    // Last: an LLM call, made only for a text the others passed.
    citationSupportGate(config),
  ];
}

/**
 * Runs the gates side by side, then (when all of those passed) the ones that run after the others; the attempt passes
 * when every gate passes. A gate that changed the text (repair) hands it on.
 */
export async function runGates(
  gates: readonly QualityGate[],
  section: SectionUnderCheck,
  context: GateContext,
): Promise<GateRun> {
  const results = await Promise.all(gates.filter((g) => !g.afterOthers).map((gate) => gate.check(section, context)));
  const later = gates.filter((g) => g.afterOthers);
  if (later.length && results.every((r) => r.passed))
    for (const gate of later) results.push(await gate.check(section, context));
  const repair = results.find((r) => r.repair)?.repair;
  const score = (name: string) => results.find((r) => r.gate === name)?.score ?? null;
  return {
    passed: results.every((r) => r.passed),
    results,
    feedback: results.filter((r) => !r.passed).flatMap((r) => r.feedback),
    scores: { uniqueness: score("uniqueness"), grammar: score("grammar"), ai: score("ai") },
    ...(repair ? { repair } : {}),
  };
}

/** A document's scores: the word-weighted mean of its sections' scores, ignoring sections a gate could not check. */
export function documentScores(sections: readonly { words: number; scores: GateScores }[]): GateScores {
  const mean = (key: keyof GateScores) => {
    const known = sections.filter((s) => s.scores[key] !== null && s.words > 0);
    const words = known.reduce((sum, s) => sum + s.words, 0);
    if (!words) return null;
    return round1(known.reduce((sum, s) => sum + s.scores[key]! * s.words, 0) / words);
  };
  return { uniqueness: mean("uniqueness"), grammar: mean("grammar"), ai: mean("ai") };
}
