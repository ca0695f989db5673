import type { VersionAuthor, VersionedSection } from "../../db/schema";
import type { Db } from "../../app/utils/db.server";

// A delivered document's history as the editor, a regeneration and restores leave it (issue 21), so the versions
// pages show every kind of author: 1 delivered, 2 the customer, 3 a regeneration, 4 restored from 1, 5 an admin
// restoring 2 (the current text). Italian words only, as the document fixtures.

const EDITED = "Il quadro storico, riletto dal cliente: le biblioteche popolari nascono con le società operaie.";
const REGENERATED = "Conclusioni riscritte: le biblioteche restano luoghi di lettura aperti a tutti.";

export async function insertVersions(db: Db, documentId: string, by: { customerId: string; adminId: string }) {
  const delivered: VersionedSection[] = (
    await db
      .selectFrom("sections")
      .select(["index", "heading", "content"])
      .where("document_id", "=", documentId)
      .orderBy("index")
      .execute()
  ).map((s) => ({ index: s.index, heading: s.heading, content: s.content ?? "" }));
  const withText = (changes: Record<number, string>) =>
    delivered.map((s) => ({ ...s, content: changes[s.index] ?? s.content }));
  const versions: [VersionAuthor, string | null, VersionedSection[], number[], number | null][] = [
    ["delivery", null, delivered, [], null],
    ["customer", by.customerId, withText({ 1: EDITED }), [1], null],
    ["regeneration", by.customerId, withText({ 1: EDITED, 2: REGENERATED }), [2], null],
    ["restore", by.customerId, delivered, [1, 2], 1],
    ["admin", by.adminId, withText({ 1: EDITED }), [1], 2],
  ];
  await db
    .insertInto("document_versions")
    .values(
      versions.map(([author, userId, sections, changed, restoredFrom], i) => ({
        document_id: documentId,
        number: i + 1,
        author,
        author_user_id: userId,
        sections: JSON.stringify(sections),
        changed_sections: changed,
        restored_from: restoredFrom,
      })),
    )
    .execute();
  await db
    .updateTable("sections")
    .set({ content: EDITED, revision: 3 })
    .where("document_id", "=", documentId)
    .where("index", "=", 1)
    .execute();
}
