// A job of an order whose customer's own LLM key was refused ends there, without a retry (each would be refused too)
// and without failing the order: the order pauses until the customer saves a working key (paused-orders.server.ts).
import { pauseForRefusedKey } from "../../app/models/paused-orders.server";
import type { PipelineContext } from "../context";
import { CustomerKeyRefusedError } from "../llm/errors";
import type { JobRun } from "../runner";

export function pausingOnRefusedKey<T extends { documentId: string }>(
  ctx: PipelineContext,
  handler: (job: T, run: JobRun) => Promise<void>,
): (job: T, run: JobRun) => Promise<void> {
  return async (job, run) => {
    try {
      await handler(job, run);
    } catch (error) {
      if (!(error instanceof CustomerKeyRefusedError)) throw error;
      const paused = await pauseForRefusedKey(ctx.db, job.documentId);
      ctx.log.warn(
        { documentId: job.documentId, provider: error.provider, why: error.why, paused },
        "the customer's own LLM key failed: the order waits for a working key",
      );
    }
  };
}
