// A document's bibliography as files a reference manager imports (Zotero, Mendeley, EndNote): BibTeX, RIS and
// CSL-JSON, written by citation-js from the stored CSL-JSON of the sources the text cites.
import { CITE_INPUT, Cite } from "./citation-js.server";

export const REFERENCE_FORMATS = {
  bib: { type: "application/x-bibtex; charset=utf-8" },
  ris: { type: "application/x-research-info-systems; charset=utf-8" },
  json: { type: "application/vnd.citationstyles.csl+json; charset=utf-8" },
} as const;
export type ReferenceFormat = keyof typeof REFERENCE_FORMATS;

/** The format a URL names, if it is one of ours (never an inherited name such as "constructor"). */
export function referenceFormat(name: string | undefined): ReferenceFormat | undefined {
  return name && Object.hasOwn(REFERENCE_FORMATS, name) ? (name as ReferenceFormat) : undefined;
}

/** CSL-JSON items (`id` is the key the text cites) in one of the formats. */
export function formatReferences(items: readonly Record<string, unknown>[], format: ReferenceFormat): string {
  // The BibTeX entries keep the document's keys as their labels.
  const cite = new Cite(
    items.map((item) => ({ ...item, "citation-key": item.id })),
    { forceType: CITE_INPUT.cslList, generateGraph: false },
  );
  if (format === "bib") return cite.format("bibtex");
  if (format === "json") return cite.format("data", { format: "text" });
  return risText(cite.format("ris", { format: "object" }));
}

/**
 * citation-js' RIS records as lines. Its own text output breaks every value after 70 characters with a bare newline,
 * which importers read as a different title ("…adaptatio n in…"): the tags are citation-js', one value per line.
 */
function risText(records: Record<string, string | string[]>[]): string {
  return records
    .map((record) => {
      const lines = [`TY  - ${record.TY}`];
      for (const [tag, value] of Object.entries(record)) {
        if (tag === "TY") continue;
        for (const one of [value].flat()) lines.push(`${tag}  - ${String(one).replace(/\s+/g, " ").trim()}`);
      }
      lines.push("ER  - ");
      return lines.join("\r\n");
    })
    .join("\r\n\r\n")
    .concat("\r\n");
}
