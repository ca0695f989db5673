// In-text citations and the bibliography of a document, rendered by citeproc-js in the order's style and locale.
import { createHash } from "node:crypto";
import type { CitationStyle } from "../../app/utils/catalog";
import { parseCitationClusters, type CitationRef } from "./citations";
import {
  buildEngine,
  CSL_POSITION_MODE,
  withWarnings,
  type Bibliography,
  type Built,
  type CiteprocCitation,
  type CiteprocEngine,
  type CiteprocItem,
  type Holding,
  type Render,
} from "./citeproc";

/** A source in CSL-JSON; `id` is our source key, the one sections cite as [@key]. */
export type CslItem = CiteprocItem;

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
  /** What citeproc reported while rendering (it never stops for these); on a prepared engine, not what it said then. */
  warnings: string[];
};

/**
 * Empties the engine (citeproc's documented reset: no items, no citations, no disambiguation state) unless it holds
 * exactly these items, read from the same data, and nothing else: dropping items leaves traces in a registry (initials
 * added for a namesake who is gone), and so do citations and bibliographies. Until it is prepared again, the engine
 * is emptied before each use (so also after a failure halfway).
 */
function holdOnly(b: Built, holding: Holding | undefined): boolean {
  const held = !!holding && b.holds?.items === holding.items && b.holds.ids === holding.ids;
  if (!held) b.engine.restoreProcessorState([]);
  b.holds = undefined;
  return held;
}

function holdingOf(items: readonly CslItem[], ids: readonly string[]): Holding {
  return { items: digestOf(items), ids: [...ids].sort().join("\n") };
}

/** The items' data in one digest, whatever the order of the items and of their fields (the database reorders them). */
function digestOf(items: readonly CslItem[]): string {
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return createHash("sha1").update(JSON.stringify(sorted, sortedFields)).digest("hex");
}

