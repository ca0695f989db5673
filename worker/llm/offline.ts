import { OFFLINE_WRITER_MODEL } from "../../app/utils/provider-chain.server";
import type { Completion, CompletionRequest, LlmProvider } from "./provider";

// Parts of the demo sentences. Combined at random per section (seeded), so sections of one document do not repeat
// each other's phrases: the uniqueness gate compares every section with the others.
const OPENERS = [
  "In the context of {heading},",
  "Seen from the perspective of {point},",
  "For any serious account of {topic},",
  "Across the literature,",
  "At the level of practice,",
  "In comparative terms,",
  "Historically,",
  "From a methodological standpoint,",
  "Taken together,",
  "On closer inspection,",
];
const SUBJECTS = [
  "the evidence on {point}",
  "recent scholarship",
  "the debate about {topic}",
  "careful fieldwork",
  "the institutional record",
  "a growing body of case studies",
  "critical commentators",
  "quantitative surveys",
  "archival sources",
  "policy evaluations",
  "theoretical models",
  "local experience",
];
const VERBS = [
  "suggests",
  "indicates",
  "complicates",
  "qualifies",
  "reinforces",
  "challenges",
  "illuminates",
  "revises",
  "documents",
  "questions",
];
const OBJECTS = [
  "how {point} shapes everyday decisions",
  "the limits of a single explanation",
  "the weight usually given to {point}",
  "a tension between stated aims and observed outcomes",
  "the role of timing and sequence",
  "why {topic} resists simple generalisation",
  "the uneven distribution of costs and benefits",
  "a gap between national and regional patterns",
  "the importance of measurement choices",
  "the interplay of incentives and norms",
  "an overlooked dimension of {heading}",
  "the durability of earlier arrangements",
];
const CLOSERS = [
  "",
  "",
  ", which matters for the argument that follows",
  ", although the data remain incomplete",
  ", a point that later sections take up",
  ", especially when compared across periods",
  ", at least in the better documented cases",
];

const OUTLINE_BODY = [
  "Background and key concepts",
  "Historical development",
  "Current debates",
  "Methods and evidence",
  "Case studies",
  "Critical assessment",
  "Implications for practice",
  "Open questions",
];

/** Deterministic writer for `npm start` without keys: same order in, same text out. Labelled "offline demo" in the UI. */
export class OfflineWriter implements LlmProvider {
  readonly name = "offline";
  readonly model = OFFLINE_WRITER_MODEL;
  readonly breakerKey = null;

  async complete(request: CompletionRequest): Promise<Completion> {
    if (request.intent.kind === "judge") throw new Error("The offline writer cannot judge requirements");
    const text = request.intent.kind === "outline" ? this.outline(request.intent) : this.section(request.intent);
    return {
      text,
      tokensIn: 0,
      tokensOut: 0,
      provider: this.name,
      model: this.model,
    };
  }

  private outline(intent: Extract<CompletionRequest["intent"], { kind: "outline" }>): string {
    const bodyCount = Math.max(1, intent.sectionCount - 2);
    const body = Array.from({ length: bodyCount }, (_, i) => {
      const base = OUTLINE_BODY[i % OUTLINE_BODY.length];
      const round = Math.floor(i / OUTLINE_BODY.length);
      return round ? `${base} (${round + 1})` : base;
    });
    const headings = ["Introduction", ...body, "Conclusion"].slice(0, intent.sectionCount);
    return JSON.stringify({
      sections: headings.map((heading) => ({
        heading,
        brief: `${heading} of "${intent.topic}".`,
        keyPoints: [`the scope of ${heading.toLowerCase()}`, `evidence on ${intent.topic}`, `open problems`],
      })),
    });
  }

  private section(intent: Extract<CompletionRequest["intent"], { kind: "section" }>): string {
    const random = seededRandom(`${intent.topic}|${intent.heading}|${intent.attempt}`);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    const points = intent.keyPoints.length ? intent.keyPoints : [intent.heading.toLowerCase()];
    const keys = intent.sourceKeys ?? [];
    const fill = (text: string) =>
      text
        .replaceAll("{topic}", intent.topic)
        .replaceAll("{heading}", intent.heading.toLowerCase())
        .replaceAll("{point}", pick(points));
    const paragraphs: string[] = [];
    let words = 0;
    let sentences = 0;
    while (words < intent.targetWords) {
      const paragraph: string[] = [];
      const length = 4 + Math.floor(random() * 3);
      for (let i = 0; i < length && words < intent.targetWords; i++) {
        const cite = keys.length && sentences % 4 === 1 ? ` [@${keys[Math.floor(sentences / 4) % keys.length]}]` : "";
        const sentence =
          fill(`${pick(OPENERS)} ${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}${pick(CLOSERS)}`) + `${cite}.`;
        paragraph.push(sentence.charAt(0).toUpperCase() + sentence.slice(1));
        words += sentence.split(/\s+/).length;
        sentences++;
      }
      paragraphs.push(paragraph.join(" "));
    }
    return paragraphs.join("\n\n");
  }
}

// mulberry32 seeded by FNV-1a: tiny, deterministic, good enough to vary demo sentences.
function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
