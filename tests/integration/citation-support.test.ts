import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../app/utils/env.server";
import type { PipelineContext } from "../../worker/context";
import { findCitationKeys } from "../../worker/export/citations";
import { OfflineWriter } from "../../worker/llm/offline";
import { LlmRouter } from "../../worker/llm/router";
import { writeSection } from "../../worker/pipeline/write-section";
import { CITATION_GATE, citationSupportGate } from "../../worker/quality/citation-support";
import { textKey } from "../../worker/quality/gate-context";
import { qualityConfig, runGates } from "../../worker/quality/registry";
import type { GateContext, QualityGate } from "../../worker/quality/types";
import { isCitationJudgeRequest, type FakeOpenAI } from "../fakes/openai";
import type { TestDatabase } from "../setup/database";
import { planPaidDocument, startPipelineFixture, type PipelineFixture } from "../setup/pipeline-context";

// Issue 24, items 1–2: the citation judge reads each cited claim against its source's stored text, through the real
// openai SDK against the local fake (whose judge follows the rules a test gives it); the gate sends an unsupported
// claim back to the writer, removes it when no attempt follows, and holds sections to CITATION_SUPPORT_MIN.
let pipeline: PipelineFixture;
let database: TestDatabase;
let openai: FakeOpenAI;
let ctx: PipelineContext;
let writer: LlmRouter;

beforeAll(async () => {
  // Researched in the fake indexes, written by the fake OpenAI, every quality gate at its default.
  pipeline = await startPipelineFixture({ research: true, gatesFromEnv: {} });
  ({ database, openai, ctx, writer } = pipeline);
});

afterAll(() => pipeline?.stop());

beforeEach(() => openai.judgeCitationsWith(undefined));

/** A paid, planned order and its section with the most sources assigned (the fake writer cites them all in turn). */
async function plannedSection(topic: string) {
  const { document, sections, user } = await planPaidDocument(ctx, { topic, pages: 8, language: "en" });
  const section = [...sections].sort(
    (a, b) => (b.source_keys as unknown as string[]).length - (a.source_keys as unknown as string[]).length,
  )[0];
  return { document, section, user };
}

const attemptsOf = (sectionId: string) =>
  database.db
    .selectFrom("section_attempts")
    .selectAll()
    .where("section_id", "=", sectionId)
    .orderBy("attempt")
    .execute();
const sectionRow = (sectionId: string) =>
  database.db.selectFrom("sections").selectAll().where("id", "=", sectionId).executeTakeFirstOrThrow();
const verdictsOf = (sectionId: string, attempt: number) =>
  database.db
    .selectFrom("citation_verdicts")
    .selectAll()
    .where("section_id", "=", sectionId)
    .where("attempt", "=", attempt)
    .orderBy("sentence_index")
    .execute();
const judgeRequests = () =>
  openai.requests.filter((r) =>
    isCitationJudgeRequest((r.body.messages ?? []).map((m: { content: string }) => m.content).join("\n")),
  );

