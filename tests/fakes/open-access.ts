// Open-access PDFs as publishers' and repositories' servers would serve them, for tests/fakes/scholarly.ts: the indexes'
// records point at /oa/<kind>/<id>.pdf on the same fake server. Real PDFs made with pdfkit at request time (several
// pages, known text per page), and the hostile ones: too big, not a PDF, one that never finishes, one that takes days
// to read, an encrypted one, a redirect to a private address, a link to the cloud metadata address.
import type { IncomingMessage, ServerResponse } from "node:http";
import PDFDocument from "pdfkit";
import { nestedFormsPdf } from "../fixtures/files";

export type OpenAccessKind =
  "pages" | "big" | "html" | "slow" | "endless" | "encrypted" | "private" | "redirect-private";

/** Pages of a "pages" PDF. */
export const OPEN_ACCESS_PAGES = 3;
/** Bytes of the "big" file: past any limit a test sets (the default is 20 MB; tests set less). */
export const BIG_PDF_BYTES = 3 * 1024 * 1024;

/** The text of page `page` (1 = first) of the open-access PDF of the work `id` (one short line: never wrapped). */
export function openAccessPageText(id: string, page: number): string {
  return `Work ${id}, page ${page}: its findings in full.`;
}

/** Where the fake's records say the PDF of work `id` is, for a server at `origin`. */
export function openAccessUrl(origin: string, kind: OpenAccessKind, id: string): string {
  if (kind === "private") return `http://169.254.169.254/latest/${id}.pdf`;
  return `${origin}/oa/${kind}/${id}.pdf`;
}

function pdf(build: (doc: PDFKit.PDFDocument) => void, options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", autoFirstPage: false, ...options });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    build(doc);
    doc.end();
  });
}

/** A real PDF of OPEN_ACCESS_PAGES pages, page n saying openAccessPageText(id, n). */
export function openAccessPdf(id: string, options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return pdf((doc) => {
    for (let n = 1; n <= OPEN_ACCESS_PAGES; n++) doc.addPage().fontSize(12).text(openAccessPageText(id, n));
  }, options);
}

/**
 * Answers GET /oa/<kind>/<id>.pdf; false when the path is not one of these. `requested` receives every path asked
 * (a redirect's target included), so a test sees what was reached.
 */
export async function answerOpenAccess(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  requested: string[],
): Promise<boolean> {
  const match = /^\/oa\/([a-z-]+)\/([\w.-]+)\.pdf$/.exec(path);
  if (!match) return false;
  requested.push(path);
  const [, kind, id] = match as unknown as [string, OpenAccessKind | "secret", string];
  const sendPdf = (bytes: Buffer) => {
    res.writeHead(200, { "content-type": "application/pdf", "content-length": String(bytes.length) });
    res.end(bytes);
  };
  switch (kind) {
    case "pages":
      sendPdf(await openAccessPdf(id));
      return true;
    case "encrypted":
      sendPdf(await openAccessPdf(id, { userPassword: "only-for-subscribers", pdfVersion: "1.7" }));
      return true;
    case "endless":
      sendPdf(nestedFormsPdf());
      return true;
    case "big": {
      // No Content-Length: the size shows only while reading.
      res.writeHead(200, { "content-type": "application/pdf" });
      res.write("%PDF-1.4\n");
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let sent = 0; sent < BIG_PDF_BYTES && !res.destroyed; sent += chunk.length) {
        if (!res.write(chunk)) await drained(res);
      }
      res.end();
      return true;
    }
    case "html":
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(`<!doctype html><html><body>${"Sign in to read this article. ".repeat(80)}</body></html>`);
      return true;
    case "slow":
      // The start of a PDF, then nothing: the download never ends (the client's time limit does).
      res.writeHead(200, { "content-type": "application/pdf" });
      res.write("%PDF-1.4\n");
      return true;
    case "redirect-private": {
      // Same server, named "localhost": another origin, whose address is loopback.
      const port = req.socket.localPort;
      res.writeHead(302, { location: `http://localhost:${port}/oa/secret/${id}.pdf` });
      res.end();
      return true;
    }
    case "secret":
      sendPdf(await openAccessPdf(`secret-${id}`));
      return true;
    default:
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return true;
  }
}

/** Until the response can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
