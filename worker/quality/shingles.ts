// Word 5-gram shingles: the unit of the uniqueness gate, of the `shingles` table and of the admin command.
import { sql } from "kysely";
import type { DbOrTrx } from "../../app/utils/db.server";
import { isAscii } from "./common";

export const SHINGLE_WORDS = 5;
/** Hashes per lookup. */
const BATCH = 5000;
/** Rows per INSERT (they travel as arrays, so the only limit is a statement's size). */
const INSERT_BATCH = 50_000;

/** A word of the text: `word` is its comparison form, `start`/`end` its place in the original (for quoting). */
export type Token = { word: string; start: number; end: number };
export type Shingles = {
  tokens: Token[];
  /** hashes[i] covers tokens[i .. i + 4] (hashShingle). */
  hashes: number[];
};

// Letters (any script, with their combining marks) and digits; everything else separates words.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
/** Pandoc-style citations such as `[@smith2020]` or `[see @a, p. 4; @b]`: ours, not the author's words. */
export const CITATION = /\[[^[\]]*@[^[\]]*\]/g;

/** The comparison form of a word: lower-case, accents folded (é → e, й → и, ё → е), compatibility forms unified. */
export function foldWord(raw: string): string {
  // ASCII is its own compatibility decomposition and has no marks: only its case needs folding (most words, cheaply).
  if (isAscii(raw)) return raw.toLowerCase();
  return raw.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Spans [start, end) of the text that are not prose: citation keys here; grammar.ts adds URLs and the like. */
export function citationSpans(text: string): [number, number][] {
  return [...text.matchAll(CITATION)].map((m) => [m.index, m.index + m[0].length]);
}

export function tokenize(text: string): Token[] {
  const skipped = citationSpans(text); // in order, not overlapping: walked alongside the words
  let span = 0;
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const start = m.index;
    while (span < skipped.length && skipped[span][1] <= start) span++;
    if (span < skipped.length && start >= skipped[span][0]) continue;
    const word = foldWord(m[0]);
    if (word) tokens.push({ word, start, end: start + m[0].length });
  }
  return tokens;
}

/** The normalised text the shingles are taken from: folded words separated by single spaces. */
export function normalizeText(text: string): string {
  return tokenize(text)
    .map((t) => t.word)
    .join(" ");
}

/** The version of the fingerprints this code computes; older stored ones are re-hashed (worker/jobs/rehash-shingles.ts). */
export const SHINGLE_HASH_VERSION = 1;

/**
 * A shingle's fingerprint: a 53-bit hash (0 ≤ h < 2^53, a safe integer, stored as pg `bigint`) of its words joined
 * by single spaces, computed over the UTF-16 code units without building the joined string. It is cyrb53 (a public
 * domain hash by bryc: two multiplicative 32-bit lanes, mixed at the end), chosen over SHA-1 for speed: a section has
 * ~1,300 shingles and a document's sections are checked together (decision 014). Stored fingerprints depend on it:
 * any change to it (or to tokenize, foldWord, SHINGLE_WORDS) bumps SHINGLE_HASH_VERSION.
 */
export function hashShingle(words: readonly string[], from = 0, count = words.length - from): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let w = from; w < from + count; w++) {
    if (w > from) {
      h1 = Math.imul(h1 ^ 32, 2654435761);
      h2 = Math.imul(h2 ^ 32, 1597334677);
    }
    const word = words[w];
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export function shingles(text: string): Shingles {
  const tokens = tokenize(text);
  return { tokens, hashes: shingleHashes(tokens.map((t) => t.word)) };
}

/** The hashes of every run of SHINGLE_WORDS consecutive words, in order. */
export function shingleHashes(words: readonly string[]): number[] {
  const hashes: number[] = [];
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) hashes.push(hashShingle(words, i, SHINGLE_WORDS));
  return hashes;
}

/** The distinct shingles of a text (the uniqueness check keeps those of recent texts: UniquenessChecker). */
export function shingleSet(text: string): ReadonlySet<number> {
  return new Set(shingles(text).hashes);
}

/**
 * Percentage (0–100) of the section's distinct shingles found in none of the other sets; null when the section is
 * too short to have a shingle (under five words), since there is nothing to measure.
 */
export function uniquenessScore(
  sectionShingles: Iterable<number>,
  otherShingleSets: Iterable<ReadonlySet<number>>,
): number | null {
  const own = new Set(sectionShingles);
  const others = [...otherShingleSets];
  let matched = 0;
  for (const hash of own) if (others.some((set) => set.has(hash))) matched++;
  return shareUnmatched(own.size, matched);
}

/** uniquenessScore from counts: `matched` of `distinct` shingles were found elsewhere. */
export function shareUnmatched(distinct: number, matched: number): number | null {
  return distinct === 0 ? null : (100 * (distinct - matched)) / distinct;
}

/**
 * Which of `hashes` occur in sections delivered to any customer, other than those of `excludeDocumentId`: one
 * statement per 5,000 hashes (the uniqueness check gathers the lookups asked together: UniquenessChecker).
 */
export async function matchDeliveredShingles(
  db: DbOrTrx,
  hashes: readonly number[],
  excludeDocumentId?: string,
): Promise<Set<number>> {
  const wanted = [...new Set(hashes)];
  const found = new Set<number>();
  for (let i = 0; i < wanted.length; i += BATCH) {
    const batch = wanted.slice(i, i + BATCH);
    // `hash = any(array)` is an index condition on shingles_pkey (hash, section_id): one index probe per hash. The
    // array travels as one comma-separated string: pg would quote and escape each of its thousands of elements.
    let query = db
      .selectFrom("shingles")
      .select("hash")
      .distinct()
      .where(sql<boolean>`hash = any(string_to_array(${batch.join(",")}, ',')::bigint[])`);
    if (excludeDocumentId) query = query.where("document_id", "<>", excludeDocumentId);
    for (const row of await query.execute()) found.add(Number(row.hash));
  }
  return found;
}

/** Records a delivered document's sections, so later orders are compared with them. Idempotent; returns rows added. */
export async function storeDeliveredShingles(
  db: DbOrTrx,
  documentId: string,
  sections: readonly { id: string; text: string | null }[],
): Promise<number> {
  const hashes: number[] = [];
  const sectionIds: string[] = [];
  for (const section of sections) {
    for (const hash of shingleSet(section.text ?? "")) {
      hashes.push(hash);
      sectionIds.push(section.id);
    }
  }
  let inserted = 0;
  // Two arrays per statement (unnest), each sent as one comma-separated string, instead of three parameters per row:
  // a 100-page document's ~30,000 rows go in one short statement.
  for (let i = 0; i < hashes.length; i += INSERT_BATCH) {
    const result = await sql`
      insert into shingles (hash, section_id, document_id, hash_version)
      select hash, section_id, ${documentId}::uuid, ${SHINGLE_HASH_VERSION}::smallint
      from unnest(
        string_to_array(${hashes.slice(i, i + INSERT_BATCH).join(",")}, ',')::bigint[],
        string_to_array(${sectionIds.slice(i, i + INSERT_BATCH).join(",")}, ',')::uuid[]
      ) as t(hash, section_id)
      on conflict (hash, section_id) do nothing`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0);
  }
  return inserted;
}
