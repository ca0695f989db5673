// What the edit page of a delivered document shows: its sections with the revision each save names, their gate
// scores and whether those scores are still being checked after an edit (issue 21, item 1).
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
    .select(["index", "heading", "content", "revision", "checked_revision"])
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
  }));
  const sources = await db
    .selectFrom("sources")
    .select(["key", "title", "year"])
    .where("document_id", "=", documentId)
    .orderBy("key")
    .execute();
  return { ...document, editable: EDITABLE.includes(document.status), sections, sources };
}
