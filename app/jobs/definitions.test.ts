import { describe, expect, it } from "vitest";
import { EXPIRY_MARGIN_SECONDS, callLimitSeconds, llmWorkSeconds, minimumExpirySeconds } from "../utils/job-expiry";
import { LLM_WORK, QUEUES, queuePolicies, type QueueName } from "./definitions";

const TIMEOUTS = [5, 30, 90, 300, 600];

describe("queue expiries and LLM_TIMEOUT_SECONDS agree", () => {
  it("a job that calls writers expires only after every call it makes may legally have ended, for any timeout", () => {
    for (const timeout of TIMEOUTS) {
      const policies = queuePolicies(timeout);
      for (const [name, work] of Object.entries(LLM_WORK) as [QueueName, NonNullable<(typeof LLM_WORK)[QueueName]>][]) {
        const runnerBudget = policies[name].expireInSeconds - EXPIRY_MARGIN_SECONDS;
        expect(runnerBudget, `${name} with LLM_TIMEOUT_SECONDS=${timeout}`).toBeGreaterThanOrEqual(
          work.calls * callLimitSeconds(timeout, work.streamed) + (work.judged ?? 0) * timeout,
        );
      }
    }
  });

  it("a streamed section may run twice the timeout in all, and its job covers that", () => {
    expect(callLimitSeconds(90, true)).toBe(180);
    expect(queuePolicies(90)[QUEUES.writeSection].expireInSeconds).toBeGreaterThanOrEqual(180 + EXPIRY_MARGIN_SECONDS);
    expect(queuePolicies(300)[QUEUES.writeSection].expireInSeconds).toBeGreaterThanOrEqual(600 + EXPIRY_MARGIN_SECONDS);
  });

  it("the shortest expiry the env accepts (QUEUE_EXPIRE_SECONDS) still covers every queue's calls", () => {
    for (const timeout of TIMEOUTS) {
      for (const work of Object.values(LLM_WORK)) {
        expect(llmWorkSeconds(work!, timeout) + EXPIRY_MARGIN_SECONDS).toBeLessThanOrEqual(
          minimumExpirySeconds(timeout),
        );
      }
    }
  });

  it("the other queues keep their fixed expiries", () => {
    expect(queuePolicies(90)[QUEUES.sendEmail].expireInSeconds).toBe(60);
    expect(queuePolicies(600)[QUEUES.exportDocument].expireInSeconds).toBe(300);
  });
});
