// The English query of a non-English order (issue 24, item 5): the topic and the discipline put into English by the
// writer, one cheap call per order, so the international literature is searched with the words it is written in.
// Without a real model (the offline writer) there is none: the English query stays the topic as typed, never a made-up
// translation.
import { z } from "zod";
import type { Completion } from "../llm/provider";
import type { Writer } from "../llm/router";

const answerSchema = z.object({ query: z.string().trim().min(2).max(300) });

/** The answer's shape; the fake LLM and the parser below agree on it. */
export const ENGLISH_QUERY_JSON_SHAPE = '{"query":string}';
/** The first words of the request's system message (the fake LLM recognises the request by them). */
export const ENGLISH_QUERY_SYSTEM = "You turn the topic of an academic document into an English search query";

/** The call's completion (its tokens are the order's), and the query it gave, if usable. */
export type EnglishQuery = { text: string | null; completion: Completion };

/**
 * The topic (and discipline) in English as a search query for scholarly indexes, or null when there is no real model to
 * ask or its answer is unusable (the English query then falls back to the topic as typed).
 */
export async function englishQueryFor(
  router: Writer,
  order: { topic: string; discipline: string | null; language: string },
  signal?: AbortSignal,
): Promise<EnglishQuery | null> {
  if (router.describe().every((p) => p.startsWith("offline"))) return null;
  const completion = await router.complete({
    system: `${ENGLISH_QUERY_SYSTEM} for scholarly indexes (OpenAlex, Crossref, Semantic Scholar): translate its terms faithfully, keep names and technical terms, at most 12 words, no quotes or operators. Answer only with JSON: ${ENGLISH_QUERY_JSON_SHAPE}.`,
    prompt: [
      `Language of the topic: ${order.language}`,
      `Topic: ${order.topic.slice(0, 500)}`,
      order.discipline ? `Discipline: ${order.discipline.slice(0, 200)}` : "",
    ]
      .filter(Boolean)
      .join("\n"),
    json: true,
    maxTokens: 100,
    intent: { kind: "translate-query" },
    tier: "cheap",
    signal,
  });
  let data: unknown;
  try {
    data = JSON.parse(completion.text.replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    return { text: null, completion };
  }
  const parsed = answerSchema.safeParse(data);
  return { text: parsed.success ? parsed.data.query.replace(/\s+/g, " ") : null, completion };
}
