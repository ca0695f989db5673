import type { DbOrTrx } from "../../app/utils/db.server";
import { wordsPerPage } from "../../app/utils/catalog";
import { findCitationKeys, parseCitationClusters } from "../export/citations";
import { countWords } from "../quality/common";

/**
 * LongWriter's length score: 100 when the text has the asked length, falling faster when it is too short.
 * x = words ordered, y = words delivered.
 */
export function lengthScore(ordered: number, delivered: number): number {
  if (ordered <= 0 || delivered <= 0) return 0;
  const score =
    delivered > ordered ? 100 * (1 - (delivered / ordered - 1) / 3) : 100 * (1 - (ordered / delivered - 1) / 2);
  return Math.max(0, Math.min(100, score));
}

/** Share of sections whose length is within ±20 % of their budget. */
export function sectionBalance(sections: { words: number; target: number }[]): number {
  if (sections.length === 0) return 0;
  return sections.filter((s) => s.target > 0 && Math.abs(s.words / s.target - 1) <= 0.2).length / sections.length;
}

export type CitationStats = { citations: number; resolved: number; citedSources: number; backed: number };

/** In-text citations that resolve to a stored source, and cited sources backed by a DOI or URL. */
export function citationStats(
  texts: string[],
  sources: { key: string; doi: string | null; url: string | null }[],
): CitationStats {
  const byKey = new Map(sources.map((s) => [s.key, s]));
  let citations = 0;
  let resolved = 0;
  for (const text of texts) {
    for (const cluster of parseCitationClusters(text)) {
      for (const ref of cluster.refs) {
        citations++;
        if (byKey.has(ref.key)) resolved++;
      }
    }
  }
  const cited = new Set(texts.flatMap((t) => findCitationKeys(t)).filter((k) => byKey.has(k)));
  const backed = [...cited].filter((k) => byKey.get(k)!.doi || byKey.get(k)!.url).length;
  return { citations, resolved, citedSources: cited.size, backed };
}

export type DocumentEvaluation = {
  documentId: string;
  topic: string;
  language: string;
  citationStyle: string;
  pages: number;
  status: string;
  /** null when the text cites nothing (nothing to resolve). */
  citationResolveRate: number | null;
  bibliographyBackedRate: number | null;
  lengthScore: number;
  sectionBalance: number;
  uniqueness: number | null;
  /** The grammar gate's errors per 1,000 words for the whole document; null when no checker scored it. */
  grammarErrorsPer1000: number | null;
  /** The order's citation figures (0–1, decision 048); null when nothing was judged (offline writer: N/A). */
  citationPrecision: number | null;
  citationRecall: number | null;
};

/** Reads a finished document and measures it (uniqueness against its sources is passed in by the caller). */
export async function evaluateDocument(
  db: DbOrTrx,
  documentId: string,
  uniquenessAgainstSources: (text: string, sources: string[]) => number | null,
): Promise<DocumentEvaluation> {
  const document = await db.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirstOrThrow();
  const sections = await db
    .selectFrom("sections")
    .select(["content", "target_words", "word_count"])
    .where("document_id", "=", documentId)
    .orderBy("index")
    .execute();
  const sources = await db
    .selectFrom("sources")
    .select(["key", "doi", "csl", "abstract", "title"])
    .where("document_id", "=", documentId)
    .execute();
  const texts = sections.map((s) => s.content ?? "");
  const stats = citationStats(
    texts,
    sources.map((s) => ({
      key: s.key,
      doi: s.doi,
      url: ((s.csl as { URL?: string }).URL as string | undefined) ?? null,
    })),
  );
  const delivered = texts.reduce((n, t) => n + countWords(t.replace(/\[[^\]]*@[^\]]*\]/g, "")), 0);
  return {
    documentId,
    topic: document.topic,
    language: document.language,
    citationStyle: document.citation_style,
    pages: document.pages,
    status: document.status,
    citationResolveRate: stats.citations ? stats.resolved / stats.citations : null,
    bibliographyBackedRate: stats.citedSources ? stats.backed / stats.citedSources : null,
    lengthScore: lengthScore(document.pages * wordsPerPage(document.language), delivered),
    sectionBalance: sectionBalance(sections.map((s) => ({ words: s.word_count ?? 0, target: s.target_words }))),
    uniqueness: uniquenessAgainstSources(
      texts.join("\n\n"),
      sources.map((s) => [s.title, s.abstract].filter(Boolean).join(". ")),
    ),
    grammarErrorsPer1000: document.score_grammar,
    citationPrecision: document.citation_precision,
    citationRecall: document.citation_recall,
  };
}

export function average(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
}
