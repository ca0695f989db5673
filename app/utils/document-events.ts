// Events about one document, shared by worker, server and browser (socket.io room `document:<id>`).
export type SectionSnapshot = {
  index: number;
  heading: string;
  status: "pending" | "writing" | "passed" | "failed";
  wordCount: number | null;
  targetWords: number;
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

export type DocumentEvent =
  | { type: "progress"; percent: number; stage: string | null; currentSection: number | null; totalSections: number | null; etaSeconds: number | null; status: string }
  | { type: "section"; index: number; status: SectionSnapshot["status"]; wordCount: number | null }
  | { type: "completed"; status: string }
  | { type: "failed"; reason: string }
  /** Too large to carry: the browser re-reads GET /api/documents/:id/progress. */
  | { type: "resync" };

export const DOCUMENT_EVENTS_CHANNEL = "tesigo_document_events";

export function documentRoom(documentId: string): string {
  return `document:${documentId}`;
}

export const STAGE_LABELS: Record<string, string> = {
  queued: "Waiting for a writer",
  planning: "Planning the outline",
  writing: "Writing sections",
  reviewing: "Reviewing the whole document",
  waiting_for_budget: "Waiting: today's writing capacity is used up; it resumes at midnight UTC",
  assembling: "Assembling the document",
  done: "Finished",
  failed: "Stopped",
};
