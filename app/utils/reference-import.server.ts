// A customer's reference file (BibTeX, RIS or CSL-JSON) read by citation-js into entries we can store as sources:
// every entry that can be read is kept; one that cannot is named by its position (and key) with the reason.
import { z } from "zod";
import { message } from "../i18n/messages";
import { CITE_INPUT, parseAs } from "./citation-js.server";
import { normaliseDoi } from "./doi";
import { REFERENCES_MAX_BYTES, REFERENCES_MAX_ENTRIES } from "./reference-limits";

export type ReferenceFileFormat = "bibtex" | "ris" | "csl-json";

/** An entry kept: CSL-JSON with only the fields a bibliography uses (its `id` is set when it is stored). */
export type ImportedReference = {
  /** 1 = the file's first entry. */
  position: number;
  /** The entry's own key in the file (BibTeX key, RIS ID, CSL id), when it has one. */
  label: string | null;
  title: string;
  doi: string | null;
  year: number | null;
  csl: Record<string, unknown>;
};

/** An entry left out, and why: a message key (references namespace) with its values. */
export type RejectedReference = { position: number; label: string | null; reason: string };

export type ReferenceFile =
  | { format: ReferenceFileFormat; references: ImportedReference[]; rejected: RejectedReference[] }
  /** The whole file refused: a message key. */
  | { refusal: string };

/** The format a file's name says (.bib, .ris, .json), if it is one we read. */
export function referenceFileFormat(filename: string): ReferenceFileFormat | undefined {
  const extension = /\.([a-z]+)$/i.exec(filename)?.[1]?.toLowerCase();
  if (extension === "bib" || extension === "bibtex") return "bibtex";
  if (extension === "ris") return "ris";
  if (extension === "json") return "csl-json";
  return undefined;
}

/** Reads the file; never fetches anything (citation-js is told each input's type). */
export function readReferenceFile(filename: string, bytes: Uint8Array): ReferenceFile {
  const format = referenceFileFormat(filename);
  if (!format) return { refusal: message("references:refused.format") };
  if (bytes.byteLength > REFERENCES_MAX_BYTES)
    return { refusal: message("references:refused.tooLarge", { kilobytes: REFERENCES_MAX_BYTES / 1024 }) };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return { refusal: message("references:refused.notText") };
  }
  const read = format === "bibtex" ? readBibtex(text) : format === "ris" ? readRis(text) : readCslJson(text);
  if ("refusal" in read) return read;
  if (read.length === 0) return { refusal: message("references:refused.empty") };
  if (read.length > REFERENCES_MAX_ENTRIES)
    return { refusal: message("references:refused.tooMany", { entries: read.length, max: REFERENCES_MAX_ENTRIES }) };
  const references: ImportedReference[] = [];
  const rejected: RejectedReference[] = [];
  read.forEach((entry, i) => {
    const position = i + 1;
    if ("error" in entry) {
      rejected.push({ position, label: entry.label, reason: entry.error });
      return;
    }
    const checked = checkEntry(entry.csl);
    const label = entry.label ?? labelOf(entry.csl);
    if (typeof checked === "string") rejected.push({ position, label, reason: checked });
    else references.push({ position, label, ...checked });
  });
  return { format, references, rejected };
}

type ReadEntry = { csl: Record<string, unknown>; label: string | null } | { error: string; label: string | null };

/**
 * BibTeX: the whole file at once (so @string abbreviations apply); when citation-js cannot read it, entry by entry
 * (each with the file's @string and @preamble parts), so one broken entry costs only itself.
 */
