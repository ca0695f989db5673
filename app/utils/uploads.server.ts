import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileTypeFromBuffer, type FileTypeResult } from "file-type";
import yauzl from "yauzl";
import { stripControlCharacters } from "./control-characters";
import { DEFAULT_UPLOAD_READ_TIMEOUT_SECONDS, MAX_UPLOAD_BYTES, MAX_UPLOAD_MEGABYTES } from "./upload-limits";
import { type FoundKind, UNNAMED_FILE, UploadRefusedError } from "./upload-refusal.server";
import { readDocumentText } from "./upload-text.server";

// Requirements files: a customer's PDF, DOCX or TXT is inspected here before anything is stored, and its text extracted.

export { MAX_UPLOAD_BYTES, UploadRefusedError };
/** More text than this is cut: a requirements file is a brief, not the thesis itself. */
export const MAX_EXTRACTED_CHARS = 100_000;
const MAX_DOCX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;
const MAX_DOCX_COMPRESSION_RATIO = 100;
// A real DOCX has a few dozen parts; thousands only make the central directory expensive to walk.
const MAX_DOCX_ENTRIES = 5_000;
const MAX_FILENAME_CHARS = 100;

export type UploadKind = "pdf" | "docx" | "txt";

export const ALLOWED_UPLOAD_TYPES: { extension: UploadKind; mimeType: string; label: string }[] = [
  { extension: "pdf", mimeType: "application/pdf", label: "PDF" },
  {
    extension: "docx",
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    label: "DOCX",
  },
  { extension: "txt", mimeType: "text/plain", label: "TXT" },
];

export type InspectedUpload = {
  kind: UploadKind;
  mimeType: string;
  /** Sanitised: basename only, no control characters, at most 100 characters. */
  filename: string;
  sizeBytes: number;
  sha256: string;
  /** Normalised text; "" when a PDF or DOCX holds no text (e.g. a scan), which the customer is shown. */
  text: string;
  truncated: boolean;
};

// Formats file-type recognises that are themselves plain text (e.g. notes that start with "<?xml"): fine in a .txt.
const TEXT_FORMATS = new Set(["xml", "ics", "vcf", "vtt"]);

/**
 * Checks a requirements file and extracts its text (a PDF's or DOCX's in a thread given `readTimeoutMs`); throws
 * UploadRefusedError with a customer-readable reason.
 */
export async function inspectUpload(
  filename: string,
  bytes: Uint8Array,
  { readTimeoutMs = DEFAULT_UPLOAD_READ_TIMEOUT_SECONDS * 1000 }: { readTimeoutMs?: number } = {},
): Promise<InspectedUpload> {
  const name = sanitiseFilename(filename);
  const extension = extensionOf(name);
  if (bytes.byteLength === 0) throw new UploadRefusedError("empty", { name });
  // Checked before the extension, whatever the file is called: a program is never a requirements file.
  if (looksExecutable(bytes)) throw new UploadRefusedError("program", { name });

  const type = ALLOWED_UPLOAD_TYPES.find((t) => t.extension === extension);
  if (!type) throw new UploadRefusedError(extension === "doc" ? "oldWord" : "notAccepted", { name });
  if (bytes.byteLength > MAX_UPLOAD_BYTES) {
    throw new UploadRefusedError("tooLarge", {
      name,
      sizeBytes: bytes.byteLength,
      megabytes: MAX_UPLOAD_MEGABYTES,
    });
  }

  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const detected = await detectType(buffer);
  let raw: string;
  let cut = false;
  switch (type.extension) {
    case "pdf":
      if (detected?.ext !== "pdf") throw new UploadRefusedError("notRealPdf", { name, ...describe(detected, buffer) });
      ({ text: raw, truncated: cut } = await documentText(name, "pdf", bytes, readTimeoutMs));
      break;
    case "docx":
      // A DOCX is a ZIP; file-type names it "docx" only when it can tell from the first parts, so a plain ZIP is checked below.
      if (
        (detected && detected.ext !== "docx" && detected.ext !== "zip") ||
        !startsWith(buffer, [0x50, 0x4b, 0x03, 0x04])
      )
        throw new UploadRefusedError("notRealDocx", { name, ...describe(detected, buffer) });
      await checkDocxArchive(name, buffer);
      ({ text: raw, truncated: cut } = await documentText(name, "docx", bytes, readTimeoutMs));
      break;
    case "txt":
      if (detected && !TEXT_FORMATS.has(detected.ext)) {
        throw new UploadRefusedError("notPlainText", { name, ...describe(detected, buffer) });
      }
      raw = plainText(name, buffer);
      break;
  }

  const { text, truncated } = normaliseText(raw);
  // A text file is nothing but its text; a PDF or DOCX without text (a scan) is kept, and the customer sees it is empty.
  if (type.extension === "txt" && !text) throw new UploadRefusedError("noText", { name });
  return {
    kind: type.extension,
    mimeType: type.mimeType,
    filename: name,
    sizeBytes: bytes.byteLength,
    sha256: createHash("sha256").update(buffer).digest("hex"),
    text,
    truncated: truncated || cut,
  };
}

