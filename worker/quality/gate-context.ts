// A section's gate context: the document's sources and its other written sections, which the uniqueness gate compares
// the section with. A document's sections finish together, and each is compared with all its siblings: the context
// query sends each sibling's MD5 (Postgres keeps it, sections.content_md5) and only texts this worker does not know
// follow (decisions 014, 016, 017).
import { hash } from "node:crypto";
import { sql } from "kysely";
import type { DbOrTrx } from "../../app/utils/db.server";
import { allFulfilled, gatheringsBy } from "../gathering";
import { RecentMap } from "./common";
import type { GateContext } from "./types";

/** The key of `text` among the known texts: the hex MD5 of its UTF-8 bytes, as Postgres' md5(text). */
export function textKey(text: string): string {
  return hash("md5", text, "hex");
}

/** A source's text for the gates: its title and abstract, joined as `concat_ws('. ', nullif(title, ''), …)` would. */
export function sourceText(source: { title: string | null; abstract: string | null }): string {
  return [source.title, source.abstract].filter((part) => part !== null && part !== "").join(". ");
}

type SectionRow = { id: string; index: number; heading: string; hash: string };

/**
 * The texts the gates compared recently, by their MD5, and the context reads gathered per document: one per worker
 * (in its PipelineMachinery). A text changed since it was remembered has another MD5, so a stale one is never used.
 */
export class GateContexts {
  private readonly knownTexts = new RecentMap<string, string>(512);
  /**
   * A document's written sections, each with its text's hash: one statement for the checks that ask while another for
   * the same document is on its way (a document's sections finish together, and this runs for every attempt).
   */
  private readonly reads = gatheringsBy<DbOrTrx, string, SectionRow[]>(
    async (db, documentId, items) => {
      const { rows } = await sql<SectionRow>`
        select id, index, heading, content_md5 as hash from sections
        where document_id = ${documentId} and content_md5 is not null order by index`.execute(db);
      return allFulfilled(items.map(() => rows));
    },
    { afterTick: true },
  );

  /** Remembers a text the gates may meet again (a section about to be stored); `key`: its textKey, if known. */
  remember(text: string, key = textKey(text)): void {
    this.knownTexts.set(key, text);
  }

  /**
   * A gate's context for one section of a stored document: `sources` (the document's, as its job loaded them: they are
   * stored with the outline and never change after it) and its other written sections, as stored now.
   */
  async load(
    db: DbOrTrx,
    ids: { documentId: string; sectionId?: string },
    sources: readonly { key: string; title: string; text: string }[],
    extra: Pick<GateContext, "config" | "log" | "signal" | "topic" | "judge"> = {},
  ): Promise<GateContext> {
    const listed = await this.reads(db).add(ids.documentId, ids.sectionId ?? "");
    const sections = listed.filter((row) => row.id !== ids.sectionId);
    const texts = sections.map((row) => this.knownTexts.get(row.hash));
    const missing = sections.filter((_, i) => texts[i] === undefined).map((row) => row.id);
    if (missing.length) {
      // Texts this worker has not seen (another worker wrote them, or they left the cache): as stored now.
      const fetched = await sql<{ id: string; text: string }>`
        select id, content as text from sections where id = any(${missing}::uuid[]) and content is not null`.execute(
        db,
      );
      const byId = new Map(fetched.rows.map((row) => [row.id, row.text]));
      sections.forEach((row, i) => {
        if (texts[i] !== undefined) return;
        const text = byId.get(row.id);
        // Changed since the first query (a revision): compared as it is now; its old hash names another text.
        if (text !== undefined && textKey(text) === row.hash) this.remember(text, row.hash);
        texts[i] = text ?? "";
      });
    }
    return {
      db,
      sources: sources.map((s) => ({ key: s.key, title: s.title, text: s.text })),
      otherSections: sections.map((s, i) => ({ index: s.index, heading: s.heading, text: texts[i]! })),
      ...extra,
    };
  }
}
