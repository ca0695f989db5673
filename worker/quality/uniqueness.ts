// Uniqueness: the share of a text's 5-word shingles found neither in its sources, nor in the document's other
// sections, nor in any section delivered before.
import type { DbOrTrx } from "../../app/utils/db.server";
import { allFulfilled, gatheringsBy } from "../gathering";
import { paragraphsOf, RecentMap, round1 } from "./common";
import type { GateContext, OtherSection, QualityConfig, QualityGate, SourceText } from "./types";
import {
  matchDeliveredShingles,
  shareUnmatched,
  SHINGLE_WORDS,
  shingleHashes,
  shingles,
  tokenize,
  type Shingles,
} from "./shingles";

export type OverlapOrigin =
  | { kind: "source"; key?: string; title?: string }
  | { kind: "section"; index?: number; heading?: string }
  | { kind: "delivered" };

/** A run of copied words, quoted from the checked text. */
export type Overlap = { phrase: string; words: number; origin: OverlapOrigin };

export type UniquenessReport = {
  /** 0–100, one decimal; null when the text has under five words. */
  score: number | null;
  shingles: number;
  matched: number;
  /** Longest first. */
  overlaps: Overlap[];
};

const QUOTE_MAX_WORDS = 20;
const MAX_OVERLAPS_NAMED = 3;

/**
 * A paragraph looked up among the delivered texts while its section was being written (precheck): its words' places
 * in the paragraph, the hashes of the shingles that begin in it or in the words before it (`lead`), and those of them
 * found.
 */
type PrecheckedParagraph = {
  starts: Int32Array;
  ends: Int32Array;
  lead: readonly string[];
  last: readonly string[];
  hashes: number[];
  found: Promise<Set<number>>;
};

/**
 * A text's shingles with its words' places (word i from starts[i] to ends[i]), by which overlaps are quoted; typed
 * arrays when pieced together from prechecks (a section's ~2,000 words, not as many objects).
 */
export type PlacedShingles = { hashes: readonly number[]; starts: ArrayLike<number>; ends: ArrayLike<number> };

/**
 * The uniqueness check with what it keeps between sections (one per worker, in its PipelineMachinery; the admin
 * command makes its own): the paragraphs prechecked while their sections streamed in, the shingle sets of recent texts
 * (a document's sections finish together and are compared with the same sources and siblings), and the lookups among
 * delivered texts, gathered per document left out (decisions 015–017).
 */
export class UniquenessChecker {
  /** Paragraphs prechecked recently, by document, paragraph and the words before it. */
  private readonly prechecked = new RecentMap<string, PrecheckedParagraph>(512);
  /** Shingle sets of recent texts; hashing is the cost of a comparison. */
  private readonly recentSets = new RecentMap<string, ReadonlySet<number>>(64);
  /**
   * Lookups asked at about the same time, by document left out: a document's sections finish their paragraphs (and
   * their answers) together, and each paragraph's lookup on its own was a statement to send, parse and plan.
   */
  private readonly lookups = gatheringsBy<DbOrTrx, readonly number[], Set<number>>(
    async (db, exclude, items) => {
      const found = await matchDeliveredShingles(db, items.flat(), exclude || undefined);
      return allFulfilled(items.map((wanted) => new Set(wanted.filter((hash) => found.has(hash)))));
    },
    { afterTick: true },
  );

  async check(
    text: string,
    against: { sources: SourceText[]; otherSections: OtherSection[]; db?: DbOrTrx; excludeDocumentId?: string },
  ): Promise<UniquenessReport> {
    // A text whose every paragraph was prechecked while it streamed in has its shingles and its delivered lookups ready.
    const ready = against.db ? this.fromPrechecks(text, against.excludeDocumentId) : null;
    const whole = ready ? null : shingles(text);
    const own = ready?.own ?? placed(whole!);
    // Kept with the recent sets: once this section is stored, its siblings' checks compare with the same text.
    const ownSet = this.shingleSet(text, own.hashes);
    // Tried in this order: a passage found in a source is reported as the source's (the writer can cite it).
    const origins: { origin: OverlapOrigin; set: ReadonlySet<number> }[] = [
      ...against.sources.map((s) => ({
        origin: { kind: "source", key: s.key, title: s.title } as const,
        set: this.shingleSet(s.text),
      })),
      ...against.otherSections.map((s) => ({
        origin: { kind: "section", index: s.index, heading: s.heading } as const,
        set: this.shingleSet(s.text),
      })),
    ];
    if (against.db && ownSet.size) {
      // A failed lookup among the prechecked ones: the whole text is looked up.
      const delivered =
        (ready && (await ready.delivered)) ??
        (await this.matchDelivered(against.db, (whole ?? shingles(text)).hashes, against.excludeDocumentId));
      origins.push({ origin: { kind: "delivered" }, set: delivered });
    }
    return report(text, own, ownSet, origins);
  }

