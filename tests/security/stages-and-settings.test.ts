// Issue 17, item 6 (one source for each setting and state change), over HTTP against the running app: the server
// honours the quality settings it parses (QUALITY_HTTP_TIMEOUT_SECONDS was honoured by `npm run quality` only), and
// every stage an order passes through reaches the browser as an event built from the columns the progress API reads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentEvent, ProgressEvent } from "../../app/utils/document-events";
import { startFakeDetectors, type FakeDetectors } from "../fakes/detectors";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { eventually, listenToDocumentEvents } from "../setup/fixtures";
import { type App, signedInCustomer, startApp } from "./app";
import { draftOrder } from "./money-app";

let app: App;
let openai: FakeOpenAI;
let detectors: FakeDetectors;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  detectors = await startFakeDetectors({ apiKey: "gz-key" });
  app = await startApp({
    OPENAI_API_KEY: "sk-fake-stages",
    OPENAI_BASE_URL: openai.url,
    AI_FALLBACK_CHAIN: "",
    GPTZERO_API_KEY: "gz-key",
    GPTZERO_URL: detectors.url,
    QUALITY_HTTP_TIMEOUT_SECONDS: "1",
  });
});
afterAll(async () => {
  await app?.stop();
  await detectors?.close();
  await openai?.close();
});

/** A customer's order of 5 pages (4 sections, written 2 at a time), paid with the development payment, over HTTP. */
async function paidOrder(topic: string) {
  const customer = await signedInCustomer(app);
  const id = await draftOrder(customer.client, { pages: 5, topic });
  const paid = await customer.client.post(`/orders/${id}/review`, { intent: "dev" });
  expect(paid.status, paid.text).toBe(302);
  return { ...customer, id };
}

async function delivered(id: string, timeoutMs?: number) {
  return eventually(
    "the order to be delivered",
    async () => {
      const row = await app.db
        .selectFrom("documents")
        .select(["status"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      return ["completed", "completed_with_warnings"].includes(row.status) && row;
    },
    timeoutMs,
  );
}

describe("item 6: the server honours the quality settings it parses", () => {
  it("an AI detector that never answers holds each section at most QUALITY_HTTP_TIMEOUT_SECONDS (1 s here, not the default 30 s): the order is delivered with AI detection N/A", async () => {
    detectors.failNext("gptzero", { kind: "timeout" }, 1000);
    const { id } = await paidOrder("An order whose AI detector never answers");
    // 4 sections, 2 at a time: with the default of 30 s per unanswered call this would take over a minute.
    await delivered(id, 20_000).finally(() => detectors.clearFaults());
    const sections = await app.db
      .selectFrom("sections")
      .select(["status", "score_ai", "score_uniqueness"])
      .where("document_id", "=", id)
      .execute();
    expect(sections.length).toBe(4);
    for (const section of sections) expect(section).toMatchObject({ status: "passed", score_ai: null });
    // The detector was asked (and left hanging), and the other gates did score the sections.
    expect(detectors.requests.some((r) => r.provider === "gptzero")).toBe(true);
    expect(sections.every((s) => s.score_uniqueness !== null)).toBe(true);
  });
});

describe("item 6: one writer of the progress columns and their events", () => {
  it(
    "the browser hears every stage an order passes through, reviewing included, each event as the progress API then reads the document",
    { timeout: 60_000 },
    async () => {
      const listener = await listenToDocumentEvents(app.databaseUrl);
      try {
        const { client, id } = await paidOrder("An order whose every stage is announced");
        await delivered(id, 45_000);
        const progress = await eventually("the last progress event", async () => {
          const mine = listener.events.filter((e) => e.documentId === id).map((e) => e.event);
          return (
            mine.some((e) => e.type === "completed") && mine.filter((e): e is ProgressEvent => e.type === "progress")
          );
        });
        const stages = progress.map((e) => e.stage).filter((stage, i, all) => stage !== all[i - 1]);
        expect(stages).toEqual(["queued", "planning", "writing", "reviewing", "assembling", "done"]);
        const percents = progress.map((e) => e.percent);
        expect(percents).toEqual([...percents].sort((a, b) => a - b));
        // Handed over to the review with every section written, at the end of the writing share.
        expect(progress.find((e) => e.stage === "reviewing")).toMatchObject({
          percent: 95,
          currentSection: null,
          totalSections: 4,
          etaSeconds: 5,
          status: "generating",
        });
        // The last event says what the progress API says once it is delivered.
        const snapshot = JSON.parse((await client.get(`/api/documents/${id}/progress`)).text);
        const { type: _type, ...last } = progress.at(-1)! as DocumentEvent & ProgressEvent;
        expect(last).toEqual({
          percent: snapshot.percent,
          stage: snapshot.stage,
          currentSection: snapshot.currentSection,
          totalSections: snapshot.totalSections,
          etaSeconds: snapshot.etaSeconds,
          status: snapshot.status,
        });
      } finally {
        await listener.close();
      }
    },
  );
});
