// A pipeline context that writes with the fake OpenAI and searches the fake indexes, for tests that call the plan.
import type { Db } from "../../app/utils/db.server";
import { logger } from "../../app/utils/logger.server";
import type { PipelineContext } from "../../worker/context";
import { OpenAIProvider } from "../../worker/llm/openai";
import { LlmRouter } from "../../worker/llm/router";
import { createPipelineMachinery } from "../../worker/machinery";
import type { FakeScholarly } from "../fakes/scholarly";

export function researchingContext(db: Db, openaiUrl: string, scholarly: FakeScholarly): PipelineContext {
  return {
    db,
    router: new LlmRouter([new OpenAIProvider({ apiKey: "sk", baseURL: openaiUrl, model: "gpt-4o-mini" })]),
    log: logger,
    sectionConcurrency: 2,
    completionThreshold: 0.85,
    research: {
      providers: ["openalex", "crossref", "semantic-scholar"],
      urls: scholarly.urls,
      db,
      retryDelaysMs: [1, 1],
    },
    machinery: createPipelineMachinery(),
  };
}
