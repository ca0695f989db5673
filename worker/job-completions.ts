import type PgBoss from "pg-boss";

/**
 * Marks finished jobs completed, several per statement: the jobs that finish while a queue's completion is on its
 * way go together in the next one. A document's sections finish within milliseconds of each other, and one UPDATE
 * per job was two dozen round trips at the moment the worker is busiest. A job whose completion fails is reported
 * to its caller (who fails it); one never completed expires and is retried, as after a crash.
 */
export class JobCompletions {
  private readonly queues = new Map<string, { waiting: Waiting[]; sending: boolean }>();

  constructor(private readonly boss: Pick<PgBoss, "complete">) {}

  /** Resolves once the job is marked completed (with the jobs that went in the same statement). */
  complete(queue: string, id: string): Promise<void> {
    let state = this.queues.get(queue);
    if (!state) this.queues.set(queue, (state = { waiting: [], sending: false }));
    const done = new Promise<void>((resolve, reject) => state.waiting.push({ id, resolve, reject }));
    if (!state.sending) void this.send(queue, state);
    return done;
  }

  private async send(queue: string, state: { waiting: Waiting[]; sending: boolean }): Promise<void> {
    state.sending = true;
    while (state.waiting.length) {
      const batch = state.waiting.splice(0);
      try {
        await this.boss.complete(queue, batch.map((job) => job.id));
        for (const job of batch) job.resolve();
      } catch (error) {
        for (const job of batch) job.reject(error);
      }
    }
    state.sending = false;
  }
}

type Waiting = { id: string; resolve: () => void; reject: (error: unknown) => void };
