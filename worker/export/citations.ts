// Citation discipline for generated sections: [@key] clusters must name stored sources, links must be theirs. Pure.

/** CSL locator labels we recognise after a key: "[@key, p. 12]", "[@key, S. 12]", "[@key, с. 12]", "[@key, ch. 3]". */
export type CslLocatorLabel = "page" | "chapter" | "section" | "paragraph" | "figure" | "volume" | "line" | "verse";

export type CitationRef = {
  key: string;
  locator?: string;
  label?: CslLocatorLabel;
  /** Text before the key inside the brackets ("see" in "[see @key]"). */
  prefix?: string;
  /** Text after the key and locator ("for a review" in "[@key, p. 3, for a review]"). */
  suffix?: string;
  /** "[-@key]": the author is already named in the sentence. */
  suppressAuthor?: boolean;
};

export type CitationCluster = { start: number; end: number; raw: string; refs: CitationRef[] };

// Pandoc-like keys: start with a letter, digit or "_", internal punctuation allowed, never ending in punctuation.
const KEY = String.raw`[\p{L}\p{N}_](?:[\p{L}\p{N}_:.#$%&+?<>~\/-]*[\p{L}\p{N}_])?`;
const BRACKETS = /\[([^[\]]*)\]/g;
const REF = new RegExp(String.raw`^\s*(.*?)(-?)@(${KEY})(?![\p{L}\p{N}_@])\s*(?:,\s*(.*?))?\s*$`, "su");

const LABELS: Array<[RegExp, CslLocatorLabel]> = [
  [/^(?:p|pp|page|pages|s|ss|seite|seiten|с|сс|стор|стр|str|pag|pagg|págs?)\.?$/iu, "page"],
  [/^(?:ch|chap|chapter|kap|розд|гл)\.?$/iu, "chapter"],
  [/^(?:sec|section|§)\.?$/iu, "section"],
  [/^(?:para|paragraph|¶|абз)\.?$/iu, "paragraph"],
  [/^(?:fig|figure|abb|рис)\.?$/iu, "figure"],
  [/^(?:vol|volume|bd|т)\.?$/iu, "volume"],
  [/^(?:l|line|ll)\.?$/iu, "line"],
  [/^(?:v|vv|verse)\.?$/iu, "verse"],
];

function parseLocator(rest: string): Pick<CitationRef, "locator" | "label" | "suffix"> {
  // "p. 12", "pp. 12–14", "12", "S. 12, 14", optionally followed by ", suffix text".
  const m = /^(?:([\p{L}§¶]+\.?)\s*)?(\d[\d\s,–—-]*[\dIVXLCivxlc]*)(?:\s*,\s*(.*))?$/su.exec(rest);
  if (m) {
    const label = m[1] ? LABELS.find(([re]) => re.test(m[1]))?.[1] : "page";
    if (label) {
      const locator = m[2].trim().replace(/,$/, "");
      return { locator, label, ...(m[3] ? { suffix: m[3].trim() } : {}) };
    }
  }
  return rest ? { suffix: rest } : {};
}

/** Every [@…] cluster in the text, in order; brackets without a well-formed @key (e.g. "[see above]") are not clusters. */
export function parseCitationClusters(text: string): CitationCluster[] {
  const clusters: CitationCluster[] = [];
  for (const m of text.matchAll(BRACKETS)) {
    // "[text](https://…)" is a Markdown link, not a citation.
    if (text[m.index + m[0].length] === "(") continue;
    if (!m[1].includes("@")) continue;
    const refs: CitationRef[] = [];
    let ok = true;
    for (const part of m[1].split(";")) {
      const r = REF.exec(part);
      // An "@" inside a word (an e-mail address) is not a key.
      if (!r || (r[1] && !/\s$/.test(r[1]))) {
        ok = false;
        break;
      }
      const prefix = r[1].trim();
      refs.push({
        key: r[3],
        ...(prefix ? { prefix } : {}),
        ...(r[2] ? { suppressAuthor: true } : {}),
        ...parseLocator((r[4] ?? "").trim()),
      });
    }
    if (ok && refs.length) clusters.push({ start: m.index, end: m.index + m[0].length, raw: m[0], refs });
  }
  return clusters;
}

/** The keys cited in the text, each once, in order of first citation. */
export function findCitationKeys(text: string): string[] {
  return [...new Set(parseCitationClusters(text).flatMap((c) => c.refs.map((r) => r.key)))];
}

/** Keys that name no stored source of this document, and what to tell the model about them on the next attempt. */
export function checkCitations(text: string, knownKeys: Set<string>): { unknown: string[]; feedback: string[] } {
  const unknown = findCitationKeys(text).filter((k) => !knownKeys.has(k));
  const known = [...knownKeys];
  const list =
    known.length > 40
      ? `${known
          .slice(0, 40)
          .map((k) => `@${k}`)
          .join(", ")}, …`
      : known.map((k) => `@${k}`).join(", ");
  const feedback = unknown.map((k) =>
    known.length
      ? `[@${k}] is not a source of this document. Cite only these keys: ${list}; or leave the claim uncited.`
      : `[@${k}] is not a source of this document, which has no sources yet: do not cite anything.`,
  );
  return { unknown, feedback };
}

