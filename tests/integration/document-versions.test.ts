import { sql } from "kysely";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  citedKeys,
  getVersion,
  listVersions,
  pruneDocumentVersions,
  restoreVersion,
  saveSectionText,
} from "../../app/models/document-versions.server";
import { useBoss } from "../../app/jobs/queue.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertDeliveredDocument, insertDocumentInProgress } from "../setup/documents";
import { insertUser, startTestBoss } from "../setup/fixtures";

// Issue 21 (groundwork): a delivered text's sections change with a revision each, never silently over another tab's
// save; every change is kept as a version; a restore is a version too; pruning keeps exactly what the rule says.

let database: TestDatabase;
let boss: PgBoss;
beforeAll(async () => {
  database = await createTestDatabase();
  boss = useBoss(await startTestBoss(database.url));
});
afterAll(async () => {
  await boss?.stop({ graceful: false });
  await database?.destroy();
});

async function delivered() {
  const owner = await insertUser(database.db);
  const { id } = await insertDeliveredDocument(database.db, owner.id);
  return { ownerId: owner.id, documentId: id };
}

const sectionText = async (documentId: string, index: number) =>
  await database.db
    .selectFrom("sections")
    .select(["content", "revision"])
    .where("document_id", "=", documentId)
    .where("index", "=", index)
    .executeTakeFirstOrThrow();

describe("saving a section's edit", () => {
  it("saves, counts the revision, and keeps the delivered text as version 1 and the edit as version 2", async () => {
    const { ownerId, documentId } = await delivered();
    const saved = await saveSectionText(database.db, {
      documentId,
      ownerId,
      index: 1,
      baseRevision: 0,
      content: "Un paragrafo riscritto [@rossi2021].",
    });
    expect(saved).toEqual({ ok: true, revision: 1, version: 2 });
    expect(await sectionText(documentId, 1)).toEqual({ content: "Un paragrafo riscritto [@rossi2021].", revision: 1 });
    const versions = await listVersions(database.db, documentId, ownerId);
    expect(versions!.map((v) => [v.number, v.author, v.changed_sections])).toEqual([
      [2, "customer", [1]],
      [1, "delivery", []],
    ]);
    const first = await getVersion(database.db, documentId, ownerId, 1);
    expect(first!.sections[1]!.content).toContain("Le biblioteche pubbliche europee");
  });

  it("a second tab saving from the same revision gets a conflict with the text that won, and changes nothing", async () => {
    const { ownerId, documentId } = await delivered();
    const [a, b] = await Promise.all(
      ["Testo della prima scheda.", "Testo della seconda scheda."].map((content) =>
        saveSectionText(database.db, { documentId, ownerId, index: 0, baseRevision: 0, content }),
      ),
    );
    const results = [a!, b!];
    const won = results.find((r) => r.ok);
    const lost = results.find((r) => !r.ok);
    expect(won).toMatchObject({ ok: true, revision: 1 });
    expect(lost).toMatchObject({ ok: false, reason: "conflict", revision: 1 });
    const text = await sectionText(documentId, 0);
    expect(lost).toMatchObject({ content: text.content });
    expect(text.revision).toBe(1);
  });

  it("refuses a citation key that is not one of the document's sources, naming it; the known key passes", async () => {
    const { ownerId, documentId } = await delivered();
    const refused = await saveSectionText(database.db, {
      documentId,
      ownerId,
      index: 0,
      baseRevision: 0,
      content: "Come mostrano [@rossi2021; @inventato1999].",
    });
    expect(refused).toEqual({ ok: false, reason: "unknown_citation", keys: ["inventato1999"] });
    expect((await sectionText(documentId, 0)).revision).toBe(0);
    expect(await listVersions(database.db, documentId, ownerId)).toEqual([]);
  });

  it("a stranger, an unknown section, a malformed id and a document being written are refused; nothing is written", async () => {
    const { ownerId, documentId } = await delivered();
    const stranger = await insertUser(database.db);
    const edit = { documentId, index: 0, baseRevision: 0, content: "Altro." };
    expect(await saveSectionText(database.db, { ...edit, ownerId: stranger.id })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await saveSectionText(database.db, { ...edit, ownerId, index: 99 })).toEqual({
      ok: false,
      reason: "not_found",
    });
    const writing = await insertDocumentInProgress(database.db, ownerId);
    expect(await saveSectionText(database.db, { ...edit, ownerId, documentId: writing.id })).toEqual({
      ok: false,
      reason: "not_editable",
    });
    expect(await listVersions(database.db, documentId, stranger.id)).toBeUndefined();
    // An id that is no id at all is simply not found (never a database error).
    expect(await saveSectionText(database.db, { ...edit, ownerId, documentId: "not-a-uuid" })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await listVersions(database.db, "not-a-uuid", ownerId)).toBeUndefined();
    expect(await getVersion(database.db, "not-a-uuid", ownerId, 1)).toBeUndefined();
    expect((await sectionText(documentId, 0)).revision).toBe(0);
  });

  it("saves within a few minutes extend the customer's version; after a pause they make a new one", async () => {
    const { ownerId, documentId } = await delivered();
    const save = (index: number, baseRevision: number, content: string) =>
      saveSectionText(database.db, { documentId, ownerId, index, baseRevision, content });
    expect(await save(0, 0, "Primo.")).toMatchObject({ version: 2 });
    expect(await save(2, 0, "Secondo.")).toMatchObject({ version: 2 });
    expect(await save(0, 1, "Primo, corretto.")).toMatchObject({ version: 2, revision: 2 });
    const [latest] = (await listVersions(database.db, documentId, ownerId))!;
    expect(latest).toMatchObject({ number: 2, changed_sections: [0, 2] });
    // The pause: the version was last extended 10 minutes ago.
    await database.db
      .updateTable("document_versions")
      .set({ updated_at: sql`now() - interval '10 minutes'` })
      .where("document_id", "=", documentId)
      .execute();
    expect(await save(1, 0, "Dopo una pausa.")).toMatchObject({ version: 3 });
    // Saving the same text again changes nothing and makes no version.
    expect(await save(1, 1, "Dopo una pausa.")).toEqual({ ok: true, revision: 1, version: 3 });
  });
});

