// What changed between one version of a delivered text and the current text, section by section, word by word
// (jsdiff). Server-only: the page receives the parts, not the library.
import { diffWords } from "diff";
import type { VersionedSection } from "../../db/schema";

/** A run of words: in both texts, only in the current text (`added`), or only in the version (`removed`). */
export type DiffPart = { kind: "same" | "added" | "removed"; text: string };

export type SectionDiff = {
  index: number;
  heading: string;
  change: "unchanged" | "changed";
  parts: DiffPart[];
};

/** Past this many edits a word diff costs more than it tells: the section shows as replaced whole. */
const MAX_EDIT_LENGTH = 1_000;

/** Each section of `version` against the same section (by index) of `current`; a missing one counts as empty. */
export function diffSections(version: VersionedSection[], current: VersionedSection[]): SectionDiff[] {
  const indexes = [...new Set([...version, ...current].map((s) => s.index))].sort((a, b) => a - b);
  return indexes.map((index) => {
    const before = version.find((s) => s.index === index);
    const now = current.find((s) => s.index === index);
    const heading = now?.heading ?? before?.heading ?? "";
    const [old, fresh] = [before?.content ?? "", now?.content ?? ""];
    if (old === fresh) return { index, heading, change: "unchanged", parts: [{ kind: "same", text: old }] };
    return { index, heading, change: "changed", parts: wordDiff(old, fresh) };
  });
}

/** At least this many words must be added or removed: those found only on one side (cheap, before the diff). */
function fewestEdits(old: string, fresh: string): number {
  const [before, after] = [old.split(/\s+/), fresh.split(/\s+/)];
  const [inBefore, inAfter] = [new Set(before), new Set(after)];
  return before.filter((w) => !inAfter.has(w)).length + after.filter((w) => !inBefore.has(w)).length;
}

function wordDiff(old: string, fresh: string): DiffPart[] {
  const changes =
    fewestEdits(old, fresh) > MAX_EDIT_LENGTH ? undefined : diffWords(old, fresh, { maxEditLength: MAX_EDIT_LENGTH });
  if (!changes) {
    return [
      { kind: "removed", text: old },
      { kind: "added", text: fresh },
    ].filter((p) => p.text) as DiffPart[];
  }
  return changes.map((c) => ({ kind: c.added ? "added" : c.removed ? "removed" : "same", text: c.value }));
}
