// The pages customers reload most (their documents list, a document's page), kept rendered in this process' memory and
// served again while what they show is unchanged: the version (app/models/page-versions.server.ts) is read from
// Postgres on every request, so a change made by any process is never served stale. A kept page is stored compressed
// once (gzip and brotli) and its inline scripts are allowed by their hashes instead of a per-answer nonce (a nonce must
// never be sent twice); the browser gets an ETag to revalidate with (304 without a body).
// docs/decisions/032-rendered-page-cache.md.
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import {
  documentPageVersion,
  documentsListVersion,
  readPageVersion,
  type PageVersionSql,
} from "../models/page-versions.server";
import { localeOfCookieHeader } from "../i18n/locales";
import type { Db } from "./db.server";
import { logger } from "./logger.server";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const DOCUMENT_PAGE = new RegExp(`^/documents/(${UUID})/?$`, "i");

/** Pages that show the same to everyone of the same account (or none) and language: the home page. */
const FIXED_PAGES = new Set(["/"]);

/** How to read the version of the cacheable page at `path`, or null. Full-page GETs only: `.data` is left to Remix. */
export function cacheablePage(req: Pick<Request, "method" | "path">): PageVersionSql | null {
  if (req.method !== "GET") return null;
  if (req.path === "/documents" || req.path === "/documents/") return documentsListVersion;
  const id = DOCUMENT_PAGE.exec(req.path)?.[1];
  return id ? documentPageVersion(id.toLowerCase()) : null;
}

/** A kept page: its bytes (plain, gzip, brotli), its own headers, and the CSP sources of its inline scripts. */
type Entry = {
  plain: Buffer;
  gzip: Buffer;
  br: Buffer;
  headers: Array<[string, string]>;
  scriptSources: string;
};

/** Rendered pages by key, least recently used leaving first; bounded by their bytes, none over an eighth of them. */
export class RenderedPages {
  private readonly entries: LRUCache<string, Entry> | null;

  constructor(maxBytes: number) {
    this.entries =
      maxBytes > 0
        ? new LRUCache({
            maxSize: maxBytes,
            maxEntrySize: maxBytes / 8,
            sizeCalculation: (entry, key) =>
              entry.plain.byteLength + entry.gzip.byteLength + entry.br.byteLength + key.length * 2,
          })
        : null;
  }

  get(key: string): Entry | undefined {
    return this.entries?.get(key);
  }

  set(key: string, entry: Entry) {
    this.entries?.set(key, entry);
  }

  get size() {
    return this.entries?.size ?? 0;
  }
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);
const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/g;

/**
 * A rendered page as it is kept: its nonce attributes removed and each inline script's SHA-256 listed as a CSP source
 * instead, compressed once (off the main thread) rather than on every answer.
 */
export async function pageToKeep(html: string, nonce: string, headers: Array<[string, string]>) {
  const hashes = new Set<string>();
  for (const [, attributes, code] of html.matchAll(INLINE_SCRIPT)) {
    // Only the scripts rendered with this render's nonce: markup that slipped into the page without it stays blocked.
    if (!attributes!.includes(` nonce="${nonce}"`) || /\bsrc=/.test(attributes!) || !code) continue;
    hashes.add(`'sha256-${createHash("sha256").update(code, "utf8").digest("base64")}'`);
  }
  const plain = Buffer.from(html.replaceAll(` nonce="${nonce}"`, ""), "utf8");
  const [gzipped, br] = await Promise.all([
    gzipAsync(plain, { level: 9 }),
    brotliAsync(plain, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 6 } }),
  ]);
  return { plain, gzip: gzipped, br, headers, scriptSources: [...hashes].join(" ") };
}

/** Headers of a rendered page that are the page's own, not this one answer's. */
const PER_ANSWER = new Set([
  "date",
  "set-cookie",
  "content-length",
  "content-encoding",
  "etag",
  "cache-control",
  "vary",
  "x-request-id",
  "content-security-policy",
]);

