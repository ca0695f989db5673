// The citation-support gate (decision 048): after a section passed every other gate, the citation judge reads each of
// its cited claims against the source's stored text. A share of supported citations under CITATION_SUPPORT_MIN fails
// the attempt, naming each unsupported claim and why; once no attempt follows (or the section passes), unsupported
// citations are taken out of their sentences, with a warning. Without a real writer (the offline demo) or without
// sources the gate does not run: its result is "not checked", never a made-up pass. Every verdict is stored.
import { saveCitationVerdicts, type VerdictToStore } from "../../app/models/citation-verdicts.server";
import { supportWeight } from "../../app/utils/citation-figures";
import { usageRow } from "../llm/usage";
import type { Completion } from "../llm/provider";
import { promptTexts } from "../pipeline/prompt-texts";
import { removeCitations, sentencesOf, type Sentence } from "./citation-claims";
import { judgeCitations, type ClaimVerdict } from "./citation-judge";
import { logOf, round1, unchecked } from "./common";
import { textKey } from "./gate-context";
import { loadSourceTexts } from "./source-texts";
import type { GateResult, QualityConfig, QualityGate, RemovedCitation } from "./types";

export const CITATION_GATE = "citations";
/** Unsupported claims named in the next attempt's prompt, at most. */
const MAX_CLAIMS_IN_FEEDBACK = 12;

/** The share (0–1) of the citations the sources support, "partly" counting half; null without citations. */
export function supportShare(verdicts: readonly Pick<ClaimVerdict, "verdict">[]): number | null {
  if (!verdicts.length) return null;
  return verdicts.reduce((sum, v) => sum + supportWeight(v.verdict), 0) / verdicts.length;
}

export function citationSupportGate(config: QualityConfig): QualityGate {
  return {
    name: CITATION_GATE,
    afterOthers: true,
    async check(section, context): Promise<GateResult> {
      const judging = context.judge;
      const { db } = context;
      const { documentId, sectionId } = section;
      if (!judging || !db || !documentId || !sectionId) return unchecked(CITATION_GATE);
      if (judging.writer.describe().every((w) => w.startsWith("offline"))) return unchecked(CITATION_GATE);
      const min = (context.config ?? config).minCitationSupport;
      const sources = await loadSourceTexts(db, documentId);
      const sentences = sentencesOf(section.text, section.language);
      // A document without sources cites nothing: there is nothing to judge.
      if (!sources.size || !sentences.length) return unchecked(CITATION_GATE);

      const usage = (completions: Completion[]) => async () => {
        if (completions.length)
          await db
            .insertInto("token_usage")
            .values(
              completions.map((completion) =>
                usageRow({ documentId, sectionId, userId: judging.userId, purpose: "citation-check", completion }),
              ),
            )
            .execute();
      };
      let judgement;
      try {
        judgement = await judgeCitations(
          judging.writer,
          { sentences, sources, language: section.language },
          context.signal,
        );
      } catch (error) {
        if (context.signal?.aborted) throw error;
        // Not run: the section is not failed for it. Tokens of malformed answers were spent all the same.
        const spent = (error as { completions?: Completion[] }).completions ?? [];
        await usage(spent)();
        logOf(context).warn(
          { documentId, sectionId, err: error instanceof Error ? error.message : String(error) },
          "citation support not checked: the judge gave no usable answer",
        );
        return unchecked(CITATION_GATE);
      }

      const { verdicts } = judgement;
      const before = supportShare(verdicts);
      const passing = before === null || before >= min;
      const final = passing || judging.lastAttempt;
      // No attempt follows (or the section passes): an unsupported citation is taken out of its sentence.
      const removedVerdicts = final ? verdicts.filter((v) => v.verdict === "unsupported") : [];
      const removals = new Map<number, Set<string>>();
      for (const v of removedVerdicts) removals.set(v.sentence, (removals.get(v.sentence) ?? new Set()).add(v.source));
      const text = removals.size ? removeCitations(section.text, sentences, removals) : section.text;
      const kept = verdicts.filter((v) => !removedVerdicts.includes(v));
      const after = supportShare(kept);
      const passed = final ? after === null || after >= min : passing;

      await saveCitationVerdicts(
        db,
        {
          documentId,
          sectionId,
          attempt: judging.attempt,
          textMd5: textKey(text),
          verdicts: verdictRows(sentences, judgement.needsCitation, verdicts, removedVerdicts),
        },
        usage(judgement.completions),
      );
      const removed: RemovedCitation[] = removedVerdicts.map((v) => ({
        key: v.source,
        sentence: sentences[v.sentence].text,
        reason: v.reason,
      }));
      const share = final ? after : before;
      return {
        gate: CITATION_GATE,
        score: share === null ? null : round1(share * 100),
        passed,
        feedback: passed ? [] : feedbackFor(section.language, verdicts, sentences, share ?? 0, min),
        ...(removed.length ? { repair: { text, removed } } : {}),
      };
    },
  };
}

/** Every sentence once per cited source judged (or once, with no source, when it has none), as stored. */
function verdictRows(
  sentences: readonly Sentence[],
  needsCitation: Map<number, boolean>,
  verdicts: readonly ClaimVerdict[],
  removed: readonly ClaimVerdict[],
): VerdictToStore[] {
  return sentences.flatMap((s): VerdictToStore[] => {
    const needs = needsCitation.get(s.index) ?? s.keys.length > 0;
    const own = verdicts.filter((v) => v.sentence === s.index);
    if (!own.length)
      return [
        {
          sentenceIndex: s.index,
          sentence: s.text,
          sourceKey: null,
          verdict: null,
          evidence: null,
          evidencePage: null,
          reason: null,
          needsCitation: needs,
          citationRemoved: false,
        },
      ];
    return own.map((v) => ({
      sentenceIndex: s.index,
      sentence: s.text,
      sourceKey: v.source,
      verdict: v.verdict,
      evidence: v.evidence,
      evidencePage: v.page,
      reason: v.reason || null,
      needsCitation: needs,
      citationRemoved: removed.includes(v),
    }));
  });
}

/** What the next attempt is told, in the order's language: the share, then each claim its source does not support. */
function feedbackFor(
  language: string,
  verdicts: readonly ClaimVerdict[],
  sentences: readonly Sentence[],
  share: number,
  min: number,
): string[] {
  const texts = promptTexts(language).citations;
  const clip = (text: string) => (text.length > 240 ? `${text.slice(0, 237)}…` : text);
  const claims = verdicts
    .filter((v) => v.verdict !== "supported")
    .sort((a, b) => supportWeight(a.verdict) - supportWeight(b.verdict) || a.sentence - b.sentence)
    .slice(0, MAX_CLAIMS_IN_FEEDBACK)
    .map((v) =>
      (v.verdict === "partly" ? texts.partly : texts.unsupported)(
        clip(sentences[v.sentence].text),
        v.source,
        v.reason || "—",
      ),
    );
  return [texts.share(round1(share * 100), round1(min * 100)), ...claims];
}
