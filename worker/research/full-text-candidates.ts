// Which sources of an order get their open-access PDF fetched: those the plan assigned to a section, best first
// (the customer's own first), up to MAX_FULL_TEXTS_PER_ORDER.
import { MAX_FULL_TEXTS_PER_ORDER } from "./full-text";

export function fullTextsToFetch(
  sources: readonly { key: string; openAccessUrl: string | null }[],
  assignment: ReadonlyMap<number, readonly string[]>,
): { key: string; url: string }[] {
  const assigned = new Set([...assignment.values()].flat());
  return sources
    .filter((s) => s.openAccessUrl && assigned.has(s.key))
    .slice(0, MAX_FULL_TEXTS_PER_ORDER)
    .map((s) => ({ key: s.key, url: s.openAccessUrl! }));
}
