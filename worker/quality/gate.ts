// Quality gates: checks run on every attempt at a section. A failed gate's feedback goes into the next attempt's prompt.
import { hash } from "node:crypto";
import { sql } from "kysely";
import { z } from "zod";
import type { DbOrTrx } from "../../app/utils/db.server";
import { allFulfilled, gatheringsBy } from "../gathering";
import { RecentMap, round1 } from "./common";
import { aiDetectionGate } from "./ai-detection";
import { grammarGate } from "./grammar";
import { uniquenessGate } from "./uniqueness";

export type GateResult = {
  gate: string;
  /** null: this gate has no checker for this text (no key, no dictionary, provider down); such a gate passes. */
  score: number | null;
  passed: boolean;
  /** Instructions for the next attempt; empty when the gate passed. */
  feedback: string[];
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
  /** The document's other sections that have text. */
  otherSections: OtherSection[];
  /** Thresholds and providers for this call; the gates' own (from createGates) when absent. */
  config?: QualityConfig;
  log?: QualityLog;
  signal?: AbortSignal;
};

/** A section whose answer is still streaming in: what a gate's precheck needs of it. */
export type DraftSection = { language: string; documentId?: string; db?: DbOrTrx };

export interface QualityGate {
  name: string;
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
};

export const GPTZERO_DEFAULT_URL = "https://api.gptzero.me";
export const ORIGINALITY_DEFAULT_URL = "https://api.originality.ai";

const url = z.url({ message: "must be a URL such as https://example.com" });
const configSchema = z.object({
  QUALITY_MIN_UNIQUENESS: z.coerce.number().min(0).max(100).default(85),
  QUALITY_MAX_GRAMMAR_ERRORS: z.coerce.number().min(0).default(10),
  QUALITY_MAX_AI_DETECTION_SCORE: z.coerce.number().min(0).max(100).default(55),
  QUALITY_HTTP_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(30),
  LANGUAGETOOL_URL: url.optional(),
  GPTZERO_API_KEY: z.string().min(1).optional(),
  GPTZERO_URL: url.default(GPTZERO_DEFAULT_URL),
  ORIGINALITY_API_KEY: z.string().min(1).optional(),
  ORIGINALITY_URL: url.default(ORIGINALITY_DEFAULT_URL),
});

/** Env-like values: QUALITY_MIN_UNIQUENESS, QUALITY_MAX_GRAMMAR_ERRORS, QUALITY_MAX_AI_DETECTION_SCORE, LANGUAGETOOL_URL, … */
export type QualityConfigSource = Partial<Record<keyof z.input<typeof configSchema>, string | number>> & Record<string, string | number | undefined>;

