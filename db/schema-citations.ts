// What the citation judge said of a checked section text (decision 048).
import type { Generated } from "kysely";
import type { CreatedAt } from "./schema-columns";

export type CitationVerdict = "supported" | "partly" | "unsupported";

/** One cited source of one sentence, or (source_key and verdict null) one sentence that cites nothing. */
export interface CitationVerdictsTable {
  id: Generated<string>;
  document_id: string;
  section_id: string;
  attempt: number | null;
  /** md5 of the text as the gate left it: the delivered text's verdicts are those matching sections.content_md5. */
  text_md5: string;
  sentence_index: number;
  sentence: string;
  source_key: string | null;
  verdict: CitationVerdict | null;
  /** Quoted from the source's text; null when the judge quoted nothing found there. */
  evidence: string | null;
  evidence_page: number | null;
  reason: string | null;
  needs_citation: boolean;
  citation_removed: Generated<boolean>;
  created_at: CreatedAt;
}
