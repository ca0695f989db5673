import { describe, expect, it } from "vitest";
import type { ProgressSnapshot } from "./document-events";
import {
  heartbeatDisagrees,
  isActive,
  mergeSnapshot,
  newestReadsOnly,
  withProgressEvent,
  withSectionEvent,
} from "./live-progress";

const documentId = "00000000-0000-4000-8000-000000000001";
const snapshot = (over: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
  documentId,
  status: "generating",
  percent: 40,
  stage: "writing",
  currentSection: 1,
  totalSections: 2,
  etaSeconds: 30,
  offlineDemo: false,
  sections: [
    { index: 0, heading: "One", status: "passed", wordCount: 400, targetWords: 400 },
    { index: 1, heading: "Two", status: "writing", wordCount: null, targetWords: 400 },
  ],
  ...over,
});

describe("the page's copy of a document's progress", () => {
  it("a snapshot read before the events of the same status neither steps the bar back nor reopens a finished section", () => {
    const older = snapshot({
      percent: 30,
      sections: snapshot().sections.map((s) => ({ ...s, status: "writing" as const })),
    });
    const merged = mergeSnapshot(snapshot(), older);
    expect(merged.percent).toBe(40);
    expect(merged.sections.map((s) => s.status)).toEqual(["passed", "writing"]);
  });

  it("a snapshot with another status replaces the copy as it is (the document was delivered, failed, refunded)", () => {
    const delivered = snapshot({ status: "completed", stage: "done", percent: 100, currentSection: null });
    expect(mergeSnapshot(snapshot(), delivered)).toEqual(delivered);
    const refunded = snapshot({ status: "refunded", stage: "failed", percent: 95 });
    expect(mergeSnapshot(snapshot({ status: "failed_quality", percent: 95 }), refunded)).toEqual(refunded);
  });

  it("a progress event moves stage, counts and status, never the bar backwards", () => {
    const next = withProgressEvent(snapshot(), {
      documentId,
      percent: 35,
      stage: "reviewing",
      currentSection: null,
      totalSections: 2,
      etaSeconds: 5,
      status: "generating",
    });
    expect(next).toMatchObject({ percent: 40, stage: "reviewing", currentSection: null, etaSeconds: 5 });
  });

  it("a section event changes its section; an unknown section asks for the snapshot", () => {
    const event = { documentId, index: 1, status: "passed" as const, wordCount: 410, scores: null };
    expect(withSectionEvent(snapshot(), event)?.sections[1]).toMatchObject({ status: "passed", wordCount: 410 });
    expect(withSectionEvent(snapshot(), { ...event, index: 7 })).toBeUndefined();
  });

  it("a heartbeat that disagrees (another status, a higher percent) asks for the snapshot", () => {
    const beat = { documentId, status: "generating", percent: 40, at: 0 };
    expect(heartbeatDisagrees(snapshot(), beat)).toBe(false);
    expect(heartbeatDisagrees(snapshot(), { ...beat, percent: 45 })).toBe(true);
    expect(heartbeatDisagrees(snapshot({ status: "completed" }), beat)).toBe(true);
  });

  it("follows a document live until it is delivered, failed or refunded", () => {
    expect(["awaiting_payment", "queued", "generating"].map(isActive)).toEqual([true, true, true]);
    expect(["completed", "completed_with_warnings", "failed_quality", "refunded"].some(isActive)).toBe(false);
  });
});

describe("snapshot reads that answer out of order", () => {
  it("an older read answering after a newer one is dropped: a finished document never shows as writing again", () => {
    const read = newestReadsOnly();
    const beforeFinish = read();
    const afterFinish = read();
    expect(afterFinish()).toBe(true);
    expect(beforeFinish()).toBe(false);
  });

  it("answers in order are all applied, and an older read still counts when no newer one has answered", () => {
    const read = newestReadsOnly();
    const first = read();
    const second = read();
    expect(first()).toBe(true);
    expect(second()).toBe(true);
    const third = read();
    const fourth = read();
    expect(third()).toBe(true);
    expect(fourth()).toBe(true);
  });
});
