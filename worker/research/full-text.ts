// Open-access full text (issue 24, item 4): the PDF an index names for a source is fetched under the SSRF rules of
// app/utils/public-address.server.ts (every hop checked, the connection going to the address checked), within a size
// and a time limit, checked to be a PDF, and read page by page off the main thread by the upload parser. Whatever goes
// wrong is an outcome recorded for the source, never an error of the order: the abstract remains.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { FullTextOutcome } from "../../app/models/source-full-texts.server";
import type { Env } from "../../app/utils/env.server";
import { assertPublicUrl, publicOnlyLookup, RefusedUrlError } from "../../app/utils/public-address.server";
import { readPdfPages } from "../../app/utils/upload-text.server";
import { USER_AGENT } from "./http";

export type FullTextConfig = {
  /** Bytes a PDF may have; reading stops past them. */
  maxBytes: number;
  /** Longest one PDF may take to download. */
  timeoutMs: number;
  /** Longest its text may take to read (the upload parser's limit, UPLOAD_READ_TIMEOUT_SECONDS). */
  readTimeoutMs: number;
  /** The whole order's fetching ends by then; what is still waiting is recorded as skipped. */
  budgetMs: number;
  /** Origins exempt from the private-address check (a local mirror; tests' stand-ins). */
  privateOrigins: readonly string[];
  /** Production: an http:// link is asked over https://. */
  httpsOnly: boolean;
  /** PDFs fetched at once per order (default 3). */
  concurrency?: number;
};

/** Redirects followed, each hop checked like the first (repositories often send http to https, or a DOI on). */
export const MAX_REDIRECTS = 3;
/** At most this many sources of an order get their full text fetched (the best-ranked of those assigned). */
export const MAX_FULL_TEXTS_PER_ORDER = 24;
/** Where "%PDF-" may start: the PDF standard lets a few bytes come first. */
const MAGIC_WINDOW = 1024;
const PDF_MAGIC = Buffer.from("%PDF-", "latin1");

/** The configuration from the validated environment; null when FULLTEXT_ENABLED is off. */
export function fullTextConfigFromEnv(
  env: Pick<
    Env,
    | "FULLTEXT_ENABLED"
    | "FULLTEXT_MAX_BYTES"
    | "FULLTEXT_TIMEOUT_SECONDS"
    | "FULLTEXT_PRIVATE_ORIGINS"
    | "UPLOAD_READ_TIMEOUT_SECONDS"
    | "LLM_TIMEOUT_SECONDS"
    | "isProduction"
  >,
): FullTextConfig | null {
  if (!env.FULLTEXT_ENABLED) return null;
  return {
    maxBytes: env.FULLTEXT_MAX_BYTES,
    timeoutMs: env.FULLTEXT_TIMEOUT_SECONDS * 1000,
    readTimeoutMs: env.UPLOAD_READ_TIMEOUT_SECONDS * 1000,
    // Fetched while the requirements judge reads the outline: within the time the plan's expiry gives that call.
    budgetMs: Math.min(env.LLM_TIMEOUT_SECONDS, 60) * 1000,
    privateOrigins: env.FULLTEXT_PRIVATE_ORIGINS,
    httpsOnly: env.isProduction,
  };
}

/** A download's end short of a PDF's bytes: the outcome to record. */
class Stop extends Error {
  constructor(
    readonly status: FullTextOutcome["status"],
    readonly detail: string,
    readonly sizeBytes: number | null = null,
  ) {
    super(detail);
  }
}

/**
 * Fetches and reads the PDFs of `sources` (in the order given, `concurrency` at once) within `budgetMs`; returns each
 * key's outcome. An abort of `signal` (the job's) ends it all and is thrown.
 */
export async function fetchFullTexts(
  sources: readonly { key: string; url: string }[],
  config: FullTextConfig,
  signal?: AbortSignal,
): Promise<Map<string, FullTextOutcome>> {
  const outcomes = new Map<string, FullTextOutcome>();
  const budget = AbortSignal.timeout(config.budgetMs);
  const stop = signal ? AbortSignal.any([signal, budget]) : budget;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(config.concurrency ?? 3, sources.length) }, async () => {
      while (next < sources.length) {
        const source = sources[next++]!;
        outcomes.set(source.key, await fetchFullText(source.url, config, stop));
      }
    }),
  );
  signal?.throwIfAborted();
  return outcomes;
}

