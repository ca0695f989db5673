// Reads the text of an uploaded PDF or DOCX, in a thread of its own (upload-text.server.ts starts one per file and
// ends it when it runs out of time or memory): a hostile file can stall or fill this thread, never the web process.
// Plain JavaScript so it starts under any loader (tsx, vitest, node). In: workerData { kind, bytes, maxPages,
// maxChars, byPage }. Out: one message, { text, truncated } (with byPage: { pages, pageCount, truncated }) or
// { failure: "password" | "damaged" }. An open-access PDF of a source (its full text) is read here too, by page.
import { parentPort, workerData } from "node:worker_threads";

const { kind, bytes, maxPages, maxChars, byPage } = workerData;

try {
  parentPort.postMessage(kind === "pdf" ? await pdfText(bytes) : await docxText(bytes));
} catch (error) {
  parentPort.postMessage({ failure: error?.name === "PasswordException" ? "password" : "damaged" });
}

/** The first `maxPages` pages' text, as unpdf's extractText({ mergePages: true }) joins it; stops at `maxChars`. */
async function pdfText(data) {
  const { pdf, pages } = await pdfPages(data);
  if (byPage) {
    let left = maxChars;
    const kept = pages
      .map((page) => tidy(page).trim())
      .map((page) => {
        const cut = page.slice(0, Math.max(0, left));
        left -= page.length;
        return cut;
      });
    return { pages: kept, pageCount: pdf.numPages, truncated: pdf.numPages > pages.length || left < 0 };
  }
  const merged = tidy(pages.join("\n"));
  return { text: merged.slice(0, maxChars), truncated: pdf.numPages > pages.length || merged.length > maxChars };
}

/** Whitespace as the upload parser has always left it: runs of spaces to one, at most one blank line. */
function tidy(text) {
  return text
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n");
}

/** The raw text of the first `maxPages` pages (fewer once `maxChars` are read), page 1 first. */
async function pdfPages(data) {
  const { getDocumentProxy } = await import("unpdf");
  // verbosity 0: damaged PDFs print no warnings; no eval, no system fonts: nothing reaches outside the thread.
  const pdf = await getDocumentProxy(data, { verbosity: 0, isEvalSupported: false, useSystemFonts: false });
  const pages = [];
  let chars = 0;
  const last = Math.min(pdf.numPages, maxPages);
  for (let number = 1; number <= last && chars <= maxChars; number++) {
    const page = await pdf.getPage(number);
    const content = await page.getTextContent();
    const text = content.items
      .filter((item) => item.str != null)
      .map((item) => item.str + (item.hasEOL ? "\n" : ""))
      .join("");
    pages.push(text);
    chars += text.length;
    page.cleanup();
  }
  return { pdf, pages };
}

async function docxText(data) {
  const { default: mammoth } = await import("mammoth");
  const { value } = await mammoth.extractRawText({
    buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  });
  return { text: value.slice(0, maxChars), truncated: value.length > maxChars };
}