  /**
   * Looks a finished paragraph of a section still being written up among the delivered texts (uniquenessGate.precheck),
   * with the shingles that reach back into `previous`: once every paragraph is, the check has nothing left to look up.
   */
  precheck(db: DbOrTrx, paragraph: string, documentId?: string, previous?: string): void {
    const lead = previous
      ? tokenize(previous)
          .slice(1 - SHINGLE_WORDS)
          .map((t) => t.word)
      : [];
    const key = precheckKey(documentId, lead, paragraph);
    if (this.prechecked.has(key)) return;
    const tokens = tokenize(paragraph);
    const words = tokens.map((t) => t.word);
    const hashes = shingleHashes([...lead, ...words]);
    if (hashes.length === 0) return;
    const found = this.matchDelivered(db, hashes, documentId);
    found.catch(() => this.prechecked.delete(key)); // the check asks again
    this.prechecked.set(key, {
      starts: Int32Array.from(tokens, (t) => t.start),
      ends: Int32Array.from(tokens, (t) => t.end),
      lead,
      last: words.slice(1 - SHINGLE_WORDS),
      hashes,
      found,
    });
  }

  /**
   * The text's shingles from its paragraphs' prechecks, and its delivered matches from their lookups, without
   * tokenizing it again; null when a paragraph was not prechecked, or when a paragraph's shingles cannot be pieced
   * together from the paragraphs alone (a citation open across a break, a paragraph shorter than a shingle's lead):
   * the check then works from the whole text.
   */
  fromPrechecks(
    text: string,
    documentId: string | undefined,
  ): { own: PlacedShingles; delivered: Promise<Set<number> | null> } | null {
    const paragraphs = paragraphsOf(text);
    const records: { start: number; record: PrecheckedParagraph }[] = [];
    let lead: readonly string[] = [];
    for (const paragraph of paragraphs) {
      // A citation's brackets may span a break: the whole text's tokens would then differ from the paragraphs'.
      if (paragraph.text.lastIndexOf("[") > paragraph.text.lastIndexOf("]")) return null;
      const record = this.prechecked.peek(precheckKey(documentId, lead, paragraph.text));
      if (!record) return null;
      if (records.length && record.lead.length < SHINGLE_WORDS - 1 && record.lead.length < totalWords(records))
        return null;
      records.push({ start: paragraph.start, record });
      lead = record.last; // DraftCheck prechecks each paragraph with the one before it
    }
    if (!records.length) return null;
    // Places only: the overlaps quote the text by them (the words were hashed when the paragraph was prechecked).
    const starts = new Int32Array(totalWords(records));
    const ends = new Int32Array(starts.length);
    const hashes: number[] = [];
    let at = 0;
    for (const { start, record } of records) {
      for (let i = 0; i < record.starts.length; i++, at++) {
        starts[at] = start + record.starts[i];
        ends[at] = start + record.ends[i];
      }
      for (const hash of record.hashes) hashes.push(hash);
    }
    const delivered = Promise.all(records.map(({ record }) => record.found)).then(
      (sets) => {
        const found = new Set<number>();
        for (const set of sets) for (const hash of set) found.add(hash);
        return found;
      },
      () => null, // a lookup failed: the check looks the text up itself
    );
    return { own: { hashes, starts, ends }, delivered };
  }

  /**
   * Which of `hashes` occur in sections delivered to any customer, other than those of `excludeDocumentId` (see
   * matchDeliveredShingles). Lookups asked while another for the same document is on its way go together in the next
   * statement (each is told its own).
   */
  matchDelivered(db: DbOrTrx, hashes: readonly number[], excludeDocumentId?: string): Promise<Set<number>> {
    return this.lookups(db).add(excludeDocumentId ?? "", hashes);
  }

  /** The distinct shingles of a text (shared: do not modify); `hashes`: its shingles, when the caller has them already. */
  private shingleSet(text: string, hashes?: readonly number[]): ReadonlySet<number> {
    let set = this.recentSets.get(text);
    if (!set) {
      set = new Set(hashes ?? shingles(text).hashes);
      this.recentSets.set(text, set);
    }
    return set;
  }
}

