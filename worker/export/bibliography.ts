// In-text citations and the bibliography of a document, rendered by citeproc-js in the order's style and locale.
import { createRequire } from "node:module";
import type { CitationStyle } from "../../app/utils/pricing";
import { parseCitationClusters, type CitationRef } from "./citations";
import { cslLocaleFor, hasLocale, loadLocale, loadOrderStyle, type CslNode } from "./csl-styles.server";

/** A source in CSL-JSON; `id` is our source key, the one sections cite as [@key]. */
export type CslItem = { id: string; type: string } & Record<string, unknown>;

export type RenderCitationsInput = {
  styleCode: CitationStyle;
  language: string;
  items: CslItem[];
  /** Section texts in document order, citing by [@key]. */
  sections: string[];
  /** Also the bibliography as citeproc HTML (a second rendering, so only on request). */
  html?: boolean;
};

export type RenderedCitations = {
  /** The sections with every [@…] cluster replaced by the style's in-text form (plain text). */
  sections: string[];
  bibliography: {
    /** Keys of the cited sources, in the order of the entries. */
    ids: string[];
    /** One plain-text entry per cited source, in the style's order. */
    entries: string[];
    /** With `html`: the same entries as citeproc HTML (`<div class="csl-entry">…</div>`), with the style's italics. */
    html?: string[];
  };
  /** What citeproc reported while rendering (it never stops for these). */
  warnings: string[];
};

type CiteprocCitation = {
  citationID: string;
  citationItems: Array<Record<string, unknown> & { id: string }>;
  properties: { noteIndex: number };
};
type CiteprocEngine = {
  setOutputFormat(format: "text" | "html"): void;
  restoreProcessorState(citations: []): unknown;
  rebuildProcessorState(citations: CiteprocCitation[], mode: "text" | "html", uncitedItemIds: string[]): Array<[string, number, string]>;
  makeBibliography(): false | [{ entry_ids: string[][] }, string[]];
};
type CiteprocSys = {
  retrieveLocale(lang: string): CslNode | undefined;
  retrieveItem(id: string): CslItem | undefined;
  print?(message: string): void;
};
type Citeproc = {
  Engine: new (sys: CiteprocSys, style: CslNode, lang: string, forceLang: boolean) => CiteprocEngine;
  debug: (message: string) => void;
};

const CSL = createRequire(import.meta.url)("citeproc") as Citeproc;

// citeproc reports through CSL.debug (console.log by default); keep its words with the render that caused them.
let warningSink: string[] | undefined;
CSL.debug = (message: string) => void warningSink?.push(String(message));

type Render = Pick<CiteprocSys, "retrieveItem" | "print">;
type Built = {
  key: string;
  engine: CiteprocEngine;
  /** What this render's items and messages go to: the engine's sys reads it at each call. */
  render: Render;
  /** The style's citations change with their position (CSL `position` conditions, et-al-subsequent-* options). */
  positionDependent: boolean;
};
/** The last engine built: building one takes ~0.1 s, and APA's alone holds ~35 MB, so only one is kept. */
let built: Built | undefined;

/**
 * The engine for the style and language, emptied (citeproc's documented reset: no items, no citations, no
 * disambiguation state) and reading this render's items. Renders are synchronous, so one engine serves one at a time.
 */
function engineFor(styleCode: CitationStyle, language: string, render: Render): Built {
  const key = `${styleCode}:${language}`;
  if (built?.key !== key) {
    const style = loadOrderStyle(styleCode, language);
    const current: Render = { ...render };
    const sys: CiteprocSys = {
      retrieveLocale: (lang) => (hasLocale(lang) ? loadLocale(lang) : undefined),
      retrieveItem: (id) => current.retrieveItem(id),
      print: (message) => current.print?.(message),
    };
    built = {
      key,
      engine: new CSL.Engine(sys, structuredClone(style), cslLocaleFor(styleCode, language), true),
      render: current,
      positionDependent: /"position"|et-al-subsequent/.test(JSON.stringify(style)),
    };
  }
  Object.assign(built.render, render);
  built.engine.restoreProcessorState([]);
  return built;
}