/** Drops unknown keys from their clusters (a cluster left empty goes, with the space before it). */
export function removeUnknownCitations(text: string, knownKeys: Set<string>): { text: string; removed: string[] } {
  const removed: string[] = [];
  let out = "";
  let last = 0;
  for (const cluster of parseCitationClusters(text)) {
    const parts = cluster.raw.slice(1, -1).split(";");
    const kept = parts.filter((_, i) => knownKeys.has(cluster.refs[i].key));
    if (kept.length === parts.length) continue;
    for (const r of cluster.refs) if (!knownKeys.has(r.key) && !removed.includes(r.key)) removed.push(r.key);
    let before = text.slice(last, cluster.start);
    if (!kept.length) before = before.replace(/[ \t\u00a0]+$/, "");
    out += before + (kept.length ? `[${kept.map((p) => p.trim()).join("; ")}]` : "");
    last = cluster.end;
  }
  return { text: removed.length ? out + text.slice(last) : text, removed };
}

export type AllowedLinks = { dois: string[]; urls: string[] };

type Link = { start: number; end: number; raw: string; doi?: string; url?: string };

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`\]]+/giu;

/** Whether URL_RE can match: a link has "://" or "www." (in any case). */
export function mayHaveUrl(text: string): boolean {
  return text.includes("://") || /www\./i.test(text);
}
const DOI_RE = /\b10\.\d{4,9}\/[^\s<>"'`]+/gu;

/** Trailing sentence punctuation is not part of a link; a closing bracket only if it has no partner inside. */
function trimLink(raw: string): string {
  let s = raw;
  for (;;) {
    const last = s.at(-1) ?? "";
    if (/[.,;:!?*_»”’]/.test(last)) s = s.slice(0, -1);
    else if (last === ")" && count(s, "(") < count(s, ")")) s = s.slice(0, -1);
    else return s;
  }
}
const count = (s: string, ch: string) => s.split(ch).length - 1;

export function normalizeDoi(doi: string): string {
  return doi
    .trim()
    .replace(/^(?:https?:\/\/)?(?:dx\.)?doi\.org\//i, "")
    .replace(/^doi:\s*/i, "")
    .toLowerCase();
}

function normalizeUrl(url: string): string {
  const withScheme = /^www\./i.test(url) ? `https://${url}` : url;
  try {
    const u = new URL(withScheme);
    u.hash = "";
    const path = u.pathname.replace(/\/+$/, "");
    return `${u.hostname.replace(/^www\./, "").toLowerCase()}${path}${u.search}`;
  } catch {
    return url.toLowerCase();
  }
}

function findLinks(text: string): Link[] {
  const links: Link[] = [];
  // Each pattern only where its mark occurs: most sections have no link, and the patterns try every word.
  if (mayHaveUrl(text))
    for (const m of text.matchAll(URL_RE)) {
      const raw = trimLink(m[0]);
      const doi = /^(?:https?:\/\/)?(?:dx\.)?doi\.org\/(10\.\S+)$/i.exec(raw)?.[1];
      links.push({
        start: m.index,
        end: m.index + raw.length,
        raw,
        ...(doi ? { doi: normalizeDoi(doi) } : { url: raw }),
      });
    }
  if (text.includes("10."))
    for (const m of text.matchAll(DOI_RE)) {
      if (links.some((l) => m.index >= l.start && m.index < l.end)) continue;
      const raw = trimLink(m[0]);
      links.push({ start: m.index, end: m.index + raw.length, raw, doi: normalizeDoi(raw) });
    }
  return links.sort((a, b) => a.start - b.start);
}

function isAllowed(link: Link, allowed: AllowedLinks): boolean {
  const dois = new Set(allowed.dois.map(normalizeDoi));
  if (link.doi) return dois.has(link.doi) || allowed.urls.some((u) => normalizeUrl(u) === normalizeUrl(link.raw));
  const urls = new Set(allowed.urls.map(normalizeUrl));
  return urls.has(normalizeUrl(link.url!));
}

/** DOIs and URLs in the text that belong to no stored source, each once, as written. */
export function findForeignLinks(text: string, allowed: AllowedLinks): string[] {
  return [
    ...new Set(
      findLinks(text)
        .filter((l) => !isAllowed(l, allowed))
        .map((l) => l.raw),
    ),
  ];
}

/** Removes foreign DOIs and URLs: a Markdown link keeps its text, "<url>" and "doi:" go with the link. */
export function stripForeignLinks(text: string, allowed: AllowedLinks): { text: string; removed: string[] } {
  const foreign = findLinks(text).filter((l) => !isAllowed(l, allowed));
  if (!foreign.length) return { text, removed: [] };
  let out = text;
  for (const link of [...foreign].reverse()) {
    let start = link.start;
    let end = link.end;
    let replacement = "";
    const before = out.slice(0, start);
    const markdown = /\[([^[\]]*)\]\($/.exec(before);
    if (markdown && out[end] === ")") {
      start -= markdown[0].length;
      end += 1;
      replacement = markdown[1];
    } else if (before.endsWith("<") && out[end] === ">") {
      start -= 1;
      end += 1;
    } else {
      const label = /(?:\b(?:doi|DOI|URL|url)\s*:?\s*)$/.exec(before);
      if (label) start -= label[0].length;
    }
    let left = out.slice(0, start);
    let right = out.slice(end);
    if (!replacement) {
      // Tidy only around the cut: "(url)" goes whole, no space is left before punctuation or at a line start.
      if (/\(\s*$/.test(left) && /^\s*\)/.test(right)) {
        left = left.replace(/\s*\(\s*$/, "");
        right = right.replace(/^\s*\)/, "");
      }
      if (/[ \t]$/.test(left) && /^(?:[ \t]|[.,;:!?]|$)/.test(right)) left = left.replace(/[ \t]+$/, "");
      if (/(?:^|\n)$/.test(left)) right = right.replace(/^[ \t]+/, "");
    }
    out = left + replacement + right;
  }
  return { text: out, removed: [...new Set(foreign.map((l) => l.raw))] };
}
