import pg from "pg";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { EXPIRY_MARGIN_SECONDS } from "../app/utils/job-expiry";
import { recordJob } from "../app/utils/metrics.server";
import { setDeadline } from "./deadline";
import { JobCompletions } from "./job-completions";
import { waitForRestingProviders } from "./provider-rest";
import { JOBS_CHANNEL, parseJobPayload, type RunnablePayload, type RunnableQueueName } from "../app/jobs/definitions";

/** What a handler knows about the delivery it runs in. */
export type JobRun = {
  id: string;
  /** pg-boss' retry count: 0 on the first delivery. */
  retryCount: number;
  /** No retry follows if this delivery fails. */
  isLastTry: boolean;
  /** Aborted shortly before the job's expiry, when pg-boss would hand it to another worker (its deadline: deadlineOf). */
  signal: AbortSignal;
};

export type JobHandler<T> = (data: T, run: JobRun) => Promise<void>;

/** A wake-up that is never lost: one that comes while nobody waits is kept for the next wait. */
class Wakeup {
  private pending = false;
  private resolve: (() => void) | null = null;

  wake(): void {
    if (this.resolve) this.resolve();
    else this.pending = true;
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.resolve = null;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.resolve = done;
    });
  }
}

type Registration = {
  name: RunnableQueueName;
  handler: JobHandler<any>;
  concurrency: number;
  /** How often an idle queue looks for delayed jobs (retries, startAfter): a NOTIFY brings new ones at once. */
  idlePollMs: number;
  running: Set<Promise<void>>;
  wakeup: Wakeup;
  /**
   * Jobs may be waiting for a free slot: the last fetch filled every slot, or a wake-up came while none was free.
   * Only then does a finished job trigger a fetch; otherwise the queue was drained, and a new job NOTIFYs us.
   */
  backlog: boolean;
};

const IDLE_POLL_MS = 1500;
/** Each wait is this share longer or shorter at random, so a worker's queues do not all poll at the same moment. */
const POLL_JITTER = 0.3;
// Stop a job this long before pg-boss expires it, so it is failed (and retried) by us rather than run twice.
const EXPIRY_MARGIN_MS = EXPIRY_MARGIN_SECONDS * 1000;

/**
 * Runs pg-boss jobs with a concurrency per queue. Instead of polling on a timer, it LISTENs on the jobs channel:
 * `sendJob` NOTIFYs it in the transaction that enqueues, so a job is picked up milliseconds after its commit, by any
 * worker process. Delayed jobs (retries, startAfter) are found by an idle poll.
 */
export class QueueRunner {
  private readonly queues = new Map<string, Registration>();
  private listener: pg.Client | null = null;
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly beforeStopSteps: (() => Promise<void>)[] = [];
  private readonly afterStopSteps: (() => Promise<void>)[] = [];
  private readonly completions: JobCompletions;

  constructor(
    private readonly boss: PgBoss,
    private readonly connectionString: string,
    private readonly log: Logger,
  ) {
    this.completions = new JobCompletions(boss);
  }

  /** The handler receives the job's payload checked against its queue's schema (app/jobs/definitions.ts). */
  register<N extends RunnableQueueName>(
    name: N,
    handler: JobHandler<RunnablePayload<N>>,
    concurrency = 1,
    options: { idlePollMs?: number } = {},
  ): void {
    const idlePollMs = options.idlePollMs ?? IDLE_POLL_MS;
    this.queues.set(name, {
      name,
      handler,
      concurrency,
      idlePollMs,
      running: new Set(),
      wakeup: new Wakeup(),
      backlog: true,
    });
  }

  async start(): Promise<void> {
    await this.listen();
    for (const queue of this.queues.values()) this.loops.push(this.loop(queue));
  }

  /** Work to stop before the jobs (e.g. heartbeats) and to close after them (e.g. helper threads). */
  onStop(step: { before?: () => Promise<void>; after?: () => Promise<void> }): void {
    if (step.before) this.beforeStopSteps.push(step.before);
    if (step.after) this.afterStopSteps.push(step.after);
  }

