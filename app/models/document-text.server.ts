import { LRUCache } from "lru-cache";
import type { DbOrTrx } from "../utils/db.server";
import {
  partOfSection,
  partsOf,
  sectionAnchor,
  type TextPart,
  type TextSection,
  sectionsOf,
} from "../utils/document-parts";

/** A delivered text, parsed once: its sections and how they group into parts, as of one version of the text. */
export type DocumentText = {
  /** documents.content_md5 of the text parsed here. */
  version: string;
  sections: TextSection[];
  parts: TextPart[];
  outline: DocumentTextPage["outline"];
  /** content.length: what the text weighs in the cache. */
  characters: number;
};

/** What the document page shows of its text: every heading (the outline) and one part's sections in full. */
export type DocumentTextPage = {
  outline: Array<{ heading: string; part: number; anchor: string }>;
  part: { number: number; total: number; sections: Array<{ heading: string; anchor: string; paragraphs: string[] }> };
};

/** Characters of delivered texts one web process keeps parsed (≈ 16 MB as strings, 20 200-page documents or more). */
export const DOCUMENT_TEXT_CACHE_CHARACTERS = 8_000_000;

/** Parsed texts by document, the least recently read leaving first once their characters pass the cap. */
export class DocumentTextCache {
  private readonly texts: LRUCache<string, DocumentText>;

  constructor(maxCharacters = DOCUMENT_TEXT_CACHE_CHARACTERS) {
    this.texts = new LRUCache({ maxSize: maxCharacters, sizeCalculation: (text) => Math.max(1, text.characters) });
  }

  /** The text of that version, now the most recently read; none when the copy here is of another version. */
  get(documentId: string, version: string): DocumentText | undefined {
    const text = this.texts.get(documentId);
    return text?.version === version ? text : undefined;
  }

  /** Keeps the text (one longer than the whole cap is not kept). */
  set(documentId: string, text: DocumentText): void {
    this.texts.set(documentId, text);
  }

  get size(): number {
    return this.texts.size;
  }
}

const processCache = new DocumentTextCache();

/**
 * The delivered text of a document as of `version` (its content_md5, read with the page's row): this process' parsed
 * copy when it is of that version, else the text read from Postgres — the only read of `content` — and parsed once.
 * A text changed since (another process, an edit) is never served from an older copy: its hash differs.
 */
export async function readDocumentText(
  db: DbOrTrx,
  documentId: string,
  version: string,
  cache: DocumentTextCache = processCache,
): Promise<DocumentText | undefined> {
  const cached = cache.get(documentId, version);
  if (cached) return cached;
  const row = await db
    .selectFrom("documents")
    .select(["content", "content_md5"])
    .where("id", "=", documentId)
    .executeTakeFirst();
  if (!row?.content || !row.content_md5) return undefined;
  const sections = sectionsOf(row.content);
  // Keyed by the hash read with the text itself: a text changed between the two reads is stored as what it is.
  const parts = partsOf(sections);
  const outline = sections.map((s, index) => ({
    heading: s.heading,
    part: partOfSection(parts, index),
    anchor: sectionAnchor(index),
  }));
  const text = { version: row.content_md5, sections, parts, outline, characters: row.content.length };
  cache.set(documentId, text);
  return text;
}

/** The outline and part `number` of a text; undefined when the text has no such part. */
export function documentTextPage(text: DocumentText, number: number): DocumentTextPage | undefined {
  const part = text.parts[number - 1];
  if (!part) return undefined;
  return {
    outline: text.outline,
    part: {
      number,
      total: text.parts.length,
      sections: text.sections
        .slice(part.first, part.last + 1)
        .map((s, i) => ({ heading: s.heading, anchor: sectionAnchor(part.first + i), paragraphs: s.paragraphs })),
    },
  };
}
