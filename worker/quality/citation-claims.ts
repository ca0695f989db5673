// A section's sentences and the sources each one cites ([@key] clusters, worker/export/citations.ts), and the removal
// of chosen citations from chosen sentences. Pure.
import { parseCitationClusters, removeUnknownCitations } from "../export/citations";

/** A sentence of the text: where it stands (`start`, `end` in the text) and the keys it cites, each once. */
export type Sentence = { index: number; text: string; start: number; end: number; keys: string[] };

/** The text's sentences, split as the order's language splits them (Intl.Segmenter); a citation never splits one. */
export function sentencesOf(text: string, language: string): Sentence[] {
  const segmenter = new Intl.Segmenter(language.split(/[-_]/)[0] || "en", { granularity: "sentence" });
  const spans: { start: number; end: number }[] = [];
  for (const s of segmenter.segment(text)) {
    const previous = spans.at(-1);
    // "[@key, p. 12]" or "[see @a; @b]" may look like a sentence end to the segmenter: the brackets stay whole.
    if (previous && unbalanced(text.slice(previous.start, previous.end))) previous.end = s.index + s.segment.length;
    else spans.push({ start: s.index, end: s.index + s.segment.length });
  }
  const sentences: Sentence[] = [];
  for (const span of spans) {
    const raw = text.slice(span.start, span.end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (!trimmed) continue;
    const start = span.start + lead;
    const keys = [...new Set(parseCitationClusters(trimmed).flatMap((c) => c.refs.map((r) => r.key)))];
    sentences.push({ index: sentences.length, text: trimmed, start, end: start + trimmed.length, keys });
  }
  return sentences;
}

function unbalanced(text: string): boolean {
  return text.split("[").length > text.split("]").length;
}

/** `text` without the citations of `removals` (sentence index → keys to drop from that sentence only). */
export function removeCitations(
  text: string,
  sentences: readonly Sentence[],
  removals: Map<number, Set<string>>,
): string {
  let out = "";
  let last = 0;
  for (const sentence of sentences) {
    const drop = removals.get(sentence.index);
    if (!drop?.size) continue;
    const kept = new Set(sentence.keys.filter((k) => !drop.has(k)));
    out += text.slice(last, sentence.start) + removeUnknownCitations(sentence.text, kept).text;
    last = sentence.end;
  }
  return out + text.slice(last);
}
