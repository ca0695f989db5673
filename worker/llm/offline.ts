import { OFFLINE_WRITER_MODEL } from "../../app/utils/provider-chain.server";
import { offlineTexts } from "./offline-texts";
import type { Completion, CompletionRequest, LlmProvider } from "./provider";

/**
 * Deterministic writer for `npm start` without keys: same order in, same text out. Labelled "offline demo" in the UI
 * and in its own text, in the order's language. Its sentences' parts come from that language's table (offline-texts/),
 * combined at random per section (seeded), so sections of one document do not repeat each other's phrases.
 */
export class OfflineWriter implements LlmProvider {
  readonly name = "offline";
  readonly model = OFFLINE_WRITER_MODEL;
  readonly breakerKey = null;

  async complete(request: CompletionRequest): Promise<Completion> {
    if (request.intent.kind === "judge") throw new Error("The offline writer cannot judge requirements");
    if (request.intent.kind === "translate-query") throw new Error("The offline writer cannot translate");
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
    const texts = offlineTexts(intent.language);
    const bodyCount = Math.max(1, intent.sectionCount - 2);
    const body = Array.from({ length: bodyCount }, (_, i) => {
      const base = texts.body[i % texts.body.length];
      const round = Math.floor(i / texts.body.length);
      return round ? `${base} (${round + 1})` : base;
    });
    const headings = [texts.introduction, ...body, texts.conclusion].slice(0, intent.sectionCount);
    const fill = (text: string, heading: string) =>
      text.replaceAll("{heading}", heading).replaceAll("{topic}", intent.topic);
    return JSON.stringify({
      sections: headings.map((heading) => ({
        heading,
        brief: fill(texts.brief, heading),
        keyPoints: texts.keyPoints.map((point) => fill(point, heading)),
      })),
    });
  }

  private section(intent: Extract<CompletionRequest["intent"], { kind: "section" }>): string {
    const texts = offlineTexts(intent.language);
    const random = seededRandom(`${intent.topic}|${intent.heading}|${intent.attempt}`);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    const points = intent.keyPoints.length ? intent.keyPoints : [intent.heading];
    const keys = intent.sourceKeys ?? [];
    const fill = (text: string) =>
      text
        .replaceAll("{topic}", intent.topic)
        .replaceAll("{heading}", intent.heading)
        .replaceAll("{point}", pick(points));
    const compose = () =>
      texts.sentence
        .replace("{opener}", pick(texts.openers))
        .replace("{subject}", pick(texts.subjects))
        .replace("{verb}", pick(texts.verbs))
        .replace("{object}", pick(texts.objects))
        .replace("{closer}", pick(texts.closers));
    // Every section says first what it is, a placeholder of the demo, then which key points of the outline it covers.
    const label = `${fill(texts.label)} ${texts.covers.replace("{points}", points.join("; "))}`;
    const paragraphs: string[] = [];
    let words = label.split(/\s+/).length;
    let sentences = 0;
    while (words < intent.targetWords || paragraphs.length === 0) {
      const paragraph: string[] = paragraphs.length === 0 ? [label] : [];
      const length = 4 + Math.floor(random() * 3);
      for (let i = 0; i < length && words < intent.targetWords; i++) {
        const cite = keys.length && sentences % 4 === 1 ? ` [@${keys[Math.floor(sentences / 4) % keys.length]}]` : "";
        const sentence = fill(compose()) + `${cite}.`;
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
