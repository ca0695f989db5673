// What the edit page of a delivered document shows: its sections with the revision each save names, their gate
// scores and whether those scores are still being checked after an edit (issue 21, item 1).
import { MIN_SECTION_LENGTH_SHARE } from "../utils/catalog";
import type { DbOrTrx } from "../utils/db.server";
import { EDITABLE } from "./document-versions.server";
import { isUuid } from "./documents.server";

export type EditableSection = {
  index: number;
  heading: string;
  content: string;
  revision: number;
  scores: { uniqueness: number | null; grammar: number | null; ai: number | null };
  /** The gates have not yet scored this revision of the text. */
  beingChecked: boolean;
  /** Words now and words planned, when the checked text is under MIN_SECTION_LENGTH_SHARE of its plan. */
  tooShort: { words: number; target: number } | null;
};

/** The owner's document and its sections; undefined when it is not theirs (or not a document at all). */
export async function getDocumentForEditing(db: DbOrTrx, documentId: string, ownerId: string) {
  if (!isUuid(documentId)) return undefined;
  const document = await db
    .selectFrom("documents")
    .select(["id", "topic", "status", "language"])
    .where("id", "=", documentId)
    .where("user_id", "=", ownerId)
    .executeTakeFirst();
  if (!document) return undefined;
  const rows = await db
    .selectFrom("sections")
    .select(["index", "heading", "content", "revision", "checked_revision", "word_count", "target_words"])
    .select(["score_uniqueness", "score_grammar", "score_ai"])
    .where("document_id", "=", documentId)
    .orderBy("index")
    .execute();
  const sections: EditableSection[] = rows.map((row) => ({
    index: row.index,
    heading: row.heading,
    content: row.content ?? "",
    revision: row.revision,
    scores: { uniqueness: row.score_uniqueness, grammar: row.score_grammar, ai: row.score_ai },
    beingChecked: row.checked_revision < row.revision,
    tooShort:
      row.checked_revision === row.revision &&
      row.word_count !== null &&
      row.word_count < MIN_SECTION_LENGTH_SHARE * row.target_words
        ? { words: row.word_count, target: row.target_words }
        : null,
  }));
  const sources = await db
    .selectFrom("sources")
    .select(["key", "title", "year"])
    .where("document_id", "=", documentId)
    .orderBy("key")
    .execute();
  return { ...document, editable: EDITABLE.includes(document.status), sections, sources };
}