/**
 * Renders the in-text citations of the sections and the bibliography of exactly the sources they cite.
 * Numbering (IEEE, GOST numeric: order of first citation) and disambiguation (Smith 2020a/b, added initials) are
 * those of the whole document.
 * Throws on a key with no item: the writer's citation check (citations.ts) must have removed it.
 */
export function renderCitations({ styleCode, language, items, sections, html: withHtml }: RenderCitationsInput): RenderedCitations {
  const byId = new Map(items.map((item) => [item.id, item]));
  const clustersBySection = sections.map((text) => parseCitationClusters(text));
  const unknown = [...new Set(clustersBySection.flat().flatMap((c) => c.refs.map((r) => r.key)))].filter((k) => !byId.has(k));
  if (unknown.length) throw new Error(`Citations without a source: ${unknown.map((k) => `@${k}`).join(", ")}`);

  const warnings: string[] = [];
  warningSink = warnings;
  try {
    const { engine, positionDependent } = engineFor(styleCode, language, {
      // citeproc may annotate what it is given; it gets copies.
      retrieveItem: (id) => {
        const item = byId.get(id);
        return item && structuredClone(item);
      },
      print: (message) => warnings.push(message),
    });
    engine.setOutputFormat("text");

    // All clusters at once, in document order: citeproc registers every item first and then numbers (IEEE, GOST
    // numeric: order of first citation) and disambiguates (Smith 2020a/b, added initials) over the whole document.
    // A cluster repeated word for word renders the same everywhere unless the style looks at a citation's position
    // (ibid, "subsequent" forms), so it is rendered once: a 100-page document cites the same few dozen clusters
    // hundreds of times.
    const repeatsRenderAlike = !positionDependent;
    const clusterIds = new Map<string, string>();
    const citations: CiteprocCitation[] = [];
    const idOf = clustersBySection.map((clusters, s) =>
      clusters.map((cluster, c) => {
        const citationItems = cluster.refs.map(toCiteprocItem);
        const same = JSON.stringify(citationItems);
        const existing = repeatsRenderAlike ? clusterIds.get(same) : undefined;
        if (existing) return existing;
        const citationID = `s${s}c${c}`;
        clusterIds.set(same, citationID);
        citations.push({ citationID, citationItems, properties: { noteIndex: 0 } });
        return citationID;
      }),
    );
    const rendered = new Map(engine.rebuildProcessorState(citations, "text", []).map(([id, , text]) => [id, text]));

    const renderedSections = sections.map((text, s) => {
      let out = "";
      let last = 0;
      clustersBySection[s].forEach((cluster, c) => {
        out += text.slice(last, cluster.start) + (rendered.get(idOf[s][c]) ?? "");
        last = cluster.end;
      });
      return out + text.slice(last);
    });

    const plain = bibliography(engine);
    let html: string[] | undefined;
    if (withHtml) {
      engine.setOutputFormat("html");
      html = bibliography(engine).entries;
    }
    return {
      sections: renderedSections,
      bibliography: { ids: plain.ids, entries: plain.entries, ...(html ? { html } : {}) },
      warnings,
    };
  } finally {
    warningSink = undefined;
  }
}

function toCiteprocItem(ref: CitationRef): Record<string, unknown> & { id: string } {
  return {
    id: ref.key,
    ...(ref.locator ? { locator: ref.locator, label: ref.label ?? "page" } : {}),
    ...(ref.prefix ? { prefix: `${ref.prefix} ` } : {}),
    ...(ref.suffix ? { suffix: `, ${ref.suffix}` } : {}),
    ...(ref.suppressAuthor ? { "suppress-author": true } : {}),
  };
}

function bibliography(engine: CiteprocEngine): { ids: string[]; entries: string[] } {
  const made = engine.makeBibliography();
  if (!made) return { ids: [], entries: [] };
  const [meta, entries] = made;
  return { ids: meta.entry_ids.map((ids) => ids[0]), entries: entries.map((e) => e.trim()) };
}
