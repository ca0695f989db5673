// A delivered document's text after delivery: saving a section's edit (refused when another tab saved it first, or
// when it cites a source the document does not have), the versions that keep every earlier text, restoring one, and
// the rule that prunes them (the last 10 and everything younger than 30 days stay). Issue 21.
import { sql, type Transaction as KyselyTransaction } from "kysely";
import type { Database, DocumentStatus, VersionAuthor, VersionedSection } from "../../db/schema";
import { citedKeys } from "../utils/citations";
import { inTransaction, type DbOrTrx } from "../utils/db.server";
import { isUuid, ownsDocument } from "./documents.server";
import { noteTextChanged } from "./text-changes.server";

type Transaction = KyselyTransaction<Database>;

export { citedKeys };

/** Documents whose text the customer may change: delivered ones. */
export const EDITABLE: readonly DocumentStatus[] = ["completed", "completed_with_warnings"];

/** A customer's saves closer together than this extend their latest version instead of making another. */
export const VERSION_PAUSE_MINUTES = 5;
export const VERSIONS_KEPT = 10;
export const VERSION_DAYS = 30;

export type SaveRefusal =
  | { ok: false; reason: "not_found" | "not_editable" }
  | { ok: false; reason: "conflict"; revision: number; content: string }
  | { ok: false; reason: "unknown_citation"; keys: string[] };
export type SaveResult = { ok: true; revision: number; version: number } | SaveRefusal;

/**
 * Saves the owner's new text of section `index`, made from revision `baseRevision` of it. Refused when another save
 * came first (with that save's text), when the text cites a key that is not one of the document's stored sources, or
 * when the document is not the owner's or not delivered. A save that changes nothing makes no version.
 */
export async function saveSectionText(
  db: DbOrTrx,
  edit: { documentId: string; ownerId: string; index: number; baseRevision: number; content: string },
): Promise<SaveResult> {
  return inTransaction(db, async (trx) => {
    const document = await lockEditable(trx, edit.documentId, edit.ownerId);
    if (!document.ok) return document;
    const section = await trx
      .selectFrom("sections")
      .select(["id", "revision", "content"])
      .where("document_id", "=", edit.documentId)
      .where("index", "=", edit.index)
      .forUpdate()
      .executeTakeFirst();
    if (!section) return { ok: false, reason: "not_found" };
    if (section.revision !== edit.baseRevision)
      return { ok: false, reason: "conflict", revision: section.revision, content: section.content ?? "" };
    const unknown = await unknownCitations(trx, edit.documentId, edit.content);
    if (unknown.length) return { ok: false, reason: "unknown_citation", keys: unknown };
    const latest = await ensureDeliveredVersion(trx, edit.documentId);
    if ((section.content ?? "") === edit.content) return { ok: true, revision: section.revision, version: latest };
    const revision = section.revision + 1;
    await trx.updateTable("sections").set({ content: edit.content, revision }).where("id", "=", section.id).execute();
    const version = await recordVersion(trx, edit.documentId, {
      author: "customer",
      userId: edit.ownerId,
      changed: [edit.index],
    });
    await noteTextChanged(trx, edit.documentId);
    return { ok: true, revision, version };
  });
}

/** The versions of the owner's document, newest first; undefined when it is not theirs. */
export async function listVersions(db: DbOrTrx, documentId: string, ownerId: string) {
  if (!(await ownsDocument(db, documentId, ownerId))) return undefined;
  return db
    .selectFrom("document_versions")
    .select(["number", "author", "changed_sections", "restored_from", "created_at", "updated_at"])
    .where("document_id", "=", documentId)
    .orderBy("number", "desc")
    .execute();
}

/** One version's text, for the owner; undefined when there is no such version of their document. */
export async function getVersion(db: DbOrTrx, documentId: string, ownerId: string, number: number) {
  if (!isUuid(documentId) || !Number.isSafeInteger(number)) return undefined;
  return db
    .selectFrom("document_versions as v")
    .innerJoin("documents as d", "d.id", "v.document_id")
    .select([
      "v.number",
      "v.author",
      "v.sections",
      "v.changed_sections",
      "v.restored_from",
      "v.created_at",
      "v.updated_at",
    ])
    .where("v.document_id", "=", documentId)
    .where("d.user_id", "=", ownerId)
    .where("v.number", "=", number)
    .executeTakeFirst();
}

/**
 * Makes version `number` the current text again; the restore is itself a new version (nothing is lost). `ownerId`
 * is the document's owner; `by` says who restores (the customer, or an admin for them). Restoring the text that is
 * already current changes nothing and makes no version (`unchanged`).
 */
export async function restoreVersion(
  db: DbOrTrx,
  restore: { documentId: string; ownerId: string; number: number; by: { author: "restore" | "admin"; userId: string } },
): Promise<
  | { ok: true; version: number; unchanged?: true; changed: number[] }
  | { ok: false; reason: "not_found" | "not_editable" }
