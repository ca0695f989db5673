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
