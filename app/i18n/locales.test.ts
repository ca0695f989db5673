import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DOCUMENT_STATUSES } from "../../db/schema";
import { CITATION_STYLE_CODES, DOCUMENT_KIND_CODES } from "../utils/catalog";
import { STAGE_CODES } from "../utils/document-events";
import { API_SCOPES } from "../models/api-keys.server";
import { LOCALES, NAMESPACES } from "./locales";
import { en, resources } from "./resources.server";

/** "a.b.c" → text, for every string of a resource tree. */
function flatten(tree: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof tree === "string") out.set(prefix, tree);
  else if (tree && typeof tree === "object") {
    for (const [key, value] of Object.entries(tree)) {
      for (const [k, v] of flatten(value, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
    }
  } else out.set(prefix, `<not a string: ${String(tree)}>`);
  return out;
}

/** i18next plural forms (key_one, key_few…) differ per language: compare the key they belong to. */
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const baseKeys = (texts: Map<string, string>) => new Set([...texts.keys()].map((k) => k.replace(PLURAL_SUFFIX, "")));

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("shipped translations", () => {
  for (const locale of LOCALES.filter((l) => l !== "en")) {
    for (const ns of NAMESPACES) {
      it(`${locale}/${ns} has exactly English's keys, each a non-empty text with the same {{placeholders}}`, () => {
        const english = flatten(resources.en[ns]);
        const translated = flatten(resources[locale][ns]);
        const [englishKeys, translatedKeys] = [baseKeys(english), baseKeys(translated)];
        expect(
          [...englishKeys].filter((k) => !translatedKeys.has(k)),
          "missing in " + locale,
        ).toEqual([]);
        expect(
          [...translatedKeys].filter((k) => !englishKeys.has(k)),
          "not in English",
        ).toEqual([]);
        for (const [key, text] of translated) {
          expect(text.trim(), `${locale} ${ns}:${key}`).not.toBe("");
          const source = english.get(key) ?? english.get(key.replace(PLURAL_SUFFIX, "_other")) ?? "";
          const wanted = placeholders(source).filter((name) => name !== "count");
          expect(
            placeholders(text).filter((name) => name !== "count"),
            `${locale} ${ns}:${key}`,
          ).toEqual(wanted);
        }
      });
    }
  }

  it('every message key the code names (message("ns:key"), "ns:key" constants) exists in English', () => {
    const named = sourceFiles("app").flatMap((file) =>
      [
        ...readFileSync(file, "utf8").matchAll(
          /["`]((?:validation|common|catalog|home|auth|account|orders|documents|admin|versions|editing|apiDocs|regeneration|byok|references|citationSupport|webhooks|email|export):[A-Za-z0-9_.]+)["`]/g,
        ),
      ]
        .map((m) => ({ file, key: m[1]! }))
        // API scopes ("orders:read") look like message keys but are names a program sends.
        .filter(({ key }) => !(API_SCOPES as readonly string[]).includes(key)),
    );
    expect(named.length).toBeGreaterThan(10);
    const missing = named.filter(({ key }) => {
      const [ns, path] = key.split(":") as [keyof typeof resources.en, string];
      const english = flatten(resources.en[ns]);
      // A plural is named by its base key ("pages" for pages_one, pages_other).
      return !english.has(path) && !english.has(`${path}_other`);
    });
    expect(missing).toEqual([]);
  });
});

describe("the catalog names every code an order can carry", () => {
  it("kinds, citation styles, states and stages all have English words", () => {
    const catalog = en.catalog;
    expect(Object.keys(catalog.kinds).sort()).toEqual([...DOCUMENT_KIND_CODES].sort());
    expect(Object.keys(catalog.citationStyles).sort()).toEqual([...CITATION_STYLE_CODES].sort());
    expect(Object.keys(catalog.statuses).sort()).toEqual([...DOCUMENT_STATUSES].sort());
    expect(Object.keys(catalog.stages).sort()).toEqual([...STAGE_CODES, "working"].sort());
  });
});