  /** Stops fetching and waits for running jobs (pg-boss retries whatever does not finish in time). */
  async stop(timeoutMs = 20_000): Promise<void> {
    for (const step of this.beforeStopSteps) await step().catch((e) => this.log.warn({ err: e }, "stop step failed"));
    this.stopped = true;
    for (const queue of this.queues.values()) queue.wakeup.wake();
    const running = [...this.queues.values()].flatMap((q) => [...q.running]);
    await Promise.race([Promise.allSettled(running), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    await Promise.allSettled(this.loops);
    await this.listener?.end().catch(() => {});
    for (const step of this.afterStopSteps) await step().catch((e) => this.log.warn({ err: e }, "stop step failed"));
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on("notification", (message) => {
      const queue = message.payload ? this.queues.get(message.payload) : undefined;
      queue?.wakeup.wake();
    });
    client.on("error", (error) =>
      this.log.warn({ err: error }, "job listener lost its connection; polling until it is back"),
    );
    client.on("end", () => {
      this.listener = null;
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => {}), 2000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${JOBS_CHANNEL}`);
    this.listener = client;
    // Anything sent while we were not listening is found right away.
    for (const queue of this.queues.values()) queue.wakeup.wake();
  }

  private async loop(queue: Registration): Promise<void> {
    while (!this.stopped) {
      const free = queue.concurrency - queue.running.size;
      let fetched = 0;
      if (free > 0) {
        try {
          const jobs = await this.boss.fetch<any>(queue.name, { batchSize: free, includeMetadata: true });
          fetched = jobs.length;
          queue.backlog = fetched === free;
          for (const job of jobs) this.run(queue, job);
        } catch (error) {
          queue.backlog = true;
          this.log.warn({ err: error, queue: queue.name }, "could not fetch jobs");
        }
      } else {
        queue.backlog = true;
      }
      if (fetched > 0 && fetched === free) continue;
      await queue.wakeup.wait(Math.round(queue.idlePollMs * (1 - POLL_JITTER + 2 * POLL_JITTER * Math.random())));
    }
  }

  private run(queue: Registration, job: PgBoss.JobWithMetadata<any>): void {
    const controller = new AbortController();
    const budgetMs = Math.max(1000, Number(job.expireInSeconds ?? 900) * 1000 - EXPIRY_MARGIN_MS);
    const timer = setTimeout(
      () => controller.abort(new Error(`The job ran out of time (${Math.round(budgetMs / 1000)} s)`)),
      budgetMs,
    );
    setDeadline(controller.signal, Date.now() + budgetMs);
    const run: JobRun = {
      id: job.id,
      retryCount: job.retryCount ?? 0,
      isLastTry: (job.retryCount ?? 0) >= (job.retryLimit ?? 0),
      signal: controller.signal,
    };
    const started = performance.now();
    const task = (async () => {
      try {
        // Checked at the edge: a malformed payload fails its job here, saying what is wrong, before any work is done.
        await queue.handler(parseJobPayload(queue.name, job.data), run);
        await this.completions.complete(queue.name, job.id);
        recordJob(queue.name, "completed", (performance.now() - started) / 1000);
      } catch (error) {
        if (await waitForRestingProviders(this.boss, queue.name, job, error, this.log)) {
          recordJob(queue.name, "waited", (performance.now() - started) / 1000);
          return;
        }
        recordJob(queue.name, "failed", (performance.now() - started) / 1000);
        const message = error instanceof Error ? error.message : String(error);
        this.log.warn({ queue: queue.name, jobId: job.id, retryCount: run.retryCount, err: message }, "job failed");
        await this.boss
          .fail(queue.name, job.id, { message, name: error instanceof Error ? error.name : "Error" })
          .catch((e) =>
            this.log.error({ err: e, jobId: job.id }, "could not mark the job failed; it will expire and be retried"),
          );
      } finally {
        clearTimeout(timer);
      }
    })();
    queue.running.add(task);
    void task.finally(() => {
      queue.running.delete(task);
      if (queue.backlog) queue.wakeup.wake();
    });
  }
}
