import { z } from "zod";
import type { Writer } from "../llm/router";
import { promptTexts } from "../pipeline/prompt-texts";

export type RequirementCheck = { constraint: string; met: boolean; evidence: string };
export type RequirementsReport = { subject: "outline" | "document"; checks: RequirementCheck[] };

const answerSchema = z.object({
  checks: z
    .array(
      z.object({
        constraint: z.string().min(1).max(500),
        met: z.boolean(),
        evidence: z.string().max(1000).default(""),
      }),
    )
    .max(40),
});

const MAX_SUBJECT_CHARS = 60_000;

/** The judge's answer, the same in every language (answerSchema reads it). */
export const JUDGE_JSON_SHAPE = '{"checks":[{"constraint":string,"met":boolean,"evidence":string}]}';

/**
 * The requirements judge: an LLM lists the explicit constraints in the customer's instructions and requirements file
 * (length, required chapters, style, sources…) and says of each whether the outline or the finished document meets
 * it. Returns null when there is nothing to check or no real model to ask (the offline demo writer cannot judge).
 */
export async function judgeRequirements(
  router: Writer,
  input: { requirements: string; subject: "outline" | "document"; text: string; language: string },
  signal?: AbortSignal,
): Promise<RequirementsReport | null> {
  if (!input.requirements.trim() || router.describe().every((p) => p.startsWith("offline"))) return null;
  const { judge } = promptTexts(input.language);
  const completion = await router.complete({
    system: `${judge.system} ${JUDGE_JSON_SHAPE}.`,
    prompt: [
      judge.requirements(input.requirements.slice(0, 12_000)),
      judge.subject[input.subject](input.text.slice(0, MAX_SUBJECT_CHARS), input.language),
    ].join("\n"),
    json: true,
    intent: { kind: "judge" },
    signal,
  });
  let data: unknown;
  try {
    data = JSON.parse(completion.text.replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    throw new Error("The requirements judge did not answer with JSON");
  }
  const parsed = answerSchema.safeParse(data);
  if (!parsed.success) throw new Error("The requirements judge's answer did not have the expected shape");
  return { subject: input.subject, checks: parsed.data.checks };
}

export function unmetRequirements(report: RequirementsReport | null): string[] {
  return (report?.checks ?? [])
    .filter((c) => !c.met)
    .map((c) => `Requirement not met: ${c.constraint}${c.evidence ? ` (${c.evidence})` : ""}`);
}
