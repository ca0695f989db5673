// citeproc-js as TesiGo uses it: the part of its API we call, and an engine built for an order's style and locale
// (the style corrected where we correct it). Rendering with it is bibliography.ts'.
import { createRequire } from "node:module";
import type { CitationStyle } from "../../app/utils/catalog";
import { loadOrderStyle } from "./csl-corrections";
import { cslLocaleFor, hasLocale, loadLocale, type CslNode } from "./csl-styles";

/** An item in CSL-JSON, as citeproc reads it. */
export type CiteprocItem = { id: string; type: string } & Record<string, unknown>;

export type CiteprocCitation = {
  citationID: string;
  citationItems: Array<Record<string, unknown> & { id: string }>;
  properties: { noteIndex: number };
};
export type OutputFormat = "text" | "html";
export type CiteprocEngine = {
  setOutputFormat(format: OutputFormat): void;
  restoreProcessorState(citations: []): unknown;
  rebuildProcessorState(
    citations: CiteprocCitation[],
    mode: OutputFormat,
    uncitedItemIds: string[],
  ): Array<[string, number, string]>;
  updateItems(ids: string[]): string[];
  makeBibliography(): false | [{ entry_ids: string[][] }, string[]];
  opt: { update_mode: number };
  registry: { reflist: Array<{ id: string; seq: number; ambig: unknown; disambig: unknown; sortkeys: unknown }> };
  bibliography_sort: { tokens: unknown[] };
  disambiguate: { modes: string[] };
};
type CiteprocSys = {
  retrieveLocale(lang: string): CslNode | undefined;
  retrieveItem(id: string): CiteprocItem | undefined;
  print?(message: string): void;
};
type Citeproc = {
  Engine: new (sys: CiteprocSys, style: CslNode, lang: string, forceLang: boolean) => CiteprocEngine;
  debug: (message: string) => void;
  POSITION: number;
};

const CSL = createRequire(import.meta.url)("citeproc") as Citeproc;

// citeproc reports through CSL.debug (console.log by default); keep its words with the render that caused them.
let warningSink: string[] | undefined;
CSL.debug = (message: string) => void warningSink?.push(String(message));

/** Runs `render` with what citeproc reports meanwhile added to `warnings`. */
export function withWarnings<T>(warnings: string[], render: () => T): T {
  warningSink = warnings;
  try {
    return render();
  } finally {
    warningSink = undefined;
  }
}

/** citeproc's update mode for styles whose citations follow their position (ibid, subsequent forms). */
export const CSL_POSITION_MODE = CSL.POSITION;

export type Render = Pick<CiteprocSys, "retrieveItem" | "print">;
export type Holding = { items: string; ids: string };
export type Built = {
  key: string;
  engine: CiteprocEngine;
  /** What this render's items and messages go to: the engine's sys reads it at each call. */
  render: Render;
  /** The style's citations change with their position (CSL `position` conditions, et-al-subsequent-* options). */
  positionDependent: boolean;
  /**
   * What the engine's registry holds: the digest of the items it read them from (citeproc keeps items by id, and two
   * documents can give one key different data) and their keys. Unset when it must be emptied before its next use.
   */
  holds?: Holding;
  /** The last bibliography made, with the items (digest) and the registry state it was made from. */
  made?: { items: string; state: string; plain: Bibliography; html?: string[] };
  /** The style numbers its citations (`citation-number`): a citation's text depends on the order of first citation. */
  numeric: boolean;
  /** What the last full render gave (see `prepared`). */
  lastRender?: PreparedRender;
  /**
   * The render made while preparing (every source cited once, alone): its single-source citations and bibliography
   * are what a delivery citing every source, each alone, gets in a style whose citations depend only on the set of
   * sources cited (neither numbered nor position dependent).
   */
  prepared?: PreparedRender;
};
export type PreparedRender = {
  items: string;
  keys: string;
  clusters: Map<string, string>;
  plain: Bibliography;
  html?: string[];
  warnings: string[];
};
export type Bibliography = { ids: string[]; entries: string[] };

export function buildEngine(styleCode: CitationStyle, language: string): Built {
  const style = loadOrderStyle(styleCode, language);
  const render: Render = { retrieveItem: () => undefined };
  const sys: CiteprocSys = {
    retrieveLocale: (lang) => (hasLocale(lang) ? loadLocale(lang) : undefined),
    retrieveItem: (id) => render.retrieveItem(id),
    print: (message) => render.print?.(message),
  };
  return {
    key: `${styleCode}:${language}`,
    engine: new CSL.Engine(sys, structuredClone(style), cslLocaleFor(styleCode, language), true),
    render,
    positionDependent: /"position"|et-al-subsequent/.test(JSON.stringify(style)),
    numeric: /"citation-number"/.test(JSON.stringify(style)),
  };
}
