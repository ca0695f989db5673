import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullTextPagesOf } from "../../app/models/source-full-texts.server";
import type { PipelineContext } from "../../worker/context";
import { planDocument } from "../../worker/pipeline/plan";
import { fetchFullText, type FullTextConfig } from "../../worker/research/full-text";
import { OPEN_ACCESS_PAGES, openAccessPageText, openAccessUrl } from "../fakes/open-access";
import type { FakeScholarly } from "../fakes/scholarly";
import type { TestDatabase } from "../setup/database";
import { eventually, warnSpies } from "../setup/fixtures";
import { planPaidDocument, startPipelineFixture, type ResearchingPipelineFixture } from "../setup/pipeline-context";

// Issue 24, item 4: the open-access PDF an index names for a source is fetched under the SSRF rules, within a size and
// a time limit, checked to be a PDF, read page by page in a thread, and stored with the source; whatever goes wrong is
// recorded for the source and never fails the order.
let pipeline: ResearchingPipelineFixture;
let database: TestDatabase;
let scholarly: FakeScholarly;
let origin: string;
let config: FullTextConfig;
const spyOnWarn = warnSpies();

beforeAll(async () => {
  // Researched in the fake indexes (which also serve the open-access PDFs), written by the fake OpenAI, no gate.
  pipeline = await startPipelineFixture({ research: true });
  ({ database, scholarly } = pipeline);
  origin = new URL(scholarly.urls.openalex).origin;
  // The fake's own origin is a loopback address: exempt from the private-address check as FULLTEXT_PRIVATE_ORIGINS does.
  // Reading gets the upload's default limit (20 s): a real PDF is read well within it even on a busy machine.
  config = {
    maxBytes: 1024 * 1024,
    timeoutMs: 2000,
    readTimeoutMs: 20_000,
    budgetMs: 90_000,
    privateOrigins: [origin],
    httpsOnly: false,
  };
});

afterAll(() => pipeline?.stop());

const url = (kind: Parameters<typeof openAccessUrl>[1], id = "w1") => openAccessUrl(origin, kind, id);

describe("fetching one open-access PDF", () => {
  it("reads a real PDF page by page, page 1 first", async () => {
    const outcome = await fetchFullText(url("pages", "paper7"), config);
    expect(outcome.status).toBe("fetched");
    expect(outcome.pageCount).toBe(OPEN_ACCESS_PAGES);
    expect(outcome.pages).toEqual(
      Array.from({ length: OPEN_ACCESS_PAGES }, (_, i) => openAccessPageText("paper7", i + 1)),
    );
  });

  it("refuses a private address (the cloud metadata service) without connecting", async () => {
    const outcome = await fetchFullText(url("private"), config);
    expect(outcome).toMatchObject({ status: "refused", pages: [] });
    expect(outcome.detail).toMatch(/private, loopback or link-local/);
  });

  it("refuses a redirect to a private address: the redirect's target is never requested", async () => {
    const before = scholarly.openAccessRequests.length;
    const outcome = await fetchFullText(url("redirect-private", "moved"), config);
    expect(outcome).toMatchObject({ status: "refused", pages: [] });
    expect(scholarly.openAccessRequests.slice(before)).toEqual(["/oa/redirect-private/moved.pdf"]);
  });

  it("refuses a loopback address not listed as a private origin (as in production)", async () => {
    const before = scholarly.openAccessRequests.length;
    const outcome = await fetchFullText(url("pages"), { ...config, privateOrigins: [] });
    expect(outcome.status).toBe("refused");
    expect(scholarly.openAccessRequests.length).toBe(before);
  });

  it("stops reading a file past the size limit", async () => {
    const outcome = await fetchFullText(url("big"), config);
    expect(outcome).toMatchObject({ status: "too-large", pages: [] });
    expect(outcome.sizeBytes).toBeGreaterThan(config.maxBytes);
  });

  it("refuses what is not a PDF, whatever its Content-Type says", async () => {
    expect(await fetchFullText(url("html"), config)).toMatchObject({ status: "not-pdf", pages: [] });
  });

  it("gives up on a server that never finishes sending, at its time limit", async () => {
    expect(await fetchFullText(url("slow"), config)).toMatchObject({ status: "timeout", pages: [] });
  });

  it("records an encrypted PDF as encrypted", async () => {
    expect(await fetchFullText(url("encrypted"), config)).toMatchObject({ status: "encrypted", pages: [] });
  });

  it("reads in a thread: a PDF that would take days to read leaves this thread free, and ends at its time limit", async () => {
    spyOnWarn();
    const reading = { ...config, readTimeoutMs: 8000 };
    let settled = false;
    const outcome = fetchFullText(url("endless", "days"), reading).finally(() => (settled = true));
    await eventually("the endless PDF to be downloaded", async () =>
      scholarly.openAccessRequests.includes("/oa/endless/days.pdf"),
    );
    // This thread still answers: another PDF is fetched and read while the first is being read.
    expect((await fetchFullText(url("pages", "meanwhile"), reading)).status).toBe("fetched");
    expect(settled, "the endless PDF is still being read").toBe(false);
    expect(await outcome).toMatchObject({ status: "timeout", pages: [] });
  });
});

