// The citation judge: one LLM call per section (per chunk of a long one) through the order's writer chain (its
// retries, breakers and fallback) asks, for each sentence–source pair, whether the source's text supports the claim,
// with the evidence quoted, and for every sentence whether it needs a citation. Its JSON is checked with zod; an
// answer that stays malformed after a second ask is no verdict (the caller reports the check as not run).
import { z } from "zod";
import type { CitationVerdict } from "../../db/schema";
import type { Completion } from "../llm/provider";
import type { Writer } from "../llm/router";
import { promptTexts } from "../pipeline/prompt-texts";
import type { Sentence } from "./citation-claims";
import { pickPassages, type SourceTexts } from "./source-texts";

/** The judge's answer, the same in every language (answerSchema reads it; the fake LLM recognises it). */
export const CITATION_JUDGE_JSON_SHAPE =
  '{"sentences":[{"n":number,"needsCitation":boolean}],"claims":[{"n":number,"source":string,' +
  '"verdict":"supported"|"partly"|"unsupported","evidence":string,"page":number|null,"reason":string}]}';

const answerSchema = z.object({
  sentences: z.array(z.object({ n: z.number().int(), needsCitation: z.boolean() })).max(2000),
  claims: z
    .array(
      z.object({
        n: z.number().int(),
        source: z.string().min(1).max(300),
        verdict: z.enum(["supported", "partly", "unsupported"]),
        evidence: z.string().max(4000).nullish(),
        page: z.number().int().positive().nullish(),
        reason: z.string().max(1000).nullish(),
      }),
    )
    .max(2000),
});

/** One judged sentence–source pair; `evidence` only when it is found in the source's text (a made-up quote is none). */
export type ClaimVerdict = {
  sentence: number;
  source: string;
  verdict: CitationVerdict;
  evidence: string | null;
  page: number | null;
  reason: string;
};
export type Judgement = { needsCitation: Map<number, boolean>; verdicts: ClaimVerdict[]; completions: Completion[] };

/** Sentences per call: a long section is judged in chunks, side by side. */
export const SENTENCES_PER_CALL = 60;
/** A malformed answer is asked for once more before the check is given up as not run. */
export const JUDGE_TRIES = 2;

export class MalformedJudgementError extends Error {
  override name = "MalformedJudgementError";
}

/**
 * Judges `sentences` (those citing nothing included: whether they need a citation) against `sources`. Throws when the
 * writers fail or the answer stays malformed; the gate turns that into "not checked".
 */
export async function judgeCitations(
  writer: Writer,
  input: { sentences: readonly Sentence[]; sources: Map<string, SourceTexts>; language: string },
  signal?: AbortSignal,
): Promise<Judgement> {
  const chunks: Sentence[][] = [];
  for (let i = 0; i < input.sentences.length; i += SENTENCES_PER_CALL)
    chunks.push(input.sentences.slice(i, i + SENTENCES_PER_CALL));
  const parts = await Promise.all(chunks.map((chunk) => judgeChunk(writer, chunk, input, signal)));
  return {
    needsCitation: new Map(parts.flatMap((p) => [...p.needsCitation])),
    verdicts: parts.flatMap((p) => p.verdicts),
    completions: parts.flatMap((p) => p.completions),
  };
}

const clean = (text: string) => text.replace(/[<>]/g, " ");

async function judgeChunk(
  writer: Writer,
  sentences: readonly Sentence[],
  input: { sources: Map<string, SourceTexts>; language: string },
  signal?: AbortSignal,
): Promise<Judgement> {
  const texts = promptTexts(input.language).citations;
  const claims = sentences.flatMap((s) =>
    s.keys.filter((k) => input.sources.has(k)).map((k) => ({ n: s.index + 1, source: k })),
  );
  const cited = [...new Set(claims.map((c) => c.source))];
  const sources = cited.map((key) => {
    const source = input.sources.get(key)!;
    const citing = sentences.filter((s) => s.keys.includes(key)).map((s) => s.text);
    return { key, passages: pickPassages(citing, source).map((p) => ({ page: p.page, text: clean(p.text) })) };
  });
  const request = {
    system: `${texts.system} ${CITATION_JUDGE_JSON_SHAPE}.`,
    prompt: [
      texts.sentences(JSON.stringify(sentences.map((s) => ({ n: s.index + 1, text: clean(s.text) })))),
      texts.claims(JSON.stringify(claims)),
      texts.sources(JSON.stringify(sources)),
    ].join("\n"),
    json: true,
    maxTokens: 200 + 120 * claims.length + 12 * sentences.length,
    intent: { kind: "judge" as const },
    tier: "cheap" as const,
    signal,
  };
  const completions: Completion[] = [];
  for (let attempt = 1; ; attempt++) {
    const completion = await writer.complete(request);
    completions.push(completion);
    const parsed = parseAnswer(completion.text);
    if (parsed) return { ...readAnswer(parsed, sentences, claims, input.sources), completions };
    if (attempt >= JUDGE_TRIES)
      throw Object.assign(new MalformedJudgementError("The citation judge's answer was not the expected JSON"), {
        completions,
      });
  }
}

function parseAnswer(text: string): z.infer<typeof answerSchema> | null {
  try {
    const parsed = answerSchema.safeParse(JSON.parse(text.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, "")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const squeeze = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();

/** The verdicts on the pairs asked about (anything else the model said is ignored), each once. */
function readAnswer(
  answer: z.infer<typeof answerSchema>,
  sentences: readonly Sentence[],
  claims: { n: number; source: string }[],
  sources: Map<string, SourceTexts>,
): Omit<Judgement, "completions"> {
  const numbers = new Set(sentences.map((s) => s.index + 1));
  const needsCitation = new Map<number, boolean>();
  for (const s of answer.sentences) if (numbers.has(s.n)) needsCitation.set(s.n - 1, s.needsCitation);
  // A sentence the model did not classify but that cites a source is taken to need one (the writer thought so).
  for (const s of sentences) if (!needsCitation.has(s.index)) needsCitation.set(s.index, s.keys.length > 0);
  const asked = new Set(claims.map((c) => `${c.n}\u0000${c.source}`));
  const verdicts: ClaimVerdict[] = [];
  for (const c of answer.claims) {
    const id = `${c.n}\u0000${c.source}`;
    if (!asked.delete(id)) continue;
    const source = sources.get(c.source)!;
    // The texts as the judge was shown them (pickPassages joins the title and abstract with ". ").
    const haystack = squeeze(
      [[source.title, source.abstract].filter(Boolean).join(". "), ...(source.pages ?? [])].join(" "),
    );
    const evidence = c.evidence?.trim() && haystack.includes(squeeze(c.evidence)) ? c.evidence.trim() : null;
    verdicts.push({
      sentence: c.n - 1,
      source: c.source,
      verdict: c.verdict,
      evidence,
      page: evidence && source.pages ? (c.page ?? pageOf(source.pages, evidence)) : null,
      reason: c.reason?.trim() ?? "",
    });
  }
  return { needsCitation, verdicts };
}

/** The page (from 1) whose text holds the quote, when the model named none. */
function pageOf(pages: string[], quote: string): number | null {
  const i = pages.findIndex((p) => squeeze(p).includes(squeeze(quote)));
  return i === -1 ? null : i + 1;
}
