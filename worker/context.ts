import type { Logger } from "pino";
import type { Db } from "../app/utils/db.server";
import type { LlmRouter } from "./llm/router";

/** What every pipeline handler gets; handlers are plain functions, testable without a running queue. */
export type PipelineContext = {
  db: Db;
  router: LlmRouter;
  log: Logger;
  sectionConcurrency: number;
  /** Share of passed sections at which a document is delivered (with warnings when below 1). */
  completionThreshold: number;
};
