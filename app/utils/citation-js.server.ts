// citation-js with the three formats TesiGo reads and writes (BibTeX, RIS, CSL-JSON), loaded once. Every call names
// its input type: left to guess, citation-js would fetch a URL it was handed (a request from our server).
import { Cite } from "@citation-js/core";
import "@citation-js/plugin-bibtex";
import "@citation-js/plugin-ris";
import "@citation-js/plugin-csl";

export { Cite };

/** The input types we let citation-js parse: never its URL, DOI or Wikidata readers. */
export const CITE_INPUT = {
  bibtex: "@bibtex/text",
  ris: "@ris/file",
  cslList: "@csl/list+object",
} as const;

/** CSL-JSON read from `input` of exactly this type (throws what citation-js says when it cannot read it). */
export function parseAs(input: unknown, type: (typeof CITE_INPUT)[keyof typeof CITE_INPUT]) {
  return new Cite(input, { forceType: type, generateGraph: false }).data;
}
