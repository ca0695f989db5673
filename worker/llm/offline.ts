import type { Completion, CompletionRequest, LlmProvider } from "./provider";

// Sentence frames for the demo text; {topic}, {heading} and {point} are filled from the order and the outline.
const FRAMES = [
  "The literature on {topic} treats {point} as a question that deserves careful attention.",
  "In the context of {heading}, {point} shapes how the evidence should be read.",
  "A closer look at {point} shows why {topic} cannot be reduced to a single explanation.",
  "Researchers who study {topic} often return to {point} when they compare competing accounts.",
  "This part of the argument connects {point} with the wider aims of {heading}.",
  "One consequence is that {point} must be weighed against practical and ethical limits.",
  "Taken together, these observations suggest that {point} remains open to further inquiry.",
  "Any balanced reading of {topic} has to explain how {point} interacts with its historical setting.",
  "The section therefore examines {point} through definitions, examples and counter-arguments.",
  "Critics argue that {point} has been overstated, while others see it as central to {topic}.",
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
  readonly model = "offline-demo-1";
  readonly breakerKey = null;

  async complete(request: CompletionRequest): Promise<Completion> {
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
    const points = intent.keyPoints.length ? intent.keyPoints : [intent.heading.toLowerCase()];
    const paragraphs: string[] = [];
    let words = 0;
    while (words < intent.targetWords) {
      const sentences: string[] = [];
      const length = 4 + Math.floor(random() * 3);
      for (let i = 0; i < length && words < intent.targetWords; i++) {
        const frame = FRAMES[Math.floor(random() * FRAMES.length)];
        const sentence = frame
          .replaceAll("{topic}", intent.topic)
          .replaceAll("{heading}", intent.heading.toLowerCase())
          .replaceAll("{point}", points[Math.floor(random() * points.length)]);
        sentences.push(sentence);
        words += sentence.split(/\s+/).length;
      }
      paragraphs.push(sentences.join(" "));
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
