// The citation judge's verdicts (table citation_verdicts) and the order's figures computed from them over the text
// delivered now: the verdicts whose text is each section's current content (decision 048).
import { sql } from "kysely";
import type { DbOrTrx } from "~/utils/db.server";
import { citationFigures, type CitationFigures, type VerdictRow } from "~/utils/citation-figures";
import type { CitationVerdict } from "../../db/schema";

export type VerdictToStore = {
  sentenceIndex: number;
  sentence: string;
  sourceKey: string | null;
  verdict: CitationVerdict | null;
  evidence: string | null;
  evidencePage: number | null;
  reason: string | null;
  needsCitation: boolean;
  citationRemoved: boolean;
};

/**
 * Stores the verdicts on one checked text of a section (`textMd5`: its md5 as stored), replacing any stored for the
 * same text before (a job run again judges it again), with the judge's token usage, in one transaction.
 */
export async function saveCitationVerdicts(
  db: DbOrTrx,
  p: { documentId: string; sectionId: string; attempt: number | null; textMd5: string; verdicts: VerdictToStore[] },
  usage: () => Promise<void>,
): Promise<void> {
  const save = async (trx: DbOrTrx) => {
    await trx
      .deleteFrom("citation_verdicts")
      .where("section_id", "=", p.sectionId)
      .where("text_md5", "=", p.textMd5)
      .execute();
    if (p.verdicts.length)
      await trx
        .insertInto("citation_verdicts")
        .values(
          p.verdicts.map((v) => ({
            document_id: p.documentId,
            section_id: p.sectionId,
            attempt: p.attempt,
            text_md5: p.textMd5,
            sentence_index: v.sentenceIndex,
            sentence: v.sentence,
            source_key: v.sourceKey,
            verdict: v.verdict,
            evidence: v.evidence,
            evidence_page: v.evidencePage,
            reason: v.reason,
            needs_citation: v.needsCitation,
            citation_removed: v.citationRemoved,
          })),
        )
        .execute();
    await usage();
  };
  if (db.isTransaction) await save(db);
  else await db.transaction().execute(save);
}

/** The order's figures over its delivered text: each section's verdicts on its current content. */
export async function deliveredCitationFigures(db: DbOrTrx, documentId: string): Promise<CitationFigures> {
  const { rows } = await sql<VerdictRow>`
    select v.section_id as section, v.sentence_index as sentence,
      -- A citation the gate removed is no citation; its sentence still counts for recall.
      case when v.citation_removed then null else v.source_key end as source,
      case when v.citation_removed then null else v.verdict end as verdict,
      v.needs_citation as "needsCitation"
    from citation_verdicts v join sections s on s.id = v.section_id and s.content_md5 = v.text_md5
    where v.document_id = ${documentId}`.execute(db);
  return citationFigures(rows);
}

/** Stores the order's figures as its delivered text stands now (after the review, an edit or a kept regeneration). */
export async function refreshCitationFigures(db: DbOrTrx, documentId: string): Promise<CitationFigures> {
  const figures = await deliveredCitationFigures(db, documentId);
  await db
    .updateTable("documents")
    .set({ citation_precision: figures.precision, citation_recall: figures.recall })
    .where("id", "=", documentId)
    .execute();
  return figures;
}
