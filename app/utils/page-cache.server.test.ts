import { createHash } from "node:crypto";
import { gunzipSync, brotliDecompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { cacheablePage, pageToKeep, RenderedPages } from "./page-cache.server";

const NONCE = "n0nceN0nceN0nce+/==";
const sha = (code: string) => `'sha256-${createHash("sha256").update(code, "utf8").digest("base64")}'`;

describe("pageToKeep", () => {
  const html = [
    "<!DOCTYPE html><html><head>",
    `<link rel="modulepreload" href="/build/a.js" nonce="${NONCE}"/>`,
    "</head><body><p>Ciao — “quoted” ✓</p>",
    `<script nonce="${NONCE}">window.__remixContext = {"a":1};</script>`,
    `<script type="module" async="" nonce="${NONCE}">import "/build/entry.js";</script>`,
    `<script src="/build/b.js" nonce="${NONCE}"></script>`,
    "<script>alert('slipped in without the nonce')</script>",
    "</body></html>",
  ].join("");

  it("allows exactly the inline scripts rendered with the nonce, by their hashes, and removes the nonces", async () => {
    const kept = await pageToKeep(html, NONCE, [["content-type", "text/html; charset=utf-8"]]);
    expect(kept.scriptSources.split(" ").sort()).toEqual(
      [sha('window.__remixContext = {"a":1};'), sha('import "/build/entry.js";')].sort(),
    );
    expect(kept.scriptSources).not.toContain(sha("alert('slipped in without the nonce')"));
    const plain = kept.plain.toString("utf8");
    expect(plain).not.toContain(NONCE);
    expect(plain).toBe(html.replaceAll(` nonce="${NONCE}"`, ""));
  });

  it("keeps gzip and brotli copies that decode to the plain page", async () => {
    const kept = await pageToKeep(html, NONCE, []);
    expect(gunzipSync(kept.gzip).equals(kept.plain)).toBe(true);
    expect(brotliDecompressSync(kept.br).equals(kept.plain)).toBe(true);
  });
});

describe("RenderedPages", () => {
  const entry = (size: number) => ({
    plain: Buffer.alloc(size),
    gzip: Buffer.alloc(0),
    br: Buffer.alloc(0),
    headers: [],
    scriptSources: "",
  });

  it("stays within its bytes, dropping the least recently used page first", () => {
    const pages = new RenderedPages(10_000);
    pages.set("a", entry(1000));
    pages.set("b", entry(1000));
    pages.set("c", entry(1000));
    pages.get("a"); // a is now the most recently used
    for (let i = 0; i < 7; i++) pages.set(`x${i}`, entry(1000));
    expect(pages.get("b")).toBeUndefined();
    expect(pages.get("a")).toBeDefined();
  });

  it("never keeps one page larger than an eighth of its bytes", () => {
    const pages = new RenderedPages(8_000);
    pages.set("big", entry(2000));
    expect(pages.get("big")).toBeUndefined();
    expect(pages.size).toBe(0);
  });
});

describe("cacheablePage", () => {
  const id = "0b7e2c1a-3f4d-4e5f-8a9b-0c1d2e3f4a5b";
  it("names the documents list and a document's page, for GET only", () => {
    expect(cacheablePage({ method: "GET", path: "/documents" })).not.toBeNull();
    expect(cacheablePage({ method: "GET", path: `/documents/${id}` })).not.toBeNull();
    expect(cacheablePage({ method: "POST", path: "/documents" })).toBeNull();
    expect(cacheablePage({ method: "GET", path: `/documents/${id}.data` })).toBeNull();
    expect(cacheablePage({ method: "GET", path: `/documents/${id}/download/pdf` })).toBeNull();
    expect(cacheablePage({ method: "GET", path: "/documents/not-an-id" })).toBeNull();
    expect(cacheablePage({ method: "GET", path: "/account" })).toBeNull();
  });
});
