// What the versions pages show of a delivered document (the customer's, and an admin's for any document): the
// versions newest first with the headings of the sections each changed, and one version's text against the current
// one. Until the text first changes there is no version row (decision 034): the delivered text stands as version 1.
import { z } from "zod";
import type { VersionAuthor } from "../../db/schema";
import type { DbOrTrx } from "../utils/db.server";
import { formatDateTime, formatTimeAgo } from "../utils/format";
import { diffSections } from "../utils/version-diff.server";
import { currentSections, EDITABLE, getVersion, listVersions } from "./document-versions.server";
import { isUuid } from "./documents.server";

export type VersionEntry = {
  number: number;
  author: VersionAuthor;
  restoredFrom: number | null;
  /** When the version's text was last written (a customer's saves a few minutes apart extend one version). */
  at: Date;
  changedHeadings: string[];
};

/** The owner's document, as the versions pages name it; undefined when it is not theirs (or no document). */
async function documentOf(db: DbOrTrx, documentId: string, ownerId: string) {
  if (!isUuid(documentId)) return undefined;
  const document = await db
    .selectFrom("documents")
    .select(["id", "topic", "status", "completed_at", "created_at"])
    .where("id", "=", documentId)
    .where("user_id", "=", ownerId)
    .executeTakeFirst();
  if (!document) return undefined;
  return { ...document, editable: EDITABLE.includes(document.status) };
}

/** Whose document this is (for an admin, who may open any); undefined for no document. */
export async function ownerOfDocument(db: DbOrTrx, documentId: string): Promise<string | undefined> {
  if (!isUuid(documentId)) return undefined;
  const row = await db.selectFrom("documents").select("user_id").where("id", "=", documentId).executeTakeFirst();
  return row?.user_id;
}

/** The delivered text as version 1 before any change made it a row. */
function deliveredEntry(document: { completed_at: Date | null; created_at: Date }): VersionEntry {
  return {
    number: 1,
    author: "delivery",
    restoredFrom: null,
    at: document.completed_at ?? document.created_at,
    changedHeadings: [],
  };
}

/** The owner's document and its versions, newest first; undefined when the document is not theirs. */
export async function versionHistory(db: DbOrTrx, documentId: string, ownerId: string) {
  const document = await documentOf(db, documentId, ownerId);
  if (!document) return undefined;
  const versions = (await listVersions(db, documentId, ownerId)) ?? [];
  const headings = new Map((await currentSections(db, documentId)).map((s) => [s.index, s.heading]));
  const entries: VersionEntry[] = versions.map((v) => ({
    number: v.number,
    author: v.author,
    restoredFrom: v.restored_from,
    // The delivered text was delivered when the order was, not when its first change made it a row.
    at: v.author === "delivery" ? (document.completed_at ?? v.created_at) : v.updated_at,
    changedHeadings: v.changed_sections.map((index) => headings.get(index) ?? String(index + 1)),
  }));
  if (!entries.length && document.editable) entries.push(deliveredEntry(document));
  return { document, entries };
}

/**
 * Version `number` of the owner's document against its current text, section by section; undefined when there is
 * no such version of their document.
 */
export async function versionComparison(db: DbOrTrx, documentId: string, ownerId: string, number: number) {
  const history = await versionHistory(db, documentId, ownerId);
  const entry = history?.entries.find((e) => e.number === number);
  if (!history || !entry) return undefined;
  const current = await currentSections(db, documentId);
  const stored = await getVersion(db, documentId, ownerId, number);
  const sections = diffSections(stored?.sections ?? current, current);
  return {
    document: history.document,
    version: entry,
    latest: history.entries[0]!.number,
    sameAsCurrent: sections.every((s) => s.change === "unchanged"),
    sections,
  };
}

/** The list's rows as the page shows them: times written in the reader's language, relative to now. */
export function versionRows(entries: VersionEntry[], locale: string, now = new Date()) {
  return entries.map((e) => ({
    number: e.number,
    author: e.author,
    restoredFrom: e.restoredFrom,
    at: e.at.toISOString(),
    ago: formatTimeAgo(e.at, now, locale),
    exact: formatDateTime(e.at, locale),
    changedHeadings: e.changedHeadings,
  }));
}

/** What a restore sends the reader back to the list with (`?restored=3&from=1`, `?unchanged=2`); else null. */
const noticeSchema = z.union([
  z.object({ restored: z.coerce.number().int().positive(), from: z.coerce.number().int().positive() }),
  z.object({ unchanged: z.coerce.number().int().positive() }),
]);

export function restoreNotice(url: URL): z.infer<typeof noticeSchema> | null {
  const notice = noticeSchema.safeParse(Object.fromEntries(url.searchParams));
  return notice.success ? notice.data : null;
}

/** The list's address a restore sends the reader back to, saying what happened. */
export function afterRestore(list: string, number: number, restored: { version: number; unchanged?: true }) {
  return restored.unchanged ? `${list}?unchanged=${number}` : `${list}?restored=${restored.version}&from=${number}`;
}
