/**
 * A Content-Disposition naming the file after the document: an ASCII fallback for old clients and the full UTF-8
 * name (RFC 6266 / 5987) for the rest, so "Вплив цифрових технологій" downloads under its own name.
 */
export function contentDisposition(title: string, extension: string): string {
  const base =
    title
      .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 120) || "document";
  const ascii =
    base
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      // Letters NFKD does not split into a base letter and a mark.
      .replace(
        /[łŁøØđĐßæÆ]/g,
        (c) => ({ ł: "l", Ł: "L", ø: "o", Ø: "O", đ: "d", Đ: "D", ß: "ss", æ: "ae", Æ: "AE" })[c]!,
      )
      .replace(/[^A-Za-z0-9._]+/g, "-")
      .replace(/^-+|-+$/g, "") || "document";
  return `attachment; filename="${ascii}.${extension}"; filename*=UTF-8''${encodeURIComponent(`${base}.${extension}`)}`;
}

/** The delivered files: each format's column on documents and its media type. */
export const DOWNLOAD_FORMATS = {
  docx: { column: "docx_key", type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
  pdf: { column: "pdf_key", type: "application/pdf" },
} as const;
export type DownloadFormat = keyof typeof DOWNLOAD_FORMATS;

/** The format a URL names, if it is one of ours (never an inherited name such as "constructor"). */
export function downloadFormat(name: string | undefined): DownloadFormat | undefined {
  return name && Object.hasOwn(DOWNLOAD_FORMATS, name) ? (name as DownloadFormat) : undefined;
}

/** A stored file as a download named after the document, never cached or sniffed. */
export function fileResponse(bytes: Buffer, format: DownloadFormat, title: string): Response {
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": DOWNLOAD_FORMATS[format].type,
      "Content-Disposition": contentDisposition(title, format),
      "Content-Length": String(bytes.byteLength),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
