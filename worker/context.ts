import type { Logger } from "pino";
import type { Db } from "../app/utils/db.server";
import type { Writer } from "./llm/router";
import type { PipelineMachinery } from "./machinery";
import type { QualityGate } from "./quality/types";
import type { ResearchConfig } from "./research";
import type { FullTextConfig } from "./research/full-text";

/** What every pipeline handler gets; handlers are plain functions, testable without a running queue. */
export type PipelineContext = {
  db: Db;
  /** TesiGo's writers; an order priced with the customer's own key writes with writerForOrder's. */
  router: Writer;
  log: Logger;
  sectionConcurrency: number;
  /** Share of passed sections at which a document is delivered (with warnings when below 1). */
  completionThreshold: number;
  /** Summaries of at most this many neighbouring sections go into a section's prompt. */
  maxContextSections?: number;
  /** Tokens per UTC day (0 = no limit). */
  dailyTokenLimit?: number;
  dailyTokenLimitPerUser?: number;
  /** Where sources come from; absent or without providers, documents are written without references. */
  research?: ResearchConfig;
  /** Fetching the assigned sources' open-access PDFs (FULLTEXT_*); absent or null: abstracts only. */
  fullText?: FullTextConfig | null;
  /** Uniqueness, grammar and AI-detection gates run after length and citations pass; none when absent. */
  gates?: readonly QualityGate[];
  /** The caches and gathered statements this worker's handlers share (createPipelineMachinery; the gates' too). */
  machinery: PipelineMachinery;
};

/** The delivery a handler runs in (worker/runner.ts); tests call handlers without one. */
export type DeliveryInfo = { isLastTry: boolean; signal?: AbortSignal };
export const DIRECT_CALL: DeliveryInfo = { isLastTry: false };
