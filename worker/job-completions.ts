import type PgBoss from "pg-boss";
import { allFulfilled, Gathering } from "./gathering";

/**
 * Marks finished jobs completed, several per statement: the jobs that finish while a queue's completion is on its
 * way go together in the next one (Gathering). A job whose completion fails is reported to its caller (who fails
 * it); one never completed expires and is retried, as after a crash.
 */
export class JobCompletions {
  private readonly gathering: Gathering<string, void>;

  constructor(boss: Pick<PgBoss, "complete">) {
    this.gathering = new Gathering<string, void>(async (queue, ids) => {
      await boss.complete(queue, ids);
      return allFulfilled<void>(ids.map(() => undefined));
    });
  }

  /** Resolves once the job is marked completed (with the jobs that went in the same statement). */
  complete(queue: string, id: string): Promise<void> {
    return this.gathering.add(queue, id);
  }
}
