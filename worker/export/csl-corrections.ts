// Our corrections of the official GOST R 7.0.5 styles (see docs/decisions/009-csl-processor.md), and the style an order
// is rendered with: the official one (csl-styles.ts), corrected. The corrections are pure: style in, copy out.
import { cslStyleId, loadStyle, type CslNode } from "./csl-styles";
import type { CitationStyle } from "../../app/utils/catalog";

const GOST_STYLE_IDS = new Set(["gost-r-7-0-5-2008", "gost-r-7-0-5-2008-numeric"]);

export function isGostStyle(styleId: string): boolean {
  return GOST_STYLE_IDS.has(styleId);
}

/** Russian words written into the author-date style itself (prefixes, fixed text, its own locale terms). */
const RUSSIAN_TO_UKRAINIAN: Array<[string, string]> = [
  ["Электронный ресурс", "Електронний ресурс"],
  ["электронный ресурс", "електронний ресурс"],
  ["под ред.", "за ред."],
  ["Вып.", "Вип."],
  ["дата обращения", "дата звернення"],
  ["и др.", "та ін."],
];

/**
 * Terms for Ukrainian orders, given as a style-level <locale xml:lang="uk"> so they win over both the style's
 * Russian/English overrides and the thin official uk-UA locale (which has "et al.", "edited by" and "вип." for volume).
 */
const UKRAINIAN_TERMS: Array<{ name: string; form?: string; text: string | [string, string] }> = [
  { name: "et-al", text: "та ін." },
  { name: "editor", form: "verb", text: "за ред." },
  { name: "editor", form: "verb-short", text: "за ред." },
  { name: "translator", form: "verb-short", text: "пер." },
  { name: "accessed", text: "дата звернення" },
  { name: "online", text: "електронний ресурс" },
  { name: "volume", form: "short", text: ["т.", "т."] },
  { name: "edition", form: "short", text: "вид." },
  { name: "letter", form: "short", text: "пат." },
];

const node = (name: string, attrs: Record<string, string>, children: CslNode["children"] = []): CslNode => ({
  name,
  attrs,
  children,
});

/**
 * The official GOST styles, corrected:
 * - every order: the DOI is printed at the end of the entry ("DOI: 10.…"), which both styles leave out;
 * - Ukrainian orders: the Russian words hard-coded in the author-date style and the terms both styles take from
 *   Russian/English overrides are replaced with Ukrainian ones (DSTU 8302:2015 wording).
 */
export function correctGostStyle(style: CslNode, styleId: string, language: string): CslNode {
  if (!isGostStyle(styleId)) return style;
  let corrected = addDoi(structuredClone(style), styleId);
  if (language === "uk") corrected = ukrainianTerms(corrected);
  return corrected;
}

function addDoi(style: CslNode, styleId: string): CslNode {
  const bibliography = child(style, "bibliography");
  const layout = bibliography && child(bibliography, "layout");
  if (!layout) throw new Error(`CSL style ${styleId} has no bibliography layout`);
  const doi = node("text", { variable: "DOI", prefix: "DOI: " });
  if (styleId === "gost-r-7-0-5-2008-numeric") {
    // Its entry is one group joined by ". "; the DOI becomes its last part.
    const group = layout.children.find((c): c is CslNode => typeof c !== "string" && c.name === "group");
    if (!group) throw new Error(`CSL style ${styleId}: unexpected bibliography layout`);
    group.children.push(doi);
  } else {
    // Each branch of the author-date layout ends with its own period; ". " collapses into it.
    layout.children.push(node("text", { variable: "DOI", prefix: ". DOI: " }));
  }
  return style;
}

function ukrainianTerms(style: CslNode): CslNode {
  const translate = (text: string) => RUSSIAN_TO_UKRAINIAN.reduce((s, [ru, uk]) => s.split(ru).join(uk), text);
  const walk = (n: CslNode) => {
    for (const key of ["value", "prefix", "suffix"]) if (n.attrs[key]) n.attrs[key] = translate(n.attrs[key]);
    n.children = n.children.map((c) => (typeof c === "string" ? translate(c) : (walk(c), c)));
  };
  walk(style);
  const terms = UKRAINIAN_TERMS.map(({ name, form, text }) =>
    node(
      "term",
      form ? { name, form } : { name },
      typeof text === "string" ? [text] : [node("single", {}, [text[0]]), node("multiple", {}, [text[1]])],
    ),
  );
  const locale = node("locale", { "xml:lang": "uk" }, [node("terms", {}, terms)]);
  const info = style.children.findIndex((c) => typeof c !== "string" && c.name === "info");
  style.children.splice(info + 1, 0, locale);
  return style;
}

function child(n: CslNode, name: string): CslNode | undefined {
  return n.children.find((c): c is CslNode => typeof c !== "string" && c.name === name);
}

const orderStyles = new Map<string, CslNode>();

/** The style an order is rendered with: the official one, with our GOST corrections (Ukrainian terms for "uk"). */
export function loadOrderStyle(styleCode: CitationStyle, language: string): CslNode {
  const styleId = cslStyleId(styleCode);
  const key = isGostStyle(styleId) ? `${styleId}:${language === "uk" ? "uk" : "*"}` : styleId;
  let style = orderStyles.get(key);
  if (!style) {
    style = correctGostStyle(loadStyle(styleId), styleId, language);
    orderStyles.set(key, style);
  }
  return style;
}