/** One source's PDF, fetched and read; never throws (an abort of `signal` gives "skipped"). */
export async function fetchFullText(
  url: string,
  config: FullTextConfig,
  signal?: AbortSignal,
): Promise<FullTextOutcome> {
  const outcome = (status: FullTextOutcome["status"], detail: string | null, sizeBytes: number | null = null) => ({
    url,
    status,
    pages: [],
    pageCount: null,
    sizeBytes,
    detail,
  });
  if (signal?.aborted) return outcome("skipped", "the order's time for full texts ran out");
  let bytes: Buffer;
  try {
    bytes = await download(url, config, signal);
  } catch (error) {
    if (error instanceof Stop) return outcome(error.status, error.detail, error.sizeBytes);
    if (error instanceof RefusedUrlError) return outcome("refused", error.message);
    if (signal?.aborted) return outcome("skipped", "the order's time for full texts ran out");
    const e = error as { code?: string; message?: string };
    return outcome("failed", `network error: ${String(e.code ?? e.message ?? error).slice(0, 200)}`);
  }
  let onAbort = () => {};
  const aborted = new Promise<"aborted">((resolve) => (onAbort = () => resolve("aborted")));
  signal?.addEventListener("abort", onAbort, { once: true });
  const read = await Promise.race([readPdfPages(bytes, { timeoutMs: config.readTimeoutMs }), aborted]).finally(() =>
    signal?.removeEventListener("abort", onAbort),
  );
  if (read === "aborted") return outcome("skipped", "the order's time for full texts ran out", bytes.length);
  if ("failure" in read) {
    const status = read.failure === "password" ? "encrypted" : read.failure === "timeout" ? "timeout" : "unreadable";
    return outcome(status, `the PDF could not be read (${read.failure})`, bytes.length);
  }
  if (read.pages.every((page) => page.trim() === ""))
    return outcome("no-text", "the PDF has no text layer", bytes.length);
  return {
    url,
    status: "fetched",
    pages: read.pages,
    pageCount: read.pageCount,
    sizeBytes: bytes.length,
    detail: read.truncated ? "cut at the page or character limit" : null,
  };
}

/** The PDF's bytes, following at most MAX_REDIRECTS redirects, every hop's address checked; throws a Stop otherwise. */
async function download(url: string, config: FullTextConfig, signal?: AbortSignal): Promise<Buffer> {
  const deadline = AbortSignal.timeout(config.timeoutMs);
  const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
  let target = new URL(url);
  for (let hop = 0; ; hop++) {
    if (config.httpsOnly && target.protocol === "http:") target.protocol = "https:";
    const trusted = config.privateOrigins.includes(target.origin);
    // A literal address is not looked up by Node: it is checked here; a name is checked again as it is connected to.
    if (!trusted) await assertPublicUrl(target, { allowPrivate: false });
    if (config.httpsOnly && target.protocol !== "https:") throw new Stop("refused", "only https:// is fetched");
    const response = await get(target, trusted, stop).catch((error: unknown) => {
      if (deadline.aborted) throw new Stop("timeout", `no whole PDF within ${config.timeoutMs / 1000} s`);
      throw error;
    });
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.destroy();
      if (hop >= MAX_REDIRECTS) throw new Stop("failed", `more than ${MAX_REDIRECTS} redirects`);
      target = new URL(response.headers.location, target);
      continue;
    }
    if (status < 200 || status >= 300) {
      response.destroy();
      throw new Stop("failed", `HTTP ${status}`);
    }
    const type = String(response.headers["content-type"] ?? "").toLowerCase();
    // A landing page, not the file: not worth reading.
    if (/^(text\/|application\/(json|xml|xhtml))/.test(type)) {
      response.destroy();
      throw new Stop("not-pdf", `served as ${type.split(";")[0]}`);
    }
    const declared = Number(response.headers["content-length"]);
    if (Number.isFinite(declared) && declared > config.maxBytes) {
      response.destroy();
      throw new Stop("too-large", `${declared} bytes declared, more than ${config.maxBytes}`, declared);
    }
    return readBody(response, config, deadline);
  }
}

function get(target: URL, trusted: boolean, signal: AbortSignal): Promise<IncomingMessage> {
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, {
      method: "GET",
      headers: { "user-agent": USER_AGENT, accept: "application/pdf" },
      agent: false,
      signal,
      ...(trusted ? {} : { lookup: publicOnlyLookup() }),
    });
    req.on("response", resolve);
    req.on("error", reject);
    req.end();
  });
}

/** The body, stopped past `maxBytes`, or when its first bytes are not a PDF's, or at the deadline. */
async function readBody(response: IncomingMessage, config: FullTextConfig, deadline: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let checked = false;
  try {
    for await (const chunk of response) {
      size += (chunk as Buffer).length;
      if (size > config.maxBytes) throw new Stop("too-large", `more than ${config.maxBytes} bytes`, size);
      chunks.push(chunk as Buffer);
      if (!checked && size >= MAGIC_WINDOW) {
        checked = true;
        if (!looksLikePdf(Buffer.concat(chunks))) throw new Stop("not-pdf", "its bytes are not a PDF's", size);
      }
    }
  } catch (error) {
    response.destroy();
    if (error instanceof Stop) throw error;
    if (deadline.aborted) throw new Stop("timeout", `no whole PDF within ${config.timeoutMs / 1000} s`, size);
    throw error;
  }
  const body = Buffer.concat(chunks);
  if (!looksLikePdf(body)) throw new Stop("not-pdf", "its bytes are not a PDF's", size);
  return body;
}

function looksLikePdf(bytes: Buffer): boolean {
  return bytes.subarray(0, MAGIC_WINDOW).indexOf(PDF_MAGIC) !== -1;
}