describe("claim–source support in the pipeline", () => {
  it("a section citing a source for claims it does not make is written again, the prompt naming the claims", async () => {
    const { document, section } = await plannedSection("Urban water management and climate adaptation");
    // While `strict`, every claim citing the first source the judge is asked about is unsupported.
    let strict = true;
    let disputed: string | undefined;
    openai.judgeCitationsWith({
      claim: (claim) => {
        if (!strict) return undefined;
        disputed ??= claim.source;
        return claim.source === disputed
          ? { verdict: "unsupported", reason: "the source studies something else" }
          : undefined;
      },
    });
    const before = judgeRequests().length;
    await writeSection(ctx, { documentId: document.id, sectionId: section.id, attempt: 1 });
    strict = false;
    expect(judgeRequests().length - before).toBe(1); // one batched call for the whole section

    const [first] = await attemptsOf(section.id);
    expect(first.passed).toBe(false);
    const feedback = (first.feedback as unknown as string[]).join("\n");
    expect(feedback).toMatch(/of the previous answer's citations are supported by their sources/);
    // The claims are named: a sentence of the first attempt citing the disputed source, with the judge's reason.
    const verdicts = await verdictsOf(section.id, 1);
    const unsupported = verdicts.filter((v) => v.verdict === "unsupported");
    expect(unsupported.length).toBeGreaterThan(0);
    expect(
      unsupported.every((v) => v.source_key === disputed && v.reason === "the source studies something else"),
    ).toBe(true);
    expect(unsupported.every((v) => first.content!.includes(v.sentence))).toBe(true);
    expect(feedback).toContain(`"${unsupported[0].sentence}" cites [@${disputed}], but that source does not say it`);
    // Supported ones carry evidence quoted from the source's text (the fake quotes its first sentence).
    const supported = verdicts.filter((v) => v.verdict === "supported");
    expect(supported.every((v) => v.evidence && v.evidence.length > 0 && v.evidence_page === null)).toBe(true);

    await writeSection(ctx, { documentId: document.id, sectionId: section.id, attempt: 2 });
    const prompt = JSON.stringify(
      openai.requests.filter((r) => !r.body.response_format && JSON.stringify(r.body).includes(section.heading)).at(-1)!
        .body,
    );
    expect(prompt).toContain("Fix these problems of the previous attempt");
    expect(prompt).toContain(JSON.stringify(unsupported[0].sentence).slice(1, -1));
    const [, second] = await attemptsOf(section.id);
    expect(second.passed).toBe(true);
    const stored = await sectionRow(section.id);
    expect(stored.status).toBe("passed");
    expect((await verdictsOf(section.id, 2)).every((v) => v.verdict !== "unsupported")).toBe(true);
    // The judge's tokens are charged like any call: one usage row per judged attempt.
    const usage = await database.db
      .selectFrom("token_usage")
      .select(["purpose", "tokens_in"])
      .where("section_id", "=", section.id)
      .where("purpose", "=", "citation-check")
      .execute();
    expect(usage).toHaveLength(2);
    expect(usage.every((u) => u.tokens_in > 0)).toBe(true);
  });

  it("on the last attempt an unsupported citation is removed from its sentence, with a quality warning", async () => {
    const { document, section } = await plannedSection("Groundwater governance in arid regions");
    let disputed: string | undefined;
    openai.judgeCitationsWith({
      claim: (claim) => {
        disputed ??= claim.source;
        return claim.source === disputed ? { verdict: "unsupported", reason: "not in the abstract" } : undefined;
      },
    });
    for (const attempt of [1, 2, 3])
      await writeSection(ctx, { documentId: document.id, sectionId: section.id, attempt });
    const attempts = await attemptsOf(section.id);
    expect(attempts.map((a) => a.passed)).toEqual([false, false, true]);
    const stored = await sectionRow(section.id);
    expect(stored.status).toBe("passed");
    // The writer cited it (attempt 3's answer), the delivered text does not.
    expect(findCitationKeys(attempts[2].content!)).toContain(disputed);
    expect(findCitationKeys(stored.content!)).not.toContain(disputed);
    const verdicts = await verdictsOf(section.id, 3);
    const removed = verdicts.filter((v) => v.citation_removed);
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.every((v) => v.source_key === disputed && v.verdict === "unsupported")).toBe(true);
    // The stored verdicts are those of the delivered text: what the order's figures count.
    expect(verdicts.every((v) => v.text_md5 === textKey(stored.content!))).toBe(true);
    const { quality_warnings } = await database.db
      .selectFrom("documents")
      .select("quality_warnings")
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(quality_warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^Section ${section.index + 1} ".*": \\[@${disputed}\\] does not support ".*" \\(not in the abstract\\); the citation was removed\\.$`,
        ),
      ),
    );
  });

  it("a source whose open-access full text is stored is judged on its pages, and the evidence keeps its page", async () => {
    const { document, section } = await plannedSection("Aquifer recharge under changing rainfall");
    const pages = [
      "Preface. This report was commissioned by the regional water board.",
      "Results. The measured recharge rate fell by a third between 1990 and 2010 across the basin.",
      "Appendix. Station list and sampling dates.",
    ];
    const sources = await database.db
      .selectFrom("sources")
      .select(["id", "key"])
      .where("document_id", "=", document.id)
      .where("key", "in", section.source_keys as unknown as string[])
      .execute();
    await database.db
      .insertInto("source_full_texts")
      .values(
        sources.map((s) => ({ source_id: s.id, url: `https://oa.example.org/${s.key}.pdf`, status: "fetched", pages })),
      )
      .execute();
    const seen: { page: number | null; text: string }[] = [];
    openai.judgeCitationsWith({
      claim: (claim) => {
        seen.push(...claim.passages);
        // The model quotes the results page without naming it: the page is found from the stored pages.
        return { verdict: "supported", evidence: "The measured recharge rate fell by a third", reason: "page 2" };
      },
    });
    await writeSection(ctx, { documentId: document.id, sectionId: section.id, attempt: 1 });

    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.page !== null && pages[p.page - 1].startsWith(p.text.slice(0, 20)))).toBe(true);
    // Rows without a source are the sentences judged only for whether they need a citation.
    const verdicts = (await verdictsOf(section.id, 1)).filter((v) => v.source_key !== null);
    expect(verdicts.length).toBeGreaterThan(0);
    expect(
      verdicts.every((v) => v.evidence === "The measured recharge rate fell by a third" && v.evidence_page === 2),
    ).toBe(true);
  });
});

