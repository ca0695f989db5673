// Word 5-gram shingles: the unit of the uniqueness gate, of the `shingles` table and of the admin command.
import { hash } from "node:crypto";
import { sql } from "kysely";
import type { DbOrTrx } from "../../app/utils/db.server";

export const SHINGLE_WORDS = 5;
/** Hashes per lookup. */
const BATCH = 5000;
/** Rows per INSERT (they travel as arrays, so the only limit is a statement's size). */
const INSERT_BATCH = 50_000;

/** A word of the text: `word` is its comparison form, `start`/`end` its place in the original (for quoting). */
export type Token = { word: string; start: number; end: number };
export type Shingles = {
  tokens: Token[];
  /** hashes[i] covers tokens[i .. i + 4]; signed 64-bit integers as decimal strings (pg `bigint`). */
  hashes: string[];
};

// Letters (any script, with their combining marks) and digits; everything else separates words.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
/** Pandoc-style citations such as `[@smith2020]` or `[see @a, p. 4; @b]`: ours, not the author's words. */
export const CITATION = /\[[^[\]]*@[^[\]]*\]/g;

/** The comparison form of a word: lower-case, accents folded (é → e, й → и, ё → е), compatibility forms unified. */
export function foldWord(raw: string): string {
  // ASCII is its own compatibility decomposition and has no marks: only its case needs folding (most words, cheaply).
  if (ASCII.test(raw)) return raw.toLowerCase();
  return raw.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}
const ASCII = /^[\x00-\x7f]*$/;

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

/**
 * The first 8 bytes of the SHA-1 of the words joined by spaces, as a signed big-endian 64-bit integer. Stored
 * fingerprints depend on it: any change needs a migration that recomputes the `shingles` table.
 * One-shot `crypto.hash` and two 32-bit halves: a third of the cost of createHash/digest/readBigInt64BE, which
 * matters at ~1,300 shingles per section.
 */
export function hashShingle(words: readonly string[]): string {
  return hashJoined(words.join(" "));
}

function hashJoined(joined: string): string {
  const hex = hash("sha1", joined, "hex");
  const high = BigInt(parseInt(hex.slice(0, 8), 16) | 0);
  const low = BigInt(parseInt(hex.slice(8, 16), 16));
  return ((high << 32n) + low).toString();
}

export function shingles(text: string): Shingles {
  const tokens = tokenize(text);
  const hashes: string[] = [];
  const words = tokens.map((t) => t.word);
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) {
    hashes.push(hashJoined(words.slice(i, i + SHINGLE_WORDS).join(" ")));
  }
  return { tokens, hashes };
}

/**
 * Shingle sets of recent texts. Each section is compared with the document's other sections and its sources, so
 * when a document's sections finish together the same texts come back again and again; hashing is the cost.
 */
const recentSets = new Map<string, ReadonlySet<string>>();
const RECENT_SETS = 64;

/** The distinct shingles of a text (shared: do not modify); `hashes`: its shingles, when the caller has them already. */
export function shingleSet(text: string, hashes?: readonly string[]): ReadonlySet<string> {
  let set = recentSets.get(text);
  if (set) {
    recentSets.delete(text);
  } else {
    set = new Set(hashes ?? shingles(text).hashes);
  }
  recentSets.set(text, set);
  if (recentSets.size > RECENT_SETS) recentSets.delete(recentSets.keys().next().value!);
  return set;
}

/**
 * Percentage (0–100) of the section's distinct shingles found in none of the other sets; null when the section is
 * too short to have a shingle (under five words), since there is nothing to measure.
 */
export function uniquenessScore(sectionShingles: Iterable<string>, otherShingleSets: Iterable<ReadonlySet<string>>): number | null {
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

/** Which of `hashes` occur in sections delivered to any customer, other than those of `excludeDocumentId`. */
export async function matchDeliveredShingles(db: DbOrTrx, hashes: readonly string[], excludeDocumentId?: string): Promise<Set<string>> {
  const wanted = [...new Set(hashes)];
  const found = new Set<string>();
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
    for (const row of await query.execute()) found.add(String(row.hash));
  }
  return found;
}

/** Records a delivered document's sections, so later orders are compared with them. Idempotent; returns rows added. */
export async function storeDeliveredShingles(
  db: DbOrTrx,
  documentId: string,
  sections: readonly { id: string; text: string | null }[],
): Promise<number> {
  const hashes: string[] = [];
  const sectionIds: string[] = [];
  for (const section of sections) {
    for (const hash of shingleSet(section.text ?? "")) {
      hashes.push(hash);
      sectionIds.push(section.id);
    }
  }
  let inserted = 0;
  // Three array parameters per statement (unnest), instead of three parameters per row: a 100-page document's
  // ~30,000 rows go in one short statement.
  for (let i = 0; i < hashes.length; i += INSERT_BATCH) {
    const result = await sql`
      insert into shingles (hash, section_id, document_id)
      select hash, section_id, ${documentId}::uuid
      from unnest(${hashes.slice(i, i + INSERT_BATCH)}::bigint[], ${sectionIds.slice(i, i + INSERT_BATCH)}::uuid[]) as t(hash, section_id)
      on conflict (hash, section_id) do nothing`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0);
  }
  return inserted;
}
