// Reads the text of an uploaded PDF or DOCX, in a thread of its own (upload-text.server.ts starts one per file and
// ends it when it runs out of time or memory): a hostile file can stall or fill this thread, never the web process.
// Plain JavaScript so it starts under any loader (tsx, vitest, node). In: workerData { kind, bytes, maxPages,
// maxChars }. Out: one message, { text, truncated } or { failure: "password" | "damaged" }.
import { parentPort, workerData } from "node:worker_threads";

const { kind, bytes, maxPages, maxChars } = workerData;

try {
  parentPort.postMessage(kind === "pdf" ? await pdfText(bytes) : await docxText(bytes));
} catch (error) {
  parentPort.postMessage({ failure: error?.name === "PasswordException" ? "password" : "damaged" });
}

/** The first `maxPages` pages' text, as unpdf's extractText({ mergePages: true }) joins it; stops at `maxChars`. */
async function pdfText(data) {
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
  const merged = pages
    .join("\n")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n");
  return { text: merged.slice(0, maxChars), truncated: pdf.numPages > last || merged.length > maxChars };
}

async function docxText(data) {
  const { default: mammoth } = await import("mammoth");
  const { value } = await mammoth.extractRawText({
    buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  });
  return { text: value.slice(0, maxChars), truncated: value.length > maxChars };
}