describe("the citation-support gate", () => {
  /** A section of a planned order, its text written here: four sentences citing the section's first source. */
  async function judged(minimum: string, lastAttempt: boolean, verdictOfFourth: "unsupported" | "partly") {
    const { document, section, user } = await plannedSection(`Citation thresholds ${minimum} ${verdictOfFourth}`);
    const key = (section.source_keys as unknown as string[])[0];
    const text = ["one", "two", "three", "four"].map((n) => `Claim ${n} is made here [@${key}].`).join(" ");
    openai.judgeCitationsWith({
      claim: (claim) => (claim.sentence.includes("four") ? { verdict: verdictOfFourth, reason: "weaker" } : undefined),
    });
    const config = qualityConfig(parseEnv({ CITATION_SUPPORT_MIN: minimum }));
    const context: GateContext = {
      db: database.db,
      sources: [],
      otherSections: [],
      judge: { writer, userId: user.id, attempt: 1, lastAttempt },
    };
    return citationSupportGate(config).check(
      { text, targetWords: 20, language: "en", documentId: document.id, sectionId: section.id },
      context,
    );
  }

  it("passes a section at or over CITATION_SUPPORT_MIN and fails it just under", async () => {
    // Three of four supported: 0.75.
    expect(await judged("0.75", false, "unsupported")).toMatchObject({ passed: true });
    const under = await judged("0.76", false, "unsupported");
    expect(under).toMatchObject({ gate: CITATION_GATE, passed: false, score: 75 });
    expect(under.feedback[0]).toBe(
      "Only 75% of the previous answer's citations are supported by their sources; at least 76% must be.",
    );
    expect(under.feedback[1]).toMatch(
      /^The sentence "Claim four is made here \[@.+\]\." cites \[@.+\], but that source does not say it \(weaker\)/,
    );
    // "Partly" counts half: 3.5 of 4 = 0.875.
    expect(await judged("0.875", false, "partly")).toMatchObject({ passed: true, score: 87.5 });
    const partly = await judged("0.876", false, "partly");
    expect(partly).toMatchObject({ passed: false, score: 87.5 });
    expect(partly.feedback[1]).toMatch(/claims more than \[@.+\] says \(weaker\)/);
  });

  it("on the last attempt passes once the unsupported citation is removed, but not a share still under it", async () => {
    const repaired = await judged("0.9", true, "unsupported");
    expect(repaired).toMatchObject({ passed: true, score: 100 });
    expect(repaired.repair?.text).toMatch(/^Claim one .* Claim four is made here\.$/);
    expect(repaired.repair?.removed).toEqual([
      { key: expect.any(String), sentence: expect.stringContaining("Claim four"), reason: "weaker" },
    ]);
    // A "partly" claim is kept: 0.875 stays under 0.9, and the section fails its gate like any other.
    const partly = await judged("0.9", true, "partly");
    expect(partly).toMatchObject({ passed: false, score: 87.5 });
    expect(partly.repair).toBeUndefined();
  });

  it("says not checked, and fails nothing, when the judge's answer stays malformed; a malformed answer is asked again", async () => {
    openai.malformedCitationJudgementsNext(1);
    const once = await judged("0.9", false, "partly");
    expect(once).toMatchObject({ passed: false, score: 87.5 }); // the second answer was judged
    openai.malformedCitationJudgementsNext(2);
    const before = judgeRequests().length;
    const { document, section, user } = await plannedSection("Malformed judgements in practice");
    const key = (section.source_keys as unknown as string[])[0];
    const result = await citationSupportGate(qualityConfig(parseEnv({}))).check(
      { text: `A claim [@${key}].`, targetWords: 5, language: "en", documentId: document.id, sectionId: section.id },
      {
        db: database.db,
        sources: [],
        otherSections: [],
        judge: { writer, userId: user.id, attempt: 1, lastAttempt: false },
      },
    );
    expect(result).toEqual({ gate: CITATION_GATE, score: null, passed: true, feedback: [] });
    expect(judgeRequests().length - before).toBe(2);
    expect(await verdictsOf(section.id, 1)).toEqual([]);
    // The two answers' tokens were spent all the same.
    const usage = await database.db
      .selectFrom("token_usage")
      .select("id")
      .where("section_id", "=", section.id)
      .where("purpose", "=", "citation-check")
      .execute();
    expect(usage).toHaveLength(2);
  });

  it("is not checked with the offline writer, and runs only after every other gate passed", async () => {
    const { document, section, user } = await plannedSection("Offline writers cannot judge");
    const key = (section.source_keys as unknown as string[])[0];
    const before = judgeRequests().length;
    const offline = new LlmRouter([new OfflineWriter()]);
    const gate = citationSupportGate(qualityConfig(parseEnv({})));
    const section_ = {
      text: `A claim [@${key}].`,
      targetWords: 5,
      language: "en",
      documentId: document.id,
      sectionId: section.id,
    };
    const context = (w: LlmRouter): GateContext => ({
      db: database.db,
      sources: [],
      otherSections: [],
      judge: { writer: w, userId: user.id, attempt: 1, lastAttempt: false },
    });
    expect(await gate.check(section_, context(offline))).toEqual({
      gate: CITATION_GATE,
      score: null,
      passed: true,
      feedback: [],
    });
    const failing: QualityGate = {
      name: "uniqueness",
      check: async () => ({ gate: "uniqueness", score: 10, passed: false, feedback: ["copied"] }),
    };
    const run = await runGates([gate, failing], section_, context(writer));
    expect(run.results.map((r) => r.gate)).toEqual(["uniqueness"]);
    expect(judgeRequests().length).toBe(before);
  });
});