> {
  return inTransaction(db, async (trx) => {
    const document = await lockEditable(trx, restore.documentId, restore.ownerId);
    if (!document.ok) return document;
    const latest = await ensureDeliveredVersion(trx, restore.documentId);
    const old = await getVersion(trx, restore.documentId, restore.ownerId, restore.number);
    if (!old) return { ok: false, reason: "not_found" };
    const current = await currentSections(trx, restore.documentId);
    const changed: number[] = [];
    for (const section of old.sections) {
      const now = current.find((s) => s.index === section.index);
      if (!now || now.content === section.content) continue;
      changed.push(section.index);
      await trx
        .updateTable("sections")
        .set({ content: section.content, revision: sql`revision + 1` })
        .where("document_id", "=", restore.documentId)
        .where("index", "=", section.index)
        .execute();
    }
    if (!changed.length) return { ok: true, version: latest, unchanged: true, changed };
    const version = await recordVersion(trx, restore.documentId, {
      author: restore.by.author,
      userId: restore.by.userId,
      changed,
      restoredFrom: restore.number,
      extendLatest: false,
    });
    await noteTextChanged(trx, restore.documentId);
    return { ok: true, version, changed };
  });
}

/** Deletes versions that are neither among their document's last VERSIONS_KEPT nor younger than VERSION_DAYS. */
export async function pruneDocumentVersions(db: DbOrTrx): Promise<number> {
  const result = await sql`
    delete from document_versions where id in (
      select id from (
        select id, created_at, row_number() over (partition by document_id order by number desc) as newest
        from document_versions
      ) ranked
      where newest > ${VERSIONS_KEPT} and created_at < now() - make_interval(days => ${VERSION_DAYS})
    )`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Locks the owner's document for a change of its text; refused when it is not theirs or not delivered. */
export async function lockEditable(trx: Transaction, documentId: string, ownerId: string) {
  if (!isUuid(documentId)) return { ok: false as const, reason: "not_found" as const };
  const document = await trx
    .selectFrom("documents")
    .select(["id", "status"])
    .where("id", "=", documentId)
    .where("user_id", "=", ownerId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!document) return { ok: false as const, reason: "not_found" as const };
  if (!EDITABLE.includes(document.status)) return { ok: false as const, reason: "not_editable" as const };
  return { ok: true as const };
}

async function unknownCitations(trx: Transaction, documentId: string, content: string): Promise<string[]> {
  const keys = citedKeys(content);
  if (!keys.length) return [];
  const known = await trx
    .selectFrom("sources")
    .select("key")
    .where("document_id", "=", documentId)
    .where("key", "in", keys)
    .execute();
  const found = new Set(known.map((k) => k.key));
  return keys.filter((k) => !found.has(k));
}

export async function currentSections(trx: DbOrTrx, documentId: string): Promise<VersionedSection[]> {
  const rows = await trx
    .selectFrom("sections")
    .select(["index", "heading", "content"])
    .where("document_id", "=", documentId)
    .orderBy("index")
    .execute();
  return rows.map((r) => ({ index: r.index, heading: r.heading, content: r.content ?? "" }));
}

/** Version 1 (the text as delivered) is made the first time the text is about to change; returns the latest number. */
export async function ensureDeliveredVersion(trx: Transaction, documentId: string): Promise<number> {
  const latest = await trx
    .selectFrom("document_versions")
    .select((eb) => eb.fn.max("number").as("number"))
    .where("document_id", "=", documentId)
    .executeTakeFirst();
  if (latest?.number) return latest.number;
  await trx
    .insertInto("document_versions")
    .values({
      document_id: documentId,
      number: 1,
      author: "delivery",
      sections: JSON.stringify(await currentSections(trx, documentId)),
    })
    .execute();
  return 1;
}

/**
 * The current text as a version: a customer's save within VERSION_PAUSE_MINUTES of their latest version extends it
 * (the sections it changed are added); anything else is a new version.
 */
export async function recordVersion(
  trx: Transaction,
  documentId: string,
  by: {
    author: VersionAuthor;
    userId: string | null;
    changed: number[];
    restoredFrom?: number;
    extendLatest?: boolean;
  },
): Promise<number> {
  const sections = JSON.stringify(await currentSections(trx, documentId));
  const latest = await trx
    .selectFrom("document_versions")
    .select(["id", "number", "author", "author_user_id", "changed_sections"])
    .select(sql<boolean>`updated_at > now() - make_interval(mins => ${VERSION_PAUSE_MINUTES})`.as("recent"))
    .where("document_id", "=", documentId)
    .orderBy("number", "desc")
    .limit(1)
    .executeTakeFirstOrThrow();
  const extend =
    by.extendLatest !== false &&
    by.author === "customer" &&
    latest.author === "customer" &&
    latest.author_user_id === by.userId &&
    latest.recent;
  if (extend) {
    await trx
      .updateTable("document_versions")
      .set({
        sections,
        changed_sections: [...new Set([...latest.changed_sections, ...by.changed])].sort((a, b) => a - b),
        updated_at: sql`now()`,
      })
      .where("id", "=", latest.id)
      .execute();
    return latest.number;
  }
  await trx
    .insertInto("document_versions")
    .values({
      document_id: documentId,
      number: latest.number + 1,
      author: by.author,
      author_user_id: by.userId,
      sections,
      changed_sections: by.changed,
      restored_from: by.restoredFrom ?? null,
    })
    .execute();
  return latest.number + 1;
}