/** Basename only, control and bidirectional-override characters removed, at most 100 characters (extension kept). */
export function sanitiseFilename(filename: string): string {
  const base = filename.split(/[/\\]/).pop() ?? "";
  // Bidi overrides can make "cod.exe" display as "exe.doc"; control characters can forge lines in messages and logs.
  const clean = stripControlCharacters(base.normalize("NFC"))
    .replace(/[\t\n\r\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, "")
    .trim();
  if (!clean || clean === "." || clean === "..") return UNNAMED_FILE;
  const chars = Array.from(clean);
  if (chars.length <= MAX_FILENAME_CHARS) return clean;
  const extension = /\.[a-z0-9]{1,10}$/i.exec(clean)?.[0] ?? "";
  return chars.slice(0, MAX_FILENAME_CHARS - extension.length - 1).join("") + "…" + extension;
}

/** Lowercase extension without the dot, or "" when there is none. */
function extensionOf(name: string): string {
  return /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
}

function looksExecutable(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0x4d, 0x5a])) return true; // MZ: Windows/DOS executable
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return true; // \x7fELF
  // Scripts still run with a BOM or blank lines in front, so look past them.
  const head = new TextDecoder("utf-8")
    .decode(bytes.subarray(0, 1024))
    .replace(/^\ufeff/, "")
    .trimStart();
  return head.startsWith("#!") || head.slice(0, 5).toLowerCase() === "<?php";
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return bytes.byteLength >= signature.length && signature.every((b, i) => bytes[i] === b);
}

async function detectType(buffer: Buffer): Promise<FileTypeResult | undefined> {
  try {
    return await fileTypeFromBuffer(buffer);
  } catch {
    // file-type gives up on malformed or oversized containers; the checks per kind then refuse the file themselves.
    return undefined;
  }
}

/** What the file really is, for "… is not a real PDF file (…)": the words are orders:uploadRefused.found.*. */
function describe(detected: FileTypeResult | undefined, buffer: Buffer): { found: FoundKind; format?: string } {
  if (detected?.ext === "zip" || detected?.ext === "cfb") return { found: detected.ext };
  // English says "an" before letters spoken with a vowel sound: an RTF, an MP3, an XLSX; a PNG, a DOCX.
  if (detected)
    return { found: /^[aefhilmnorsx]/i.test(detected.ext) ? "formatAn" : "format", format: detected.ext.toUpperCase() };
  return { found: isPlainText(buffer) ? "plainText" : "unknown" };
}

function isPlainText(buffer: Buffer): boolean {
  const sample = buffer.subarray(0, 64 * 1024);
  try {
    // stream: true, because the sample may end in the middle of a multi-byte character.
    new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: true });
  } catch {
    return false;
  }
  return !sample.includes(0);
}

