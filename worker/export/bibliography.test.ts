// An engine prepared with a document's sources, then used for whatever comes, renders exactly as a fresh one.
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { CITATION_STYLE_CODES, type CitationStyle } from "../../app/utils/catalog";
import { CitationEngine, renderCitationsFresh, type CslItem, type RenderCitationsInput } from "./bibliography";

/** The engine a worker keeps (its machinery's): what these tests hold to a fresh engine. */
const citations = new CitationEngine();

// The module bibliography.ts loads: its resets tell a kept registry from an emptied one, and its bibliographies a
// kept bibliography from a new one.
type EngineMethods = { restoreProcessorState(c: []): unknown; makeBibliography(): unknown };
const { Engine } = createRequire(import.meta.url)("citeproc") as { Engine: { prototype: EngineMethods } };
let resets: ReturnType<typeof vi.spyOn>;
let bibliographies: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  resets = vi.spyOn(Engine.prototype, "restoreProcessorState");
  bibliographies = vi.spyOn(Engine.prototype, "makeBibliography");
});
afterEach(() => {
  resets.mockRestore();
  bibliographies.mockRestore();
});

/** Renders, and says whether the engine started from what it held (no reset) and gave a kept bibliography. */
function renderCounting(input: RenderCitationsInput) {
  const [resetsBefore, bibliographiesBefore] = [resets.mock.calls.length, bibliographies.mock.calls.length];
  const rendered = citations.render(input);
  return {
    rendered,
    kept: resets.mock.calls.length === resetsBefore,
    keptBibliography: bibliographies.mock.calls.length === bibliographiesBefore,
  };
}

function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]) => list[int(list.length)];
  const shuffle = <T>(list: readonly T[]) => {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return { next, int, pick, shuffle };
}
type Random = ReturnType<typeof random>;

// Namesakes (initials added), shared co-authors (names added, "et al."), a particle; few years and titles, so
// citations collide (2020a/b) and some sources sort alike.
const PEOPLE = [
  { family: "Smith", given: "John" },
  { family: "Smith", given: "Anna" },
  { family: "Smith", given: "John Adam" },
  { family: "Brown", given: "Anna" },
  { family: "Zimmer", given: "Bob" },
  { family: "Müller", given: "Karl" },
  { family: "Müller", given: "Klara" },
  { family: "Berg", given: "Piet", "non-dropping-particle": "van der" },
  { family: "Dubois", given: "Marie" },
  { family: "Kowalska", given: "Ewa" },
];
const TITLES = ["A study of things", "Another study", "On disambiguation", "Things revisited"];

function generateItems(r: Random, count: number, tag: string): CslItem[] {
  const items: CslItem[] = [];
  for (let i = 0; i < count; i++) {
    // Now and then the same work under a second key: it sorts exactly like the first.
    if (items.length && r.next() < 0.06) {
      items.push({ ...structuredClone(r.pick(items)), id: `k${i}` });
      continue;
    }
    const type = r.pick(["article-journal", "article-journal", "book", "chapter", "webpage"]);
    const item: CslItem = {
      id: `k${i}`,
      type,
      title: `${r.pick(TITLES)}${r.next() < 0.6 ? ` ${i}` : ""}${tag}`,
      author: Array.from({ length: 1 + r.int(r.next() < 0.3 ? 7 : 3) }, () => r.pick(PEOPLE)),
      ...(r.next() < 0.9 ? { issued: { "date-parts": [[r.pick([2019, 2020, 2020, 2021])]] } } : {}),
    };
    if (type === "article-journal")
      Object.assign(item, {
        "container-title": r.pick(["Journal A", "Journal B"]),
        volume: `${1 + r.int(5)}`,
        page: "1-10",
      });
    if (type === "book") Object.assign(item, { publisher: "Press", "publisher-place": "Oxford" });
    if (type === "chapter")
      Object.assign(item, { "container-title": "Edited", editor: [r.pick(PEOPLE)], publisher: "Routledge" });
    if (type === "webpage")
      Object.assign(item, { URL: `https://example.org/${i}`, accessed: { "date-parts": [[2024, 1, 15]] } });
    items.push(item);
  }
  return items;
}