/** Reads the quality settings from env-like values (empty = unset); throws naming every bad one. */
export function readQualityConfig(source: QualityConfigSource = {}): QualityConfig {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new Error(`Invalid quality settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const v = parsed.data;
  return {
    minUniqueness: v.QUALITY_MIN_UNIQUENESS,
    maxGrammarErrors: v.QUALITY_MAX_GRAMMAR_ERRORS,
    maxAiScore: v.QUALITY_MAX_AI_DETECTION_SCORE,
    languageToolUrl: v.LANGUAGETOOL_URL ?? null,
    gptzero: v.GPTZERO_API_KEY ? { apiKey: v.GPTZERO_API_KEY, url: v.GPTZERO_URL } : null,
    originality: v.ORIGINALITY_API_KEY ? { apiKey: v.ORIGINALITY_API_KEY, url: v.ORIGINALITY_URL } : null,
    httpTimeoutMs: v.QUALITY_HTTP_TIMEOUT_SECONDS * 1000,
  };
}

/** The gates every section attempt goes through, bound to `config`. */
export function createGates(config: QualityConfig): QualityGate[] {
  return [uniquenessGate(config), grammarGate(config), aiDetectionGate(config)];
}

export type GateScores = { uniqueness: number | null; grammar: number | null; ai: number | null };
export type GateRun = { passed: boolean; results: GateResult[]; feedback: string[]; scores: GateScores };

/** Runs the gates side by side; the attempt passes when every gate passes. */
export async function runGates(gates: readonly QualityGate[], section: SectionUnderCheck, context: GateContext): Promise<GateRun> {
  const results = await Promise.all(gates.map((gate) => gate.check(section, context)));
  const score = (name: string) => results.find((r) => r.gate === name)?.score ?? null;
  return {
    passed: results.every((r) => r.passed),
    results,
    feedback: results.filter((r) => !r.passed).flatMap((r) => r.feedback),
    scores: { uniqueness: score("uniqueness"), grammar: score("grammar"), ai: score("ai") },
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

/**
 * Texts the gates compared recently, by the MD5 of their content (what Postgres' md5() gives for the stored text).
 * A document's sections finish together and each is compared with all its siblings and sources: shipping every
 * sibling's whole text for every section is quadratic, so the context query sends hashes and only unknown texts follow.
 */
const knownTexts = new RecentMap<string, string>(512);

/** The key of `text` in the known texts: the hex MD5 of its UTF-8 bytes, as Postgres' md5(text). */
export function textKey(text: string): string {
  return hash("md5", text, "hex");
}

/** Remembers a text the gates may meet again (a section that is about to be stored, say); `key`: its textKey, if known. */
export function rememberText(text: string, key = textKey(text)): void {
  knownTexts.set(key, text);
}

/** A source's text for the gates: its title and abstract, as the context query's `concat_ws('. ', …)` makes it. */
export function sourceText(source: { title: string | null; abstract: string | null }): string {
  // The same string for the same source: every section of a document is checked against its sources, and the checks'
  // caches are keyed by these texts (a string made anew is hashed anew, character by character, at each lookup).
  const made = sourceTexts.get(source);
  if (made && made.title === source.title && made.abstract === source.abstract) return made.text;
  const text = [source.title, source.abstract].filter((part) => part !== null && part !== "").join(". ");
  sourceTexts.set(source, { title: source.title, abstract: source.abstract, text });
  return text;
}
const sourceTexts = new WeakMap<object, { title: string | null; abstract: string | null; text: string }>();

/**
 * Remembers a document's sources when a section loads them anyway: a document's sections are checked together, and
 * each would otherwise fetch every abstract back in its context query.
 */
export function rememberSources(sources: readonly { title: string | null; abstract: string | null }[]): void {
  for (const source of sources) rememberText(sourceText(source));
}

function knownText(key: string): string | undefined {
  return knownTexts.get(key);
}

type ContextRow = { id: string; key?: string; title?: string; index?: number; heading?: string; hash: string; text?: string };

type ContextRows = { sources: ContextRow[] | null; sections: ContextRow[] };

/** A source's text is its title and abstract (sourceText). */
const SOURCE_TEXT_SQL = sql`concat_ws('. ', nullif(title, ''), nullif(abstract, ''))`;

/**
 * A document's written sections (and its sources, `withSources`), each with its text's hash: one statement for the
 * checks that ask while another for the same document is on its way (a document's sections finish together, and this
 * runs for every attempt at every section).
 */
function listContext(db: DbOrTrx, documentId: string, withSources: boolean): Promise<ContextRows> {
  if (db.isTransaction) return readContext(db, documentId, withSources);
  return contextReads(db).add(`${documentId} ${withSources}`, { documentId, withSources });
}

const contextReads = gatheringsBy<DbOrTrx, { documentId: string; withSources: boolean }, ContextRows>(
  async (db, _key, items) => {
    const rows = await readContext(db, items[0].documentId, items[0].withSources);
    return allFulfilled(items.map(() => rows));
  },
  { afterTick: true },
);

async function readContext(db: DbOrTrx, documentId: string, withSources: boolean): Promise<ContextRows> {
  const { rows } = await sql<ContextRows>`
    select
      ${withSources ? sql`(select coalesce(json_agg(json_build_object('id', id, 'key', key, 'title', title, 'hash', md5(${SOURCE_TEXT_SQL}))), '[]')
       from sources where document_id = ${documentId})` : sql`null`} as sources,
      (select coalesce(json_agg(json_build_object('id', id, 'index', index, 'heading', heading, 'hash', content_md5) order by index), '[]')
       from sections where document_id = ${documentId} and content_md5 is not null) as sections`.execute(db);
  return rows[0];
}

/** A gate's context for one section of a stored document: its sources and its other written sections. */
export async function loadGateContext(
  db: DbOrTrx,
  ids: { documentId: string; sectionId?: string },
  extra: Pick<GateContext, "config" | "log" | "signal"> = {},
  /**
   * The document's sources, when the caller has them (a section's job loads them): they are stored with the outline
   * and never change after it, so only the other sections are asked for.
   */
  known?: { sources: readonly { key: string; title: string; abstract: string | null }[] },
): Promise<GateContext> {
  // One round trip for both lists, with each text's hash in place of the text; shared by the document's sections
  // whose checks ask at about the same time. Copies: the rows get their texts below.
  const listed = await listContext(db, ids.documentId, !known);
  const sections = listed.sections.filter((row) => row.id !== ids.sectionId).map((row) => ({ ...row }));
  const sources = (listed.sources ?? []).map((row) => ({ ...row }));
  const all = [...sources, ...sections];
  for (const row of all) row.text = knownText(row.hash);
  const missing = all.filter((row) => row.text === undefined).map((row) => row.id);
  if (missing.length) {
    // Texts this process has not seen (another worker wrote them, or they left the cache): as stored now.
    const fetched = await sql<{ id: string; text: string }>`
      select id, ${SOURCE_TEXT_SQL} as text from sources where id = any(${missing}::uuid[])
      union all
      select id, content as text from sections where id = any(${missing}::uuid[]) and content is not null`.execute(db);
    const byId = new Map(fetched.rows.map((row) => [row.id, row.text]));
    for (const row of all) {
      if (row.text !== undefined) continue;
      const text = byId.get(row.id);
      // Changed since the first query (a revision): compared as it is now; its old hash names another text.
      if (text !== undefined && textKey(text) === row.hash) rememberText(text, row.hash);
      row.text = text ?? "";
    }
  }
  return {
    db,
    sources: known
      ? known.sources.map((s) => ({ key: s.key, title: s.title, text: sourceText(s) }))
      : sources.map((s) => ({ key: s.key, title: s.title, text: s.text! })),
    otherSections: sections.map((s) => ({ index: s.index, heading: s.heading, text: s.text! })),
    ...extra,
  };
}
