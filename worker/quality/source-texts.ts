// The sources' texts the citation judge reads: each source's stored abstract (with its title) and, when an open-access
// full text was stored, its pages; and the passage picker that sends the judge the pages that best match a claim.
import { fullTextPagesOf } from "../../app/models/source-full-texts.server";
import type { DbOrTrx } from "../../app/utils/db.server";
import { contentWords } from "./common";

/** A source's texts: `pages` (page 1 first) when its full text is stored, else null. */
export type SourceTexts = { key: string; title: string; abstract: string | null; pages: string[] | null };

/** The document's sources by key, with their pages where a full text is stored. */
export async function loadSourceTexts(db: DbOrTrx, documentId: string): Promise<Map<string, SourceTexts>> {
  const rows = await db
    .selectFrom("sources")
    .select(["id", "key", "title", "abstract"])
    .where("document_id", "=", documentId)
    .execute();
  const pages = rows.length
    ? await fullTextPagesOf(
        db,
        rows.map((r) => r.id),
      )
    : new Map<string, string[]>();
  return new Map(
    rows.map((r) => [
      r.key,
      { key: r.key, title: r.title ?? "", abstract: r.abstract, pages: pages.get(r.id) ?? null },
    ]),
  );
}

/** A passage the judge reads: a page of the full text (numbered from 1), or the title and abstract (page null). */
export type Passage = { page: number | null; text: string };

/** Pages sent to the judge per source, and the characters of each. */
export const MAX_PAGES_PER_SOURCE = 3;
export const MAX_PASSAGE_CHARS = 4000;

/**
 * What the judge reads of `source` for `claims` (the sentences citing it): without pages, its title and abstract; with
 * pages, the few that share the most words with the claims (each claim's best pages first, ties to the earlier page),
 * in page order, each labelled with its number.
 */
export function pickPassages(claims: readonly string[], source: SourceTexts, limit = MAX_PAGES_PER_SOURCE): Passage[] {
  if (!source.pages?.length) {
    const text = [source.title, source.abstract].filter(Boolean).join(". ");
    return [{ page: null, text: text.slice(0, MAX_PASSAGE_CHARS) }];
  }
  const pageWords = source.pages.map((page) => new Set(contentWords(page)));
  const ranked = claims.map((claim) => {
    const words = [...new Set(contentWords(claim))];
    return pageWords
      .map((set, i) => ({ i, score: words.filter((w) => set.has(w)).length }))
      .filter((p) => p.score > 0)
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .map((p) => p.i);
  });
  const picked = new Set<number>();
  // Round-robin over the claims, so each claim's best page is in before any claim's second best.
  for (let rank = 0; picked.size < limit && ranked.some((r) => r.length > rank); rank++) {
    for (const pages of ranked) if (pages[rank] !== undefined && picked.size < limit) picked.add(pages[rank]);
  }
  // No page shares a word with any claim: the first page (the abstract's usual place) rather than nothing.
  if (!picked.size) picked.add(0);
  return [...picked]
    .sort((a, b) => a - b)
    .map((i) => ({ page: i + 1, text: source.pages![i].slice(0, MAX_PASSAGE_CHARS) }));
}