declare global {
  namespace Express {
    interface Locals {
      /** Set by the page cache on a miss: keeps the page Remix renders for this request. */
      keepRenderedPage?: (html: string, headers: Headers) => Promise<Record<string, string>>;
    }
  }
}

/**
 * Mount after the rate limiter (every request still counts, and it has read the session user) and before Remix.
 * Answers a GET of a cacheable page for a signed-in, consenting user from memory when its version is unchanged, or 304
 * when the browser already has it; otherwise lets Remix render it and keeps the result.
 */
export function pageCacheMiddleware(options: { getDb: () => Db; buildVersion: string; maxBytes: number }) {
  const pages = new RenderedPages(options.maxBytes);
  return async function pageCache(req: Request, res: Response, next: NextFunction) {
    const user = res.locals.sessionUser;
    // The limiter did not read the session (it failed): Remix decides, as for any page.
    if (user === undefined) return next();
    let version: string | null | undefined;
    if (req.method === "GET" && FIXED_PAGES.has(req.path)) {
      version = "fixed";
    } else {
      const page = cacheablePage(req);
      // A customer's page is kept only for a verified, consenting reader; anyone else is Remix's to answer.
      if (!page || !user || user.essentialConsent !== true) return next();
      version = res.locals.pageVersion;
      try {
        // null: the limiter read it along and the page is not to be kept; undefined: not read yet.
        if (version === undefined) version = await readPageVersion(options.getDb(), page, user.id);
      } catch (error) {
        logger.warn({ err: error, path: req.path }, "page cache: version not read; rendering the page");
        return next();
      }
    }
    if (version === null) return next();
    // Everything the page depends on besides its rows: the build, the address, who reads it and in which language.
    const key = JSON.stringify([
      options.buildVersion,
      req.originalUrl,
      user?.id,
      user?.email,
      user?.name,
      user?.role,
      user?.locale,
      localeOfCookieHeader(req.get("cookie")),
      req.get("accept-language")?.slice(0, 200) ?? "",
      version,
    ]);
    const etag = `"${createHash("sha256").update(key).digest("base64url").slice(0, 32)}"`;
    const revalidate = { ETag: etag, "Cache-Control": "private, no-cache" };
    if (
      req
        .get("if-none-match")
        ?.split(/\s*,\s*/)
        .includes(etag)
    ) {
      // The browser shows its copy, whose inline scripts carry that copy's nonce: a new CSP would block them.
      res.removeHeader("Content-Security-Policy");
      return res.status(304).set(revalidate).end();
    }
    const nonce = res.locals.cspNonce ?? "";
    const csp = res.getHeader("Content-Security-Policy");
    const kept = pages.get(key);
    if (kept && nonce && typeof csp === "string" && csp.includes(`'nonce-${nonce}'`)) {
      for (const [name, value] of kept.headers) res.setHeader(name, value);
      res.set(revalidate);
      res.setHeader("Content-Security-Policy", csp.replace(`'nonce-${nonce}'`, kept.scriptSources));
      res.setHeader("Vary", "Accept-Encoding");
      const encoding = req.acceptsEncodings("br", "gzip", "identity");
      const body = encoding === "br" ? kept.br : encoding === "gzip" ? kept.gzip : kept.plain;
      // Already compressed: the compression middleware leaves an answer with a Content-Encoding alone.
      if (body !== kept.plain) res.setHeader("Content-Encoding", encoding as string);
      res.setHeader("Content-Length", String(body.byteLength));
      return res.status(200).end(body);
    }
    // Kept before this answer is sent (compressing takes a few ms, off the main thread): the next request finds it.
    // Only a page that is kept gets the ETag: an error or a redirect is never revalidated into a 304.
    res.locals.keepRenderedPage = async (html, headers) => {
      if (!nonce || !html.includes(nonce)) return {};
      const own = [...headers].filter(([name]) => !PER_ANSWER.has(name.toLowerCase()));
      try {
        pages.set(key, await pageToKeep(html, nonce, own));
        return revalidate;
      } catch (error) {
        logger.warn({ err: error, path: req.path }, "page cache: page not kept");
        return {};
      }
    };
    next();
  } satisfies RequestHandler;
}
