// Events about one document, shared by worker, server and browser (socket.io room `document:<id>`).

/** A section's quality scores; each is null until its gate has run (or when the gate is not configured): "N/A". */
export type SectionScores = { uniqueness: number | null; grammar: number | null; ai: number | null };

export type SectionSnapshot = {
  index: number;
  heading: string;
  status: "pending" | "writing" | "passed" | "failed";
  wordCount: number | null;
  targetWords: number;
  /** Absent where a reader does not select them; the live snapshot (GET /api/documents/:id/progress) always has them. */
  scores?: SectionScores | null;
};

export type ProgressSnapshot = {
  documentId: string;
  status: string;
  percent: number;
  stage: string | null;
  currentSection: number | null;
  totalSections: number | null;
  etaSeconds: number | null;
  offlineDemo: boolean;
  sections: SectionSnapshot[];
};

export type ProgressEvent = {
  type: "progress";
  percent: number;
  stage: string | null;
  currentSection: number | null;
  totalSections: number | null;
  etaSeconds: number | null;
  status: string;
  /** Date.now() of the writer, when it sets one (the socket benchmark measures delivery latency with it). */
  at?: number;
};
export type SectionEvent = {
  type: "section";
  index: number;
  status: SectionSnapshot["status"];
  wordCount: number | null;
  /** Sent once the section is final; absent means "unchanged". */
  scores?: SectionScores | null;
};
/** Every 10 s per generating document (worker/heartbeat.ts): the browser re-reads the snapshot after 25 s without one. */
export type HeartbeatEvent = { type: "heartbeat"; status: string; percent: number; at: number };
export type CompletedEvent = { type: "completed"; status: string };
export type FailedEvent = { type: "failed"; reason: string };
/** Too large to carry, or events may have been lost: the browser re-reads GET /api/documents/:id/progress. */
export type ResyncEvent = { type: "resync" };

/** A section being written again (issue 21): its state, and while it is written the words so far and the text's end. */
export type RegenerationEvent = {
  type: "regeneration";
  regenerationId: string;
  index: number;
  status: "queued" | "writing" | "ready" | "kept" | "discarded" | "failed";
  words?: number;
  tail?: string;
};

export type DocumentEvent =
  RegenerationEvent | ProgressEvent | SectionEvent | HeartbeatEvent | CompletedEvent | FailedEvent | ResyncEvent;

/** What a socket receives: the event without its `type` (that is the socket.io event name), plus the document id. */
export type DocumentEventPayload<T extends DocumentEvent["type"]> = Omit<
  Extract<DocumentEvent, { type: T }>,
  "type"
> & {
  documentId: string;
};

export const DOCUMENT_EVENTS_CHANNEL = "tesigo_document_events";
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** No heartbeat (nor any other event) for this long while the document is active: re-read the snapshot. */
export const HEARTBEAT_TIMEOUT_MS = 25_000;

export function documentRoom(documentId: string): string {
  return `document:${documentId}`;
}

/** The stages a document goes through (documents.progress_stage); the catalog's `stages` names them (stageText). */
export const STAGE_CODES = [
  "queued",
  "planning",
  "writing",
  "reviewing",
  "waiting_for_budget",
  "waiting_for_key",
  "assembling",
  "done",
  "failed",
] as const;