function plainText(name: string, buffer: Buffer): string {
  if (buffer.includes(0)) throw new UploadRefusedError("binary", { name });
  try {
    // ignoreBOM: false (the default) drops a leading UTF-8 BOM.
    return new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  } catch {
    throw new UploadRefusedError("notUtf8", { name });
  }
}

async function documentText(name: string, kind: "pdf" | "docx", bytes: Uint8Array, timeoutMs: number) {
  const read = await readDocumentText(kind, bytes, { timeoutMs });
  if ("text" in read) return read;
  switch (read.failure) {
    case "password":
      throw new UploadRefusedError("password", { name });
    case "timeout":
      throw new UploadRefusedError("timeout", { name, seconds: Math.round(timeoutMs / 1000) });
    case "too-complex":
      throw new UploadRefusedError("tooComplex", { name });
    case "damaged":
      throw new UploadRefusedError(kind === "pdf" ? "damagedPdf" : "damagedWord", { name });
  }
}

/**
 * Zip-bomb and structure checks from the central directory alone; only when those pass is each part inflated once,
 * with yauzl checking it yields exactly the size the directory declared, so a directory that lies is caught too.
 */
async function checkDocxArchive(name: string, buffer: Buffer): Promise<void> {
  const damaged = () => new UploadRefusedError("damagedZip", { name });

  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true }, (err, z) =>
        err ? reject(err) : resolve(z),
      ),
    );
  } catch {
    throw damaged();
  }
  try {
    if (zip.entryCount > MAX_DOCX_ENTRIES) {
      throw new UploadRefusedError("tooManyParts", { name, parts: zip.entryCount });
    }
    let entries: yauzl.Entry[];
    try {
      entries = await readEntries(zip);
    } catch {
      throw damaged();
    }
    let uncompressed = 0;
    let compressed = 0;
    for (const entry of entries) {
      uncompressed += entry.uncompressedSize;
      compressed += entry.compressedSize;
    }
    if (uncompressed > MAX_DOCX_UNCOMPRESSED_BYTES)
      throw new UploadRefusedError("bombSize", { name, megabytes: MAX_DOCX_UNCOMPRESSED_BYTES / 1024 / 1024 });
    if (uncompressed > MAX_DOCX_COMPRESSION_RATIO * Math.max(compressed, 1))
      throw new UploadRefusedError("bombRatio", { name, ratio: MAX_DOCX_COMPRESSION_RATIO });
    if (!entries.some((e) => e.fileName === "word/document.xml"))
      throw new UploadRefusedError("noDocumentPart", { name });
    for (const entry of entries) {
      if (entry.fileName.endsWith("/")) continue;
      try {
        await drainEntry(zip, entry);
      } catch (error) {
        if (/too many bytes/.test(String(error))) {
          throw new UploadRefusedError("bombLying", { name });
        }
        throw damaged();
      }
    }
  } finally {
    zip.close();
  }
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on("entry", (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on("end", () => resolve(entries));
    zip.on("error", reject);
    zip.readEntry();
  });
}

async function drainEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<void> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
  );
  try {
    await pipeline(stream, new Writable({ write: (_chunk, _encoding, done) => done() }));
  } finally {
    (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
}

/** CRLF/CR → LF, control characters dropped, trailing spaces trimmed, 2+ blank lines → 1, capped at 100,000 characters. */
export function normaliseText(raw: string): { text: string; truncated: boolean } {
  // Postgres text cannot hold NUL, and other control characters (form feeds from PDFs) only get in the way.
  let text = stripControlCharacters(raw.replace(/\r\n?/g, "\n").replace(/^\ufeff/, ""))
    .replace(/[ \t\u00a0]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const truncated = text.length > MAX_EXTRACTED_CHARS;
  if (truncated) {
    text = text.slice(0, MAX_EXTRACTED_CHARS);
    // Never end on half of a surrogate pair.
    if (/[\ud800-\udbff]$/.test(text)) text = text.slice(0, -1);
    text = text.trimEnd();
  }
  return { text, truncated };
}
