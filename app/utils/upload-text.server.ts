import path from "node:path";
import { Worker } from "node:worker_threads";
import { logger } from "./logger.server";
import { projectRoot } from "./project-root.server";

// A PDF's or DOCX's text is read off the web process's main thread: in a thread of its own (upload-text-thread.mjs),
// with a time limit that ends the thread, a memory limit, a page cap, and at most two such threads at once. The one
// place PDFs are read: an upload's requirements, and a source's open-access full text (readPdfPages), by the same rules.

/** Pages of a PDF that are read; a requirements file is a brief, and the text is cut at 100,000 characters anyway. */
export const MAX_PDF_PAGES = 100;
/** Raw characters a thread sends back, before normalisation cuts them to 100,000. */
const MAX_RAW_CHARS = 1_000_000;
/** Per thread; an ordinary 10 MB PDF needs a fraction of it. */
const THREAD_HEAP_MB = 256;
/** Files read at the same time per process (two cores): others wait their turn, outside the time limit. */
const PARALLEL_READS = 2;

/** Logged (info) as a thread starts reading a file: the moment a reading begins, for operators and the attack suite. */
export const READING_LOG_MESSAGE = "reading an upload's text in a thread";
/** Logged (info) as a thread starts reading a source's open-access PDF, page by page. */
export const PAGES_READING_LOG_MESSAGE = "reading a PDF's pages in a thread";

export type ReadFailure = { failure: "password" | "damaged" | "timeout" | "too-complex" };
export type DocumentText = { text: string; truncated: boolean } | ReadFailure;
/** A PDF's text page by page (page 1 first), at most MAX_PDF_PAGES of its `pageCount` pages. */
export type PdfPages = { pages: string[]; pageCount: number; truncated: boolean } | ReadFailure;

/** The text of a PDF or DOCX, read in a thread that is ended after `timeoutMs`. `bytes` stay the caller's. */
export async function readDocumentText(
  kind: "pdf" | "docx",
  bytes: Uint8Array,
  options: { timeoutMs: number },
): Promise<DocumentText> {
  const release = await readSlot();
  try {
    return await readInThread<DocumentText>(kind, bytes, options.timeoutMs, false);
  } finally {
    release();
  }
}

/** The text of a PDF page by page, read in a thread by the same rules and limits as an upload's. */
export async function readPdfPages(bytes: Uint8Array, options: { timeoutMs: number }): Promise<PdfPages> {
  const release = await readSlot();
  try {
    return await readInThread<PdfPages>("pdf", bytes, options.timeoutMs, true);
  } finally {
    release();
  }
}

function readInThread<Outcome extends DocumentText | PdfPages>(
  kind: "pdf" | "docx",
  bytes: Uint8Array,
  timeoutMs: number,
  byPage: boolean,
): Promise<Outcome> {
  // A copy, handed over (transferred) to the thread: pdf.js may detach what it is given, and the caller keeps its bytes.
  const copy = new Uint8Array(bytes);
  logger.info({ kind, sizeBytes: bytes.byteLength }, byPage ? PAGES_READING_LOG_MESSAGE : READING_LOG_MESSAGE);
  return new Promise((resolve) => {
    const thread = new Worker(path.join(projectRoot(), "app", "utils", "upload-text-thread.mjs"), {
      workerData: { kind, bytes: copy, maxPages: MAX_PDF_PAGES, maxChars: MAX_RAW_CHARS, byPage },
      transferList: [copy.buffer],
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB, maxYoungGenerationSizeMb: 16 },
    });
    let done = false;
    const finish = (outcome: Outcome | ReadFailure) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // Its answer given (or its time up), nothing of the thread is needed: whatever pdf.js left running ends with it.
      void thread.terminate();
      if ("failure" in outcome && outcome.failure !== "password") {
        logger.warn(
          { kind, sizeBytes: bytes.byteLength, failure: outcome.failure },
          "an upload's text could not be read",
        );
      }
      resolve(outcome as Outcome);
    };
    const timer = setTimeout(() => finish({ failure: "timeout" }), timeoutMs);
    thread.on("message", (message: Outcome) => finish(message));
    thread.on("error", (error: NodeJS.ErrnoException) =>
      finish({ failure: error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "too-complex" : "damaged" }),
    );
    thread.on("exit", () => finish({ failure: "damaged" }));
  });
}

let running = 0;
const waiting: Array<() => void> = [];

/** A free reading slot; the returned function frees it (or hands it straight to the next in line). */
async function readSlot(): Promise<() => void> {
  if (running < PARALLEL_READS) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  return () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
}
