// The router and the job's deadline: a call is never started (nor a pause before one) when it could not end, at its
// legal longest, before the job is aborted; the job fails instead and pg-boss retries it.
import { describe, expect, it } from "vitest";
import { setDeadline } from "../deadline";
import { AllProvidersFailedError, type Completion, type CompletionRequest, type LlmProvider } from "./provider";
import { LlmRouter } from "./router";
import { watchIdle } from "./stream";

/** A writer whose calls may legally take `longestMs`; `answers` say what each call does. */
function writer(longestMs: number, answers: (() => Promise<Completion>)[]): LlmProvider & { calls: number } {
  return {
    name: "fake",
    model: "fake-1",
    breakerKey: null,
    calls: 0,
    longestCallMs: () => longestMs,
    async complete() {
      const answer = answers[this.calls++] ?? answers.at(-1)!;
      return answer();
    },
  };
}

const ok = async (): Promise<Completion> => ({
  text: "done",
  tokensIn: 1,
  tokensOut: 1,
  provider: "fake",
  model: "fake-1",
});
const serverError = async (): Promise<Completion> => {
  throw Object.assign(new Error("upstream failed"), { status: 500 });
};
const request = (signal: AbortSignal): CompletionRequest => ({
  system: "s",
  prompt: "p",
  intent: { kind: "judge" },
  signal,
});

describe("the router within a job's deadline", () => {
  it("does not start a call that could outlive the job: it fails at once, saying why", async () => {
    const signal = setDeadline(new AbortController().signal, Date.now() + 5_000);
    const slow = writer(60_000, [ok]);
    const failure = await new LlmRouter([slow]).complete(request(signal)).catch((e) => e);
    expect(failure).toBeInstanceOf(AllProvidersFailedError);
    expect(failure.message).toContain("no time left in this job for a call that may take 60 s");
    expect(slow.calls).toBe(0);
  });

  it("does not pause for a retry whose call could not end in time; a retry that fits is made", async () => {
    const pauses: number[] = [];
    const sleep = async (ms: number) => void pauses.push(ms);
    // Time for one call of 10 s and a little more: the 2 s pause and a second 10 s call do not fit.
    const tight = setDeadline(new AbortController().signal, Date.now() + 11_000);
    const failing = writer(10_000, [serverError]);
    const failure = await new LlmRouter([failing], { sleep, random: () => 0 }).complete(request(tight)).catch((e) => e);
    expect(failure.message).toContain("no time left in this job");
    expect(failing.calls).toBe(1);
    expect(pauses).toEqual([]);

    const roomy = setDeadline(new AbortController().signal, Date.now() + 60_000);
    const flaky = writer(10_000, [serverError, ok]);
    expect((await new LlmRouter([flaky], { sleep, random: () => 0 }).complete(request(roomy))).text).toBe("done");
    expect(flaky.calls).toBe(2);
    expect(pauses).toEqual([2000]);
  });

  it("without a deadline (a direct call) calls as before", async () => {
    const slow = writer(600_000, [ok]);
    expect((await new LlmRouter([slow]).complete({ ...request(new AbortController().signal) })).text).toBe("done");
  });
});

describe("a streamed answer's limits", () => {
  it("is stopped once its limit in all has come, even while text keeps arriving", async () => {
    let watch!: ReturnType<typeof watchIdle>;
    const stopped = new Promise<void>((resolve) => {
      watch = watchIdle(60_000, resolve, Date.now() + 200);
    });
    const trickle = setInterval(() => watch.touch(), 10);
    await stopped;
    clearInterval(trickle);
    expect(watch.reason()).toMatch(/went on too long/);
    watch.clear();
  });

  it("is stopped after its timeout without text, as before", async () => {
    let watch!: ReturnType<typeof watchIdle>;
    const stopped = new Promise<void>((resolve) => {
      watch = watchIdle(50, resolve);
    });
    await stopped;
    expect(watch.reason()).toMatch(/stalled: no text/);
  });
});
