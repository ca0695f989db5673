import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../app/utils/env.server";
import type { PipelineContext } from "../../worker/context";
import { findCitationKeys } from "../../worker/export/citations";
import { writeSection } from "../../worker/pipeline/write-section";
import { createGates, qualityConfig } from "../../worker/quality/registry";
import type { FakeOpenAI } from "../fakes/openai";
import type { TestDatabase } from "../setup/database";
import { planPaidDocument, startPipelineFixture, type PipelineFixture } from "../setup/pipeline-context";

// The plan finds real sources (here: the local OpenAlex/Crossref/Semantic Scholar stand-ins), sections cite them by
// key, and an invented key never reaches the delivered text.
let pipeline: PipelineFixture;
let database: TestDatabase;
let openai: FakeOpenAI;
let ctx: PipelineContext;

beforeAll(async () => {
  // Researched in the fake indexes and written by the fake OpenAI; no quality gate but where a test adds them.
  pipeline = await startPipelineFixture({ research: true });
  ({ database, openai, ctx } = pipeline);
});

afterAll(() => pipeline?.stop());

const plannedDocument = (topic: string, research = ctx.research) =>
  planPaidDocument({ ...ctx, research }, { topic, pages: 8, language: "en" });

describe("sources in the pipeline", () => {
  it("stores deduplicated sources as CSL-JSON, assigns them to sections, and sections cite only them", async () => {
    const { document, sections } = await plannedDocument("Urban water management and climate adaptation");
    const sources = await database.db
      .selectFrom("sources")
      .selectAll()
      .where("document_id", "=", document.id)
      .execute();
    expect(sources.length).toBeGreaterThan(3);
    expect(new Set(sources.map((s) => s.doi).filter(Boolean)).size).toBe(sources.filter((s) => s.doi).length); // no duplicate DOI
    for (const s of sources) expect(s.csl).toMatchObject({ id: s.key, title: s.title });
    const assigned = sections.flatMap((s) => s.source_keys as unknown as string[]);
    expect(sections.every((s) => (s.source_keys as unknown as string[]).length > 0)).toBe(true);
    expect(assigned.every((k) => sources.some((s) => s.key === k))).toBe(true);
    expect(new Set(assigned).size).toBe(Math.min(sources.length, sections.length * 4)); // every source used while there is room
    const report = (
      await database.db
        .selectFrom("documents")
        .select("research_report")
        .where("id", "=", document.id)
        .executeTakeFirstOrThrow()
    ).research_report as { sources: number; reachable: string[] };
    expect(report.sources).toBe(sources.length);
    expect(report.reachable.sort()).toEqual(["crossref", "openalex", "semantic-scholar"]);

    for (const s of sections) await writeSection(ctx, { documentId: document.id, sectionId: s.id });
    const written = await database.db
      .selectFrom("sections")
      .select(["content", "source_keys", "status"])
      .where("document_id", "=", document.id)
      .execute();
    const known = new Set(sources.map((s) => s.key));
    for (const s of written) {
      expect(s.status).toBe("passed");
      const cited = findCitationKeys(s.content ?? "");
      expect(cited.length).toBeGreaterThan(0);
      expect(cited.every((k) => known.has(k))).toBe(true);
    }
    const prompt = JSON.stringify(openai.requests.at(-1)!.body);
    expect(prompt).toContain("Sources you may cite, as [@key]");
  });

  it("an invented citation fails the attempt and the next attempt is told why", async () => {
    const { document, sections } = await plannedDocument("Citation discipline in automated writing");
    openai.inventCitationNext(1);
    await writeSection(ctx, { documentId: document.id, sectionId: sections[0].id });
    const first = await database.db
      .selectFrom("section_attempts")
      .selectAll()
      .where("section_id", "=", sections[0].id)
      .executeTakeFirstOrThrow();
    expect(first.passed).toBe(false);
    expect((first.feedback as unknown as string[]).join(" ")).toContain("invented2099");
    await writeSection(ctx, { documentId: document.id, sectionId: sections[0].id, attempt: 2 });
    const prompt = JSON.stringify(openai.requests.at(-1)!.body);
    expect(prompt).toContain("Fix these problems of the previous attempt");
    expect(prompt).toContain("invented2099");
    const section = await database.db
      .selectFrom("sections")
      .select(["status", "content"])
      .where("id", "=", sections[0].id)
      .executeTakeFirstOrThrow();
    expect(section.status).toBe("passed");
    expect(section.content).not.toContain("invented2099");
  });

  it("on the last attempt an invented citation is removed, with a warning on the document", async () => {
    const { document, sections } = await plannedDocument("Last attempts and removed citations");
    openai.inventCitationNext(3);
    await writeSection(ctx, { documentId: document.id, sectionId: sections[1].id });
    await writeSection(ctx, { documentId: document.id, sectionId: sections[1].id, attempt: 2 });
    await writeSection(ctx, { documentId: document.id, sectionId: sections[1].id, attempt: 3 });
    const section = await database.db
      .selectFrom("sections")
      .select(["status", "content"])
      .where("id", "=", sections[1].id)
      .executeTakeFirstOrThrow();
    expect(section.status).toBe("passed");
    expect(section.content).not.toContain("[@invented2099]");
    const doc = await database.db
      .selectFrom("documents")
      .select("quality_warnings")
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect((doc.quality_warnings as unknown as string[]).join(" ")).toMatch(
      /cited \[@invented2099\], which is not among the sources; the citation was removed/,
    );
  });

  it("with no source provider reachable, no source is stored and the writer is told to cite nothing", async () => {
    const { document, sections } = await plannedDocument("Offline research", {
      providers: ["openalex"],
      urls: { openalex: "http://127.0.0.1:1" },
      retryDelaysMs: [1, 1],
    });
    expect(
      await database.db.selectFrom("sources").selectAll().where("document_id", "=", document.id).execute(),
    ).toEqual([]);
    const report = (
      await database.db
        .selectFrom("documents")
        .select("research_report")
        .where("id", "=", document.id)
        .executeTakeFirstOrThrow()
    ).research_report as { sources: number; failed: { provider: string }[] };
    expect(report).toMatchObject({ sources: 0 });
    expect(report.failed.map((f) => f.provider)).toEqual(["openalex"]);
    await writeSection(ctx, { documentId: document.id, sectionId: sections[0].id });
    expect(JSON.stringify(openai.requests.at(-1)!.body)).toContain("This document has no sources: cite nothing");
  });

  it("a section copied from a source abstract fails the uniqueness gate and is written again", async () => {
    const gated = { ...ctx, gates: createGates(qualityConfig(parseEnv({})), ctx.machinery) };
    const { document, sections } = await plannedDocument("Copying from sources and the uniqueness gate");
    openai.copySourceNext(1);
    await writeSection(gated, { documentId: document.id, sectionId: sections[0].id });
    const first = await database.db
      .selectFrom("section_attempts")
      .selectAll()
      .where("section_id", "=", sections[0].id)
      .executeTakeFirstOrThrow();
    expect(first.passed).toBe(false);
    expect((first.scores as { uniqueness: number }).uniqueness).toBeLessThan(85);
    expect((first.feedback as unknown as string[]).join(" ")).toMatch(/This passage repeats source \[@\w+\]/);
    await writeSection(gated, { documentId: document.id, sectionId: sections[0].id, attempt: 2 });
    const section = await database.db
      .selectFrom("sections")
      .selectAll()
      .where("id", "=", sections[0].id)
      .executeTakeFirstOrThrow();
    expect(section.status).toBe("passed");
    expect(section.score_uniqueness).toBeGreaterThanOrEqual(85);
    expect(section.score_ai).toBeNull(); // no detector key: N/A, never a made-up score
  });
});