describe("full texts in the plan", () => {
  let ctx: PipelineContext;
  beforeAll(() => {
    // The endless PDF among the plan's sources is read until this limit.
    ctx = { ...pipeline.ctx, fullText: { ...config, readTimeoutMs: 10_000 } };
  });

  it("stores the pages of the assigned sources' PDFs; refused, oversized, slow and non-PDF links are recorded and the order goes on", async () => {
    spyOnWarn();
    const { document, sections } = await planPaidDocument(ctx, {
      topic: "Hostile repositories and open science infrastructure",
      pages: 10,
      language: "en",
    });

    const planned = await database.db
      .selectFrom("documents")
      .select(["status", "progress_stage", "research_report"])
      .where("id", "=", document.id)
      .executeTakeFirstOrThrow();
    expect(planned).toMatchObject({ status: "generating", progress_stage: "writing" });
    expect(sections.length).toBeGreaterThan(0);
    const assigned = new Set(sections.flatMap((s) => s.source_keys as unknown as string[]));

    const rows = await database.db
      .selectFrom("sources")
      .leftJoin("source_full_texts", "source_full_texts.source_id", "sources.id")
      .select([
        "sources.id",
        "sources.key",
        "sources.open_access_url",
        "source_full_texts.status",
        "source_full_texts.pages",
      ])
      .where("sources.document_id", "=", document.id)
      .execute();
    const linked = rows.filter((r) => r.open_access_url && assigned.has(r.key));
    expect(linked.length).toBeGreaterThan(2);
    // Every assigned source with a link has an outcome; only sources with a link have one.
    for (const row of rows) expect(row.status !== null).toBe(Boolean(row.open_access_url && assigned.has(row.key)));
    const kindOf = (link: string) => /\/oa\/([a-z-]+)\/|169\.254/.exec(link)?.[1] ?? "private";
    const expected: Record<string, string> = {
      pages: "fetched",
      big: "too-large",
      html: "not-pdf",
      slow: "timeout",
      endless: "timeout",
      encrypted: "encrypted",
      private: "refused",
      "redirect-private": "refused",
    };
    for (const row of linked) expect(row.status, row.open_access_url!).toBe(expected[kindOf(row.open_access_url!)]);
    const kinds = new Set(linked.map((r) => kindOf(r.open_access_url!)));
    expect(kinds.has("pages")).toBe(true);
    expect([...kinds].filter((k) => k !== "pages").length).toBeGreaterThan(1);

    // What the citation check reads: page 1 first, for the fetched sources only.
    const pages = await fullTextPagesOf(
      database.db,
      rows.map((r) => r.id),
    );
    const fetched = linked.filter((r) => r.status === "fetched");
    expect([...pages.keys()].sort()).toEqual(fetched.map((r) => r.id).sort());
    for (const row of fetched) {
      const id = /\/oa\/pages\/([\w.-]+)\.pdf$/.exec(row.open_access_url!)![1]!;
      expect(pages.get(row.id)).toEqual(
        Array.from({ length: OPEN_ACCESS_PAGES }, (_, i) => openAccessPageText(id, i + 1)),
      );
    }
    expect((planned.research_report as { fullTexts: Record<string, number> }).fullTexts.fetched).toBe(fetched.length);

    // A second delivery of the plan changes nothing.
    await planDocument(ctx, { documentId: document.id });
    const again = await database.db
      .selectFrom("source_full_texts")
      .innerJoin("sources", "sources.id", "source_full_texts.source_id")
      .select("source_full_texts.source_id")
      .where("sources.document_id", "=", document.id)
      .execute();
    expect(again.length).toBe(linked.length);
  });
});
