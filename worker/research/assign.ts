// Which sources each section of the plan should draw on: word overlap between the section (heading, key points)
// and the source (title, abstract), every source used at least once when there is room, the introduction and the
// conclusion leaning on the most general (best-ranked) sources.
import { contentStems, foldText } from "./text";

export type SectionPlan = { index: number; heading: string; keyPoints: string[] };
/**
 * Sources in ranked order (best first): the rank is what "general" means here. `priority`: the customer's own, placed
 * before every other.
 */
export type AssignableSource = { key: string; title: string; abstract: string | null; priority?: boolean };

const FRAMING_HEADING =
  /^(\d+[.)]?\s*)?(introduction|introduzione|introduccion|einleitung|einfuhrung|wstep|введение|вступ|conclusion|conclusions|conclusioni|conclusiones|conclusion|fazit|schlussfolgerung|zakonczenie|wnioski|заключение|выводы|висновки|summary|final remarks|considerazioni finali)/;

export function isFramingSection(heading: string): boolean {
  return FRAMING_HEADING.test(foldText(heading).trim());
}

function weights(parts: [string, number][]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [text, weight] of parts) {
    for (const stem of contentStems(text)) out.set(stem, Math.max(out.get(stem) ?? 0, weight));
  }
  return out;
}

/**
 * How well a source fits a section, 0..1: the share of the section's words (heading counted twice) found in the
 * source (title counted twice). A framing section (introduction, conclusion) also scores the source's rank.
 */
export function overlapScores(sources: AssignableSource[], sections: SectionPlan[]): number[][] {
  const sourceWords = sources.map((s) =>
    weights([
      [s.title, 2],
      [s.abstract ?? "", 1],
    ]),
  );
  const n = sources.length;
  return sections.map((section) => {
    const words = weights([[section.heading, 2], ...section.keyPoints.map((p): [string, number] => [p, 1])]);
    const total = [...words.values()].reduce((a, b) => a + b, 0);
    const framing = isFramingSection(section.heading);
    return sourceWords.map((sw, rank) => {
      let shared = 0;
      for (const [stem, w] of words) if (sw.has(stem)) shared += w * (sw.get(stem) === 2 ? 1 : 0.75);
      const overlap = total > 0 ? shared / total : 0;
      const generality = 1 - rank / Math.max(n, 1);
      return framing ? 0.5 * overlap + 0.5 * generality : overlap + 0.001 * generality;
    });
  });
}

/**
 * Up to `perSection` source keys per section index, best fit first. The customer's own sources (`priority`) are placed
 * first, every one of them (a section takes more than `perSection` when there are that many), and listed first in
 * their sections. Then the others one by one (the most clearly placed first) in the best-fitting section with room,
 * so each is used once while room lasts; then sections with room take further sources that share words with them; a
 * section never ends up without a source while there is any. Deterministic: ties go to the better-ranked source and
 * the section with fewer sources, then the lower index.
 */
export function assignSourcesToSections(
  sources: AssignableSource[],
  sections: SectionPlan[],
  perSection = 4,
): Map<number, string[]> {
  const result = new Map<number, string[]>(sections.map((s) => [s.index, []]));
  if (sources.length === 0 || sections.length === 0 || perSection <= 0) return result;
  const scores = overlapScores(sources, sections);
  const chosen: number[][] = sections.map(() => []);

  // 1. Each source once: the customer's first, then the others, each in order of how well it fits its best section.
  const best = sources.map((_, j) => Math.max(...sections.map((_, i) => scores[i][j])));
  const isPriority = (j: number) => sources[j].priority === true;
  const priorityRoom = Math.max(perSection, Math.ceil(sources.filter((s) => s.priority).length / sections.length));
  const order = sources
    .map((_, j) => j)
    .sort((a, b) => Number(isPriority(b)) - Number(isPriority(a)) || best[b] - best[a] || a - b);
  for (const j of order) {
    const room = isPriority(j) ? priorityRoom : perSection;
    let target = -1;
    for (let i = 0; i < sections.length; i++) {
      if (chosen[i].length >= room) continue;
      if (
        target === -1 ||
        scores[i][j] > scores[target][j] ||
        (scores[i][j] === scores[target][j] && chosen[i].length < chosen[target].length)
      ) {
        target = i;
      }
    }
    if (target === -1) continue; // every section is full (for this source)
    chosen[target].push(j);
  }

  // 2. Sections with room take more sources that fit them (a source may then serve two sections).
  for (let i = 0; i < sections.length; i++) {
    const candidates = sources
      .map((_, j) => j)
      .filter((j) => !chosen[i].includes(j) && (chosen[i].length === 0 || scores[i][j] > 0.001))
      .sort((a, b) => scores[i][b] - scores[i][a] || a - b);
    for (const j of candidates) {
      if (chosen[i].length >= perSection) break;
      chosen[i].push(j);
    }
  }

  sections.forEach((section, i) => {
    const ordered = [...chosen[i]].sort(
      (a, b) => Number(isPriority(b)) - Number(isPriority(a)) || scores[i][b] - scores[i][a] || a - b,
    );
    result.set(
      section.index,
      ordered.map((j) => sources[j].key),
    );
  });
  return result;
}