/** Sections citing `cited` (each at least once, in random order, some again), with multi-key clusters, locators, prefixes, suffixes, suppressed authors. */
function generateSections(r: Random, cited: readonly string[]): string[] {
  const sections = Array.from({ length: 1 + r.int(4) }, () => "");
  const ref = (key: string) => {
    let s = `${r.next() < 0.1 ? "-" : ""}@${key}`;
    if (r.next() < 0.15) s = `${r.pick(["see", "cf.", "e.g."])} ${s}`;
    if (r.next() < 0.2) s += `, ${r.pick(["p. 12", "pp. 3–5", "ch. 2", "S. 7", "12"])}`;
    if (r.next() < 0.1) s += `, ${r.pick(["for a review", "and others"])}`;
    return s;
  };
  for (const key of [...r.shuffle(cited), ...Array.from({ length: cited.length }, () => r.pick(cited))]) {
    const keys = new Set([key, ...Array.from({ length: r.next() < 0.3 ? 1 + r.int(3) : 0 }, () => r.pick(cited))]);
    const s = r.int(sections.length);
    sections[s] += `Claim ${sections[s].length} [${[...keys].map(ref).join("; ")}]. `;
  }
  return sections;
}

/** The same data, fields in another order (as the database may give them back). */
function reordered<T>(r: Random, value: T): T {
  if (Array.isArray(value)) return value.map((v) => reordered(r, v)) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(r.shuffle(Object.entries(value)).map(([k, v]) => [k, reordered(r, v)])) as T;
  return value;
}

const LANGUAGES = ["en", "uk", "de", "ru", "fr"];