function sortedFields(_key: string, value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The same rendering on an engine of its own, built for this call and emptied by citeproc's full rebuild, as every
 * render was before engines kept their items: what the tests hold CitationEngine.render to.
 */
export function renderCitationsFresh(input: RenderCitationsInput): RenderedCitations {
  return renderWith(
    () => {
      const own = buildEngine(input.styleCode, input.language);
      Object.assign(own.render, itemsOf(input.items));
      return own;
    },
    input,
    false,
  );
}

/**
 * The citation engine a worker keeps between renders (in its PipelineMachinery): the last engine built (building one
 * takes ~0.1 s, and APA's alone holds ~35 MB, so only one is kept), with the sources a document registered while its
 * sections were written and the render made then (decisions 015 and 016). Renders are synchronous, so one engine
 * serves one at a time.
 */
export class CitationEngine {
  private built: Built | undefined;

  /**
   * Renders the in-text citations of the sections and the bibliography of exactly the sources they cite.
   * Numbering (IEEE, GOST numeric: order of first citation) and disambiguation (Smith 2020a/b, added initials) are
   * those of the whole document.
   * Throws on a key with no item: the writer's citation check (citations.ts) must have removed it.
   */
  render(input: RenderCitationsInput): RenderedCitations {
    return renderWith(() => this.engineFor(input.styleCode, input.language, itemsOf(input.items)), input, true);
  }

  /**
   * Registers the sources with the engine for the style and language while the document's sections are being
   * written: registering (sorting, disambiguating) is most of a render's cost, and a render that cites exactly these
   * sources only reorders them in order of first citation. Changes no rendering: any other render empties the engine
   * first.
   */
  prepare({ styleCode, language, items }: Pick<RenderCitationsInput, "styleCode" | "language" | "items">): void {
    // Every source rendered once (the engine is emptied after): citeproc's code is compiled for the delivery, and the
    // bibliography is kept for one that cites every source; so are the citations, for one that cites each alone.
    if (this.built?.key === `${styleCode}:${language}`) this.built.prepared = undefined; // rendered in full below, not from it
    this.render({ styleCode, language, items, sections: [items.map((item) => `[@${item.id}]`).join(" ")] });
    const render = this.built?.lastRender;
    const warnings: string[] = [];
    withWarnings(warnings, () => {
      const b = this.engineFor(styleCode, language, { ...itemsOf(items), print: (message) => warnings.push(message) });
      b.prepared = undefined;
      if (!keepsItems(b)) return;
      const ids = [...new Set(items.map((item) => item.id))];
      const holding = holdingOf(items, ids);
      holdOnly(b, holding);
      b.engine.setOutputFormat("text");
      b.engine.updateItems(ids);
      // No bibliography here: one made before the citations changes them (initials added to names).
      if (orderFree(b.engine)) {
        b.holds = holding;
        // Sources that sort apart get their letters (2020a/b) whatever the order they are cited in: the render above
        // is what a delivery citing every source, each alone, gets.
        if (render?.items === holding.items && render.keys === [...ids].sort().join("\n")) b.prepared = render;
      }
    });
  }

  /** The kept engine for the style and language, reading this render's items. */
  private engineFor(styleCode: CitationStyle, language: string, render: Render): Built {
    if (this.built?.key !== `${styleCode}:${language}`) this.built = buildEngine(styleCode, language);
    Object.assign(this.built.render, render);
    return this.built;
  }
}

/**
 * Whether the registry would be the same had its items come in another order, as the delivery's first citations will.
 * Items the style's sort leaves tied (GOST author-date sorts by author and year only) are ordered, and given their
 * year letters, by when they came; so are all items in a style without a sort, which is only safe without
 * disambiguation (IEEE, GOST numeric: numbered by first citation, which each render sets again).
 */
function orderFree(engine: CiteprocEngine): boolean {
  if (!engine.bibliography_sort.tokens.length) return !engine.disambiguate.modes.length;
  const keys = engine.registry.reflist.map((t) => JSON.stringify(t.sortkeys));
  return new Set(keys).size === keys.length;
}

/** A style that looks at positions (ibid, "subsequent" forms) always starts empty: citeproc's full rebuild, as ever. */
function keepsItems(b: Built): boolean {
  return !b.positionDependent && b.engine.opt.update_mode !== CSL_POSITION_MODE;
}

/** Copies for citeproc, which may annotate what it is given. */
function itemsOf(items: readonly CslItem[]): Render {
  const byId = new Map(items.map((item) => [item.id, item]));
  return {
    retrieveItem: (id) => {
      const item = byId.get(id);
      return item && structuredClone(item);
    },
  };
}

function renderWith(
  engineOf: () => Built,
  { items, sections, html: withHtml }: RenderCitationsInput,
  mayHold: boolean,
): RenderedCitations {
  const known = new Set(items.map((item) => item.id));
  const clustersBySection = sections.map((text) => parseCitationClusters(text));
  const unknown = [...new Set(clustersBySection.flat().flatMap((c) => c.refs.map((r) => r.key)))].filter(
    (k) => !known.has(k),
  );
  if (unknown.length) throw new Error(`Citations without a source: ${unknown.map((k) => `@${k}`).join(", ")}`);

  const warnings: string[] = [];
  return withWarnings(warnings, () => {
    const b = engineOf();
    b.render.print = (message) => warnings.push(message);
    const { engine, positionDependent } = b;

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

    // All clusters at once, in document order: citeproc registers every item first and then numbers (IEEE, GOST
    // numeric: order of first citation) and disambiguates (Smith 2020a/b, added initials) over the whole document.
    // An engine prepared with exactly the cited items has registered them already, and only reorders them.
    const cited = [...new Set(citations.flatMap((c) => c.citationItems.map((item) => item.id)))];
    const digest = digestOf(items);
    // Taken before rendering: citeproc annotates the citations it is given.
    const clusterJson = citations.map((c) => JSON.stringify(c.citationItems));
    const alone = citations.every((c) => c.citationItems.length === 1 && Object.keys(c.citationItems[0]).length === 1);
    const p = b.prepared;
    if (
      mayHold &&
      p &&
      alone &&
      !positionDependent &&
      !b.numeric &&
      p.items === digest &&
      p.keys === [...cited].sort().join("\n") &&
      (!withHtml || p.html) &&
      clusterJson.every((json) => p.clusters.has(json))
    ) {
      // Every source cited, each alone: what the prepared render gave (the engine is left as it was, still prepared).
      const text = new Map(citations.map((c, i) => [c.citationID, p.clusters.get(clusterJson[i])!]));
      return {
        sections: spliced(sections, clustersBySection, (s, c) => text.get(idOf[s][c]) ?? ""),
        bibliography: {
          ids: [...p.plain.ids],
          entries: [...p.plain.entries],
          ...(withHtml && p.html ? { html: [...p.html] } : {}),
        },
        warnings: [...p.warnings],
      };
    }
    const holding = mayHold && keepsItems(b) ? holdingOf(items, cited) : undefined;
    const held = holdOnly(b, holding);
    engine.setOutputFormat("text");
    const rendered = new Map(engine.rebuildProcessorState(citations, "text", []).map(([id, , text]) => [id, text]));

    const renderedSections = spliced(sections, clustersBySection, (s, c) => rendered.get(idOf[s][c]) ?? "");

    // A bibliography depends on the items and on what the registry made of them (order, numbers, sort keys,
    // disambiguation): a delivery citing every prepared source in a style that sorts its entries gets the one made
    // while preparing.
    const state = JSON.stringify(engine.registry.reflist.map((t) => [t.id, t.seq, t.ambig, t.disambig, t.sortkeys]));
    const last = b.made;
    const kept =
      held && last?.items === digest && last.state === state && (!withHtml || !!last.html) ? last : undefined;
    const plain = kept?.plain ?? bibliography(engine);
    let html = kept?.html;
    if (withHtml && !kept) {
      engine.setOutputFormat("html");
      html = bibliography(engine).entries;
    }
    if (!kept) b.made = { items: digest, state, plain, html };
    // Each single-source citation's text, for a delivery that cites every source alone (see `prepared`).
    const clusters = new Map(
      citations.flatMap((c, i) =>
        c.citationItems.length === 1 ? [[clusterJson[i], rendered.get(c.citationID) ?? ""] as const] : [],
      ),
    );
    b.lastRender = {
      items: digest,
      keys: [...cited].sort().join("\n"),
      clusters,
      plain,
      html,
      warnings: [...warnings],
    };
    return {
      sections: renderedSections,
      bibliography: {
        ids: [...plain.ids],
        entries: [...plain.entries],
        ...(withHtml && html ? { html: [...html] } : {}),
      },
      warnings,
    };
  });
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

function bibliography(engine: CiteprocEngine): Bibliography {
  const made = engine.makeBibliography();
  if (!made) return { ids: [], entries: [] };
  const [meta, entries] = made;
  return { ids: meta.entry_ids.map((ids) => ids[0]), entries: entries.map((e) => e.trim()) };
}

/** The sections with each citation cluster replaced by its rendering (`text(section, cluster)`). */
function spliced(
  sections: readonly string[],
  clustersBySection: readonly { start: number; end: number }[][],
  text: (s: number, c: number) => string,
): string[] {
  return sections.map((section, s) => {
    let out = "";
    let last = 0;
    clustersBySection[s].forEach((cluster, c) => {
      out += section.slice(last, cluster.start) + text(s, c);
      last = cluster.end;
    });
    return out + section.slice(last);
  });
}