describe("restoring a version", () => {
  it("brings the old text back as a new version, each restored section's revision counted", async () => {
    const { ownerId, documentId } = await delivered();
    await saveSectionText(database.db, { documentId, ownerId, index: 0, baseRevision: 0, content: "Cambiato." });
    const restored = await restoreVersion(database.db, {
      documentId,
      ownerId,
      number: 1,
      by: { author: "restore", userId: ownerId },
    });
    expect(restored).toEqual({ ok: true, version: 3, changed: [0] });
    const text = await sectionText(documentId, 0);
    expect(text.content).toContain("Le biblioteche pubbliche europee");
    expect(text.revision).toBe(2);
    const [latest] = (await listVersions(database.db, documentId, ownerId))!;
    expect(latest).toMatchObject({ number: 3, author: "restore", restored_from: 1, changed_sections: [0] });
    // A stranger, or a version that does not exist, restores nothing.
    const stranger = await insertUser(database.db);
    const by = { author: "restore" as const, userId: stranger.id };
    expect(await restoreVersion(database.db, { documentId, ownerId: stranger.id, number: 1, by })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(
      await restoreVersion(database.db, { documentId, ownerId, number: 42, by: { ...by, userId: ownerId } }),
    ).toEqual({ ok: false, reason: "not_found" });
  });
  it("restoring the text that is already current changes nothing and makes no version", async () => {
    const { ownerId, documentId } = await delivered();
    await saveSectionText(database.db, { documentId, ownerId, index: 0, baseRevision: 0, content: "Cambiato." });
    const restored = await restoreVersion(database.db, {
      documentId,
      ownerId,
      number: 2,
      by: { author: "restore", userId: ownerId },
    });
    expect(restored).toEqual({ ok: true, version: 2, unchanged: true, changed: [] });
    expect((await listVersions(database.db, documentId, ownerId))!.map((v) => v.number)).toEqual([2, 1]);
    expect((await sectionText(documentId, 0)).revision).toBe(1);
  });
});

describe("pruning versions", () => {
  it("keeps the last 10 of each document and everything younger than 30 days, and deletes exactly the rest", async () => {
    const { ownerId, documentId } = await delivered();
    const other = await delivered();
    // 15 versions of the first document: 1–12 are 40 days old, 13–15 from today; 3 old ones of the other document.
    const rows = (id: string, numbers: number[], daysOld: number) =>
      numbers.map((number) => ({
        document_id: id,
        number,
        author: "customer" as const,
        author_user_id: ownerId,
        sections: "[]",
        created_at: sql<Date>`now() - make_interval(days => ${daysOld})`,
      }));
    await database.db
      .insertInto("document_versions")
      .values([
        ...rows(
          documentId,
          Array.from({ length: 12 }, (_, i) => i + 1),
          40,
        ),
        ...rows(documentId, [13, 14, 15], 0),
        ...rows(other.documentId, [1, 2, 3], 40),
      ] as never)
      .execute();
    expect(await pruneDocumentVersions(database.db)).toBe(5);
    const left = await database.db
      .selectFrom("document_versions")
      .select(["document_id", "number"])
      .where("document_id", "in", [documentId, other.documentId])
      .orderBy("number")
      .execute();
    expect(left.filter((v) => v.document_id === documentId).map((v) => v.number)).toEqual([
      6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
    expect(left.filter((v) => v.document_id === other.documentId).map((v) => v.number)).toEqual([1, 2, 3]);
  });
});

describe("citedKeys", () => {
  it("reads single and grouped citations, with locators", () => {
    expect(citedKeys("A [@a2020], b [@b2021, p. 4; @c-2022], none [x] or @d.")).toEqual(["a2020", "b2021", "c-2022"]);
  });
});