function readBibtex(text: string): ReadEntry[] | { refusal: string } {
  try {
    return parseAs(text, CITE_INPUT.bibtex).map((csl) => ({ csl, label: null }));
  } catch {
    // read entry by entry below
  }
  const chunks = text.split(/^(?=[ \t]*@)/m).filter((chunk) => /^\s*@/.test(chunk));
  const shared = chunks.filter((chunk) => /^\s*@(string|preamble)\s*[{(]/i.test(chunk)).join("\n");
  return chunks
    .filter((chunk) => !/^\s*@(string|preamble|comment)\s*[{(]/i.test(chunk))
    .map((chunk): ReadEntry => {
      const label = /^\s*@\w+\s*[{(]\s*([^,\s{}()]+)\s*,/.exec(chunk)?.[1]?.slice(0, 80) ?? null;
      try {
        const [csl, ...more] = parseAs(`${shared}\n${chunk}`, CITE_INPUT.bibtex);
        if (!csl || more.length) return { error: message("references:rejected.unreadable"), label };
        return { csl, label };
      } catch (error) {
        return { error: message("references:rejected.syntax", { detail: firstLine(error) }), label };
      }
    });
}

/** RIS: record by record (TY … ER), each read by citation-js. */
function readRis(text: string): ReadEntry[] {
  const records = text
    .split(/^ER {2}-.*$/m)
    .filter((record) => /^[A-Z][A-Z0-9] {2}-/m.test(record))
    .map((record) => `${record.trim()}\nER  - \n`);
  return records.map((record): ReadEntry => {
    const label = /^ID {2}- *(.+)$/m.exec(record)?.[1]?.trim().slice(0, 80) || null;
    if (!/^TY {2}- *\S/.test(record)) return { error: message("references:rejected.risType"), label };
    try {
      const [csl, ...more] = parseAs(record, CITE_INPUT.ris);
      if (!csl || more.length) return { error: message("references:rejected.unreadable"), label };
      return { csl, label };
    } catch (error) {
      return { error: message("references:rejected.syntax", { detail: firstLine(error) }), label };
    }
  });
}

/** CSL-JSON: an array of items (or one item); each must be an object, read by citation-js on its own. */
function readCslJson(text: string): ReadEntry[] | { refusal: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { refusal: message("references:refused.json", { detail: firstLine(error) }) };
  }
  const items = Array.isArray(data) ? data : [data];
  return items.map((item): ReadEntry => {
    const label = item && typeof item === "object" && "id" in item ? String(item.id).slice(0, 80) : null;
    if (!item || typeof item !== "object" || Array.isArray(item))
      return { error: message("references:rejected.notAnItem"), label };
    try {
      const [csl] = parseAs([item], CITE_INPUT.cslList);
      return csl ? { csl, label } : { error: message("references:rejected.unreadable"), label };
    } catch (error) {
      return { error: message("references:rejected.syntax", { detail: firstLine(error) }), label };
    }
  });
}

function labelOf(csl: Record<string, unknown>): string | null {
  const key = csl["citation-key"] ?? csl.id;
  // citation-js names an entry without an id "temp_id_…": not the customer's.
  return typeof key === "string" && key && !key.startsWith("temp_id_") ? key.slice(0, 80) : null;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error))
    .split("\n")[0]!
    .replace(/ at line \d+ col \d+:?$/, "")
    .slice(0, 160);
}

// Text as a bibliography shows it: no control characters, one space between words, cut at a length no field needs.
const text = (max: number) =>
  z.string().transform((s) =>
    s
      .replace(/[\u0000-\u001f\u007f]+/g, " ")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, max),
  );
const optionalText = (max: number) =>
  z
    .union([z.number().transform(String), z.string()])
    .pipe(text(max))
    .optional();

const nameSchema = z
  .object({
    family: optionalText(200),
    given: optionalText(200),
    literal: optionalText(300),
    "non-dropping-particle": optionalText(50),
    "dropping-particle": optionalText(50),
  })
  .transform((name) => {
    const family = [name["dropping-particle"], name["non-dropping-particle"], name.family].filter(Boolean).join(" ");
    if (family) return name.given ? { family, given: name.given } : { family };
    return name.literal ? { literal: name.literal } : null;
  });

const entrySchema = z.object({
  type: z
    .string()
    .regex(/^[a-z-]{2,40}$/)
    .catch("article"),
  title: z.string().pipe(text(1000)).catch(""),
  author: z.array(nameSchema).max(500).optional().catch(undefined),
  editor: z.array(nameSchema).max(100).optional().catch(undefined),
  issued: z
    .object({ "date-parts": z.array(z.array(z.union([z.number(), z.string()]))).min(1) })
    .optional()
    .catch(undefined),
  "container-title": optionalText(500).catch(undefined),
  volume: optionalText(50).catch(undefined),
  issue: optionalText(50).catch(undefined),
  page: optionalText(50).catch(undefined),
  publisher: optionalText(300).catch(undefined),
  "publisher-place": optionalText(200).catch(undefined),
  edition: optionalText(50).catch(undefined),
  ISBN: optionalText(100).catch(undefined),
  ISSN: optionalText(100).catch(undefined),
  URL: optionalText(2000).catch(undefined),
  abstract: optionalText(10_000).catch(undefined),
  DOI: z.unknown().optional(),
});

/** The entry as we store it, or why it cannot be used (a message key). */
function checkEntry(csl: Record<string, unknown>): Omit<ImportedReference, "position" | "label"> | string {
  const entry = entrySchema.parse(csl);
  if (!entry.title) return message("references:rejected.noTitle");
  const doi = entry.DOI === undefined || entry.DOI === "" ? null : normaliseDoi(entry.DOI);
  if (entry.DOI !== undefined && entry.DOI !== "" && !doi)
    return message("references:rejected.badDoi", { doi: String(entry.DOI).slice(0, 80) });
  const yearPart = Number(entry.issued?.["date-parts"][0]?.[0]);
  const year = Number.isInteger(yearPart) && yearPart >= 1000 && yearPart <= 2100 ? yearPart : null;
  const { DOI: _doi, issued: _issued, author, editor, ...fields } = entry;
  const names = (list: typeof author) => list?.filter((name) => name !== null);
  const kept: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (names(author)?.length) kept.author = names(author);
  if (names(editor)?.length) kept.editor = names(editor);
  if (year !== null) kept.issued = { "date-parts": [[year]] };
  if (doi) kept.DOI = doi;
  return { title: entry.title, doi, year, csl: kept };
}