/** The report of a text whose shingles (`own`, distinct: `ownSet`) were found in `origins`, tried in order. */
function report(
  text: string,
  own: PlacedShingles,
  ownSet: ReadonlySet<number>,
  origins: { origin: OverlapOrigin; set: ReadonlySet<number> }[],
): UniquenessReport {
  // Where each shingle is found first, in the order above, reused for the score, the overlaps and the count. Each
  // origin is walked through the smaller of its set and the section's: a section has ~1,300 shingles and ~60 sets
  // to look in, most of them a source's few hundred.
  const originByHash = new Map<number, OverlapOrigin>();
  for (const { origin, set } of origins) {
    const [walked, probed] = set.size < ownSet.size ? [set, ownSet] : [ownSet, set];
    for (const hash of walked) if (probed.has(hash) && !originByHash.has(hash)) originByHash.set(hash, origin);
  }
  const originOf = (hash: number) => originByHash.get(hash);
  const score = shareUnmatched(ownSet.size, originByHash.size);

  const overlaps: Overlap[] = [];
  for (let i = 0; i < own.hashes.length;) {
    const origin = originOf(own.hashes[i]);
    if (!origin) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < own.hashes.length && originOf(own.hashes[j + 1])) j++;
    const lastIndex = Math.min(j + SHINGLE_WORDS - 1, i + QUOTE_MAX_WORDS - 1);
    const cut = lastIndex < j + SHINGLE_WORDS - 1;
    overlaps.push({
      phrase: text.slice(own.starts[i], own.ends[lastIndex]).replace(/\s+/g, " ") + (cut ? "…" : ""),
      words: j + SHINGLE_WORDS - i,
      origin,
    });
    i = j + 1;
  }
  overlaps.sort((a, b) => b.words - a.words);
  return {
    score: score === null ? null : round1(score),
    shingles: ownSet.size,
    matched: originByHash.size,
    overlaps,
  };
}

function precheckKey(documentId: string | undefined, lead: readonly string[], paragraph: string): string {
  return `${documentId ?? ""}\n${lead.join(" ")}\n${paragraph}`;
}

function placed(whole: Shingles): PlacedShingles {
  return { hashes: whole.hashes, starts: whole.tokens.map((t) => t.start), ends: whole.tokens.map((t) => t.end) };
}

function totalWords(records: readonly { record: PrecheckedParagraph }[]): number {
  return records.reduce((sum, { record }) => sum + record.starts.length, 0);
}

function describe(origin: OverlapOrigin): string {
  switch (origin.kind) {
    case "source":
      return origin.key ? `source [@${origin.key}]` : origin.title ? `the source "${origin.title}"` : "a source";
    case "section":
      return origin.heading ? `the section "${origin.heading}" of this document` : "another section of this document";
    case "delivered":
      return "a text delivered before";
  }
}

/** What the writer should do about a uniqueness report below `minimum`; empty when it passes. */
export function uniquenessFeedback(report: UniquenessReport, minimum: number): string[] {
  if (report.score === null || report.score >= minimum) return [];
  const copied = round1(100 - report.score);
  return [
    `Only ${report.score}% of this section is original (at least ${minimum}% is required): ${copied}% repeats existing text. ` +
      "Rewrite these passages in your own words; when the idea comes from a source, paraphrase it and cite the source instead of copying it.",
    ...overlapLines(report),
  ];
}

/** The longest copied passages, quoted, with where they come from. */
export function overlapLines(report: UniquenessReport, count = MAX_OVERLAPS_NAMED): string[] {
  return report.overlaps.slice(0, count).map((o) => `This passage repeats ${describe(o.origin)}: "${o.phrase}"`);
}

export function uniquenessGate(config: QualityConfig, checker: UniquenessChecker): QualityGate {
  return {
    name: "uniqueness",
    async check(section, context: GateContext) {
      const minimum = (context.config ?? config).minUniqueness;
      const report = await checker.check(section.text, {
        sources: context.sources,
        otherSections: context.otherSections,
        db: context.db,
        excludeDocumentId: section.documentId,
      });
      const passed = report.score === null || report.score >= minimum;
      return {
        gate: "uniqueness",
        score: report.score,
        passed,
        feedback: passed ? [] : uniquenessFeedback(report, minimum),
      };
    },
    precheck(paragraph, section, previous) {
      if (section.db) checker.precheck(section.db, paragraph, section.documentId, previous);
    },
  };
}
