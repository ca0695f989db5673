// Citation markers in a section's text, `[@key]` and `[@a; @b, p. 12]` (shared with the browser: the editor shows
// them as chips and refuses a broken one before it saves; the server refuses the same ones).

const KEY = /^\s*@([\w:.#$%&+?<>~/-]+)/;

/** Every key a text cites, each once, in order of first appearance. */
export function citedKeys(text: string): string[] {
  const keys = new Set<string>();
  for (const [, inside] of text.matchAll(/\[(@[^\]]+)\]/g)) {
    for (const part of inside!.split(";")) {
      const key = KEY.exec(part)?.[1];
      if (key) keys.add(key);
    }
  }
  return [...keys];
}

/**
 * The markers a person broke while editing: a `[@` never closed in its paragraph (or closed after another `[`), or a
 * group with a part that names no key (`[@a; b]`). Each is returned as written (cut to 40 characters), to be named.
 */
export function brokenCitations(text: string): string[] {
  const broken: string[] = [];
  for (const opened of text.matchAll(/\[@/g)) {
    const rest = text.slice(opened.index);
    const marker = /^\[@[^\][\n]*\]/.exec(rest)?.[0];
    if (!marker) {
      broken.push(/^\[@[^[\n]*/.exec(rest)![0].trimEnd().slice(0, 40));
      continue;
    }
    if (
      marker
        .slice(1, -1)
        .split(";")
        .some((part) => !KEY.test(part))
    )
      broken.push(marker.slice(0, 40));
  }
  return broken;
}
