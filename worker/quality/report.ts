// The admin command's logic (`npm run quality`): the gates that need no LLM, run on any text, with a readable report.
import type { DbOrTrx } from "../../app/utils/db.server";
import { aiDetectionFeedback, detectAi, type AiDetectionReport } from "./ai-detection";
import { checkGrammar, issueLines, type GrammarReport } from "./grammar";
import type { QualityMemory } from "./registry";
import type { QualityConfig, QualityLog } from "./types";
import { overlapLines, type UniquenessReport } from "./uniqueness";

export const QUALITY_USAGE = "usage: npm run quality -- --text FILE [--against FILE ...] [--lang xx] [--no-db]";

export type QualityArgs = { text: string; against: string[]; language: string | null; useDatabase: boolean };

export class UsageError extends Error {}

export function parseQualityArgs(argv: readonly string[]): QualityArgs {
  const args: QualityArgs = { text: "", against: [], language: null, useDatabase: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--text") args.text = value();
    else if (flag === "--against") args.against.push(value());
    else if (flag === "--lang") args.language = value().toLowerCase();
    else if (flag === "--no-db") args.useDatabase = false;
    else throw new UsageError(`unknown argument: ${flag}`);
  }
  if (!args.text) throw new UsageError("--text FILE is required");
  return args;
}

/** Cyrillic text is Ukrainian when it has і, ї, є or ґ, otherwise Russian; anything else is taken for English. */
export function guessLanguage(text: string): string {
  const cyrillic = (text.match(/\p{Script=Cyrillic}/gu) ?? []).length;
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  if (letters && cyrillic / letters > 0.5) return /[іїєґ]/i.test(text) ? "uk" : "ru";
  return "en";
}

export type TextCheckInput = {
  text: string;
  /** Texts to compare with (the `--against` files), by name. */
  against: { name: string; text: string }[];
  language: string;
  /** Every delivered section is compared when given. */
  db?: DbOrTrx;
  config: QualityConfig;
  /** The command's own checkers (the spelling thread is closed by the caller). */
  memory: QualityMemory;
  log?: QualityLog;
};

export type QualitySummary = { uniqueness: number | null; grammarErrorsPer1000: number | null; aiScore: number | null };

export type TextCheck = {
  language: string;
  uniqueness: UniquenessReport | null;
  grammar: GrammarReport;
  /** null when no detector is keyed. */
  ai: AiDetectionReport | null;
  comparedWith: { files: string[]; database: boolean };
  summary: QualitySummary;
};

export async function checkText(input: TextCheckInput): Promise<TextCheck> {
  const { text, language, config } = input;
  const compared = input.against.length > 0 || Boolean(input.db);
  const [uniqueness, grammar, ai] = await Promise.all([
    // Nothing to compare with is no measurement, not 100%.
    compared
      ? input.memory.uniqueness.check(text, {
          sources: input.against.map((f) => ({ title: f.name, text: f.text })),
          otherSections: [],
          db: input.db,
        })
      : null,
    checkGrammar(text, language, {
      spell: input.memory.spell,
      languageToolUrl: config.languageToolUrl,
      httpTimeoutMs: config.httpTimeoutMs,
      log: input.log,
    }),
    config.gptzero || config.originality
      ? detectAi(text, {
          gptzero: config.gptzero,
          originality: config.originality,
          timeoutMs: config.httpTimeoutMs,
          log: input.log,
        })
      : null,
  ]);
  return {
    language,
    uniqueness,
    grammar,
    ai,
    comparedWith: { files: input.against.map((f) => f.name), database: Boolean(input.db) },
    summary: { uniqueness: uniqueness?.score ?? null, grammarErrorsPer1000: grammar.score, aiScore: ai?.score ?? null },
  };
}

/** The last line of the command's output, for scripts. */
export function summaryLine(check: TextCheck): string {
  return JSON.stringify(check.summary);
}

/** The readable part of the command's output. */
export function formatTextCheck(check: TextCheck, config: QualityConfig, name = "the text"): string[] {
  const verdict = (passed: boolean) => (passed ? "pass" : "FAIL");
  const lines = [`Quality of ${name} (language ${check.language}, ${check.grammar.words} words)`];

  const u = check.uniqueness;
  const against = [
    check.comparedWith.files.length ? `${check.comparedWith.files.join(", ")}` : "",
    check.comparedWith.database ? "every delivered section in the database" : "",
  ]
    .filter(Boolean)
    .join(" and ");
  if (!u) lines.push("Uniqueness: N/A (nothing to compare with: pass --against FILE or configure the database)");
  else if (u.score === null) lines.push("Uniqueness: N/A (the text has fewer than five words)");
  else {
    lines.push(
      `Uniqueness: ${u.score}% (minimum ${config.minUniqueness}%) — ${verdict(u.score >= config.minUniqueness)}; ` +
        `${u.matched} of ${u.shingles} five-word sequences found in ${against}`,
    );
    lines.push(...overlapLines(u).map((f) => `  ${f}`));
  }

  const g = check.grammar;
  if (g.score === null)
    lines.push(`Grammar: N/A (no checker for "${check.language}"; set LANGUAGETOOL_URL for more languages)`);
  else {
    lines.push(
      `Grammar: ${g.score} errors per 1,000 words (maximum ${config.maxGrammarErrors}) — ${verdict(g.score <= config.maxGrammarErrors)}; ` +
        `checked by ${g.checker === "languagetool" ? "LanguageTool" : "the built-in dictionary"}`,
    );
    lines.push(...issueLines(g).map((f) => `  ${f}`));
  }

  const a = check.ai;
  if (!a) lines.push("AI detection: N/A (set GPTZERO_API_KEY or ORIGINALITY_API_KEY)");
  else if (a.score === null)
    lines.push(`AI detection: N/A (${a.providers.map((p) => `${p.provider}: ${p.error}`).join("; ")})`);
  else {
    const each = a.providers.map((p) => `${p.provider} ${p.score === null ? "N/A" : `${p.score}%`}`).join(", ");
    lines.push(
      `AI detection: ${a.score}% (maximum ${config.maxAiScore}%) — ${verdict(a.score <= config.maxAiScore)}; ${each}`,
    );
    if (a.score > config.maxAiScore) lines.push(...aiDetectionFeedback(a, config.maxAiScore).map((f) => `  ${f}`));
  }
  return lines;
}
