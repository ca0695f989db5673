// How a page's copy of a document's progress follows the snapshot reads and the socket's events: the browser's hook
// (app/components/use-document-progress.ts) and the socket soak's clients (scripts/soak/) apply the same rules.
import type { DocumentEventPayload, ProgressSnapshot, SectionSnapshot } from "./document-events";

// awaiting_payment: back from Stripe Checkout, the webhook may still be on its way.
const ACTIVE = new Set(["awaiting_payment", "queued", "generating"]);
const FINAL_SECTION = new Set<SectionSnapshot["status"]>(["passed", "failed"]);

/** Whether the document is still on its way (its page follows it live). */
export function isActive(status: string): boolean {
  return ACTIVE.has(status);
}

/**
 * A snapshot read while events kept arriving can be a moment older than them: within one status it never steps the
 * bar or a finished section back.
 */
export function mergeSnapshot(previous: ProgressSnapshot, next: ProgressSnapshot): ProgressSnapshot {
  if (previous.documentId !== next.documentId || previous.status !== next.status) return next;
  const before = new Map(previous.sections.map((s) => [s.index, s]));
  return {
    ...next,
    percent: Math.max(previous.percent, next.percent),
    sections: next.sections.map((s) => {
      const old = before.get(s.index);
      return old && FINAL_SECTION.has(old.status) && !FINAL_SECTION.has(s.status) ? old : s;
    }),
  };
}

/**
 * Snapshot reads in flight together can answer out of order (a slow read from before the document finished after a
 * quick one from after): each read takes a ticket, and its answer is applied only if no later read's answer was.
 */
export function newestReadsOnly(): () => () => boolean {
  let issued = 0;
  let applied = 0;
  return () => {
    const ticket = ++issued;
    return () => {
      if (ticket < applied) return false;
      applied = ticket;
      return true;
    };
  };
}

/** A "progress" event applied: the event's stage, counts and status; the bar never steps back. */
export function withProgressEvent(s: ProgressSnapshot, e: DocumentEventPayload<"progress">): ProgressSnapshot {
  return {
    ...s,
    percent: Math.max(s.percent, e.percent),
    stage: e.stage,
    currentSection: e.currentSection,
    totalSections: e.totalSections,
    etaSeconds: e.etaSeconds,
    status: e.status,
  };
}

/** A "section" event applied; undefined when the page does not know the section yet (it re-reads the snapshot). */
export function withSectionEvent(
  s: ProgressSnapshot,
  e: DocumentEventPayload<"section">,
): ProgressSnapshot | undefined {
  if (!s.sections.some((x) => x.index === e.index)) return undefined;
  return {
    ...s,
    sections: s.sections.map((x) =>
      x.index === e.index
        ? {
            ...x,
            status: e.status,
            wordCount: e.wordCount ?? x.wordCount,
            scores: e.scores !== undefined ? e.scores : x.scores,
          }
        : x,
    ),
  };
}

/** A heartbeat says the worker's view differs from the page's (an event was missed): re-read the snapshot. */
export function heartbeatDisagrees(s: ProgressSnapshot, e: DocumentEventPayload<"heartbeat">): boolean {
  return e.status !== s.status || e.percent > s.percent;
}