describe.each(CITATION_STYLE_CODES)("%s: a kept engine renders as a fresh one", (styleCode: CitationStyle) => {
  const references = new Map<string, ReturnType<typeof renderCitationsFresh>>();
  /** The reference: a new engine, emptied, citeproc's full rebuild (each input rendered once). */
  const fresh = (input: RenderCitationsInput) => {
    const key = JSON.stringify(input);
    if (!references.has(key)) references.set(key, renderCitationsFresh(input));
    return references.get(key)!;
  };
  const expectFresh = (input: RenderCitationsInput) => {
    const { rendered, kept, keptBibliography } = renderCounting(input);
    expect(rendered).toEqual(fresh(input));
    return { kept, keptBibliography };
  };

  test.each([1, 2, 3, 4])("generated documents, seed %i", (seed) => {
    const r = random(seed * 7919 + styleCode.length);
    const language = LANGUAGES[seed % LANGUAGES.length];
    const count = 4 + r.int(16);
    const a = generateItems(r, count, "");
    const b = generateItems(r, count, " (second order)"); // the same keys, other works
    const keys = a.map((item) => item.id);
    const all = generateSections(r, keys);
    const some = generateSections(r, r.shuffle(keys).slice(0, Math.max(1, r.int(count))));
    const doc = (items: CslItem[], sections: string[], html = false): RenderCitationsInput => ({
      styleCode,
      language,
      items,
      sections,
      html,
    });
    const prepare = (items: CslItem[]) =>
      citations.prepare({ styleCode, language, items: reordered(r, r.shuffle(items)) });

    // Prepared, then delivered citing every source; then rendered again (the engine holds citations now: emptied).
    prepare(a);
    expectFresh(doc(a, all, seed % 2 === 0));
    expect(expectFresh(doc(a, all, seed % 2 === 0)).kept).toBe(false);
    // Another document with the same keys and other data: nothing of the first may show.
    expectFresh(doc(b, generateSections(r, keys)));
    // Prepared for one document, delivered for another; prepared, then only some sources cited.
    prepare(a);
    expect(expectFresh(doc(b, all)).kept).toBe(false);
    prepare(a);
    expect(expectFresh(doc(a, some, true)).kept).toBe(false);
    // Prepared for the second order, which is then delivered; no citations at all.
    prepare(b);
    expectFresh(doc(b, all, true));
    prepare(b);
    expectFresh(doc(b, ["Nothing cited."]));
  });

  test("prepared sources that sort apart are kept; sources that sort alike only where the order cannot matter", () => {
    const item = (id: string, authors: number[], year: number, title: string): CslItem => ({
      id,
      type: "article-journal",
      title,
      author: authors.map((p) => PEOPLE[p]),
      issued: { "date-parts": [[year]] },
      "container-title": "Journal A",
    });
    // Namesakes in one year (initials), shared first authors (names added, et al.), a particle; no two alike.
    const apart = [
      item("smithJ", [0], 2020, "First"),
      item("smithA", [1], 2020, "Second"),
      item("smithJA", [2, 5, 3], 2021, "Third"),
      item("smithJAz", [2, 5, 4], 2021, "Fourth"),
      item("berg", [7, 8], 2019, "Fifth"),
      item("mueller", [6, 9, 3, 4, 8, 0], 2018, "Sixth"),
    ];
    const sections = [
      "First [@berg; @smithJAz, p. 4]. Then [see @smithJA, ch. 2, for details] and [@mueller].",
      "Namesakes [@smithA] and [-@smithJ]. Again [@smithJAz; @smithJ].",
    ];
    // The bibliography made while preparing is given again where the entries are sorted (not numbered by first
    // citation), for plain text: the HTML one is made at delivery.
    const numbered = styleCode === "ieee" || styleCode === "gost_numeric";
    for (const [language, html] of [
      ["en", false],
      ["uk", false],
      ["en", true],
    ] as const) {
      citations.prepare({ styleCode, language, items: apart });
      expect(expectFresh({ styleCode, language, items: apart, sections, html })).toEqual({
        kept: true,
        keptBibliography: !numbered && !html,
      });
    }
    // One author, one year, two titles: 2020a/b. Styles that sort by author and year alone (GOST author-date) would
    // order them, and letter them, by registration: the prepared engine is not kept for them.
    const twins = [...apart, item("smithJ2", [0], 2020, "Another first")];
    const cited = [...sections, "And [@smithJ2]."];
    citations.prepare({ styleCode, language: "en", items: twins });
    expect(expectFresh({ styleCode, language: "en", items: twins, sections: cited }).kept).toBe(
      styleCode !== "gost_author_date",
    );
  });
  test("a delivery citing every prepared source, each alone, gets what the prepared render gave, as a fresh engine would", () => {
    const rebuilds = vi.spyOn(
      Engine.prototype as unknown as { rebuildProcessorState(): unknown },
      "rebuildProcessorState",
    );
    try {
      for (const seed of [1, 2, 3]) {
        const r = random(seed * 104729 + styleCode.length);
        const language = LANGUAGES[seed % LANGUAGES.length];
        const items = generateItems(r, 4 + r.int(14), "");
        const keys = items.map((item) => item.id);
        // Each source at least once, some again, in any order, over a few sections; "[-@key]" and locators are not alone.
        const sections = Array.from({ length: 1 + r.int(3) }, () => "");
        for (const key of [...r.shuffle(keys), ...Array.from({ length: keys.length }, () => r.pick(keys))])
          sections[r.int(sections.length)] += `Claim [@${key}]. `;
        const input = { styleCode, language, items, sections };
        const expected = fresh(input); // the reference first: its own engine rebuilds too
        citations.prepare({ styleCode, language, items: reordered(r, r.shuffle(items)) });
        const before = rebuilds.mock.calls.length;
        expect(renderCounting(input).rendered).toEqual(expected);
        const reused = rebuilds.mock.calls.length === before;
        // Never for numbered styles, nor where sources sort alike (their letters follow the order of citation).
        if (styleCode === "ieee" || styleCode === "gost_numeric") expect(reused).toBe(false);
        // Delivered again (the export after the text): the same; with HTML, or citing only some, rendered in full.
        expectFresh(input);
        expectFresh({ ...input, html: true });
        citations.prepare({ styleCode, language, items });
        expectFresh({ ...input, sections: [`Only [@${keys[0]}].`] });
        citations.prepare({ styleCode, language, items });
        expectFresh({ ...input, sections: [...sections, `With a page [@${keys[0]}, p. 4].`] });
      }
      // Sources that sort apart, in an author-date style: the prepared render is what the delivery gets.
      if (styleCode === "apa7") {
        const items = generateItems(random(5), 6, "").map((item, i) => ({
          ...item,
          title: `Unique title ${i}`,
          author: [PEOPLE[i]],
          issued: { "date-parts": [[2000 + i]] },
        }));
        const sections = [
          items
            .map((item) => `Claim [@${item.id}].`)
            .reverse()
            .join(" "),
        ];
        const input = { styleCode, language: "en", items, sections };
        const expected = fresh(input);
        citations.prepare({ styleCode, language: "en", items });
        const before = rebuilds.mock.calls.length;
        expect(renderCounting(input).rendered).toEqual(expected);
        expect(rebuilds.mock.calls.length).toBe(before);
      }
    } finally {
      rebuilds.mockRestore();
    }
  });
});
