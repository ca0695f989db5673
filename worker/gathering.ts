/**
 * Work sent in batches by key: what comes for a key while a batch for it is on its way goes together in the next one
 * (with `afterTick`, the first batch also waits for the rest of the current tick). A document's sections finish within
 * milliseconds of each other, so their statements (the jobs' completions, the sections' final states) are gathered
 * rather than sent one by one at the moment the machine is busiest. Each caller gets its own item's outcome.
 */
export class Gathering<T, R> {
  private readonly keys = new Map<string, Waiting<T, R>[]>();

  constructor(
    /** Sends one batch; its outcomes in the items' order (a rejection fails the whole batch). */
    private readonly send: (key: string, items: T[]) => Promise<PromiseSettledResult<R>[]>,
    private readonly options: { afterTick?: boolean } = {},
  ) {}

  add(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queued = this.keys.get(key);
      if (queued) {
        queued.push({ item, resolve, reject });
        return;
      }
      const waiting: Waiting<T, R>[] = [{ item, resolve, reject }];
      this.keys.set(key, waiting);
      const run = async () => {
        while (waiting.length) {
          const batch = waiting.splice(0);
          let outcomes: PromiseSettledResult<R>[];
          try {
            outcomes = await this.send(
              key,
              batch.map((w) => w.item),
            );
          } catch (error) {
            outcomes = batch.map(() => ({ status: "rejected", reason: error }));
          }
          batch.forEach((w, i) => {
            const outcome = outcomes[i];
            if (outcome.status === "fulfilled") w.resolve(outcome.value);
            else w.reject(outcome.reason);
          });
        }
        this.keys.delete(key);
      };
      if (this.options.afterTick) queueMicrotask(() => void run());
      else void run();
    });
  }
}

/**
 * A Gathering for each owner (a database handle: a transaction's statements cannot go with the pool's), made on first
 * use; `send` is told the owner of the batch.
 */
export function gatheringsBy<O extends object, T, R>(
  send: (owner: O, key: string, items: T[]) => Promise<PromiseSettledResult<R>[]>,
  options: { afterTick?: boolean } = {},
): (owner: O) => Gathering<T, R> {
  const made = new WeakMap<O, Gathering<T, R>>();
  return (owner) => {
    let gathering = made.get(owner);
    if (!gathering) made.set(owner, (gathering = new Gathering((key, items) => send(owner, key, items), options)));
    return gathering;
  };
}

type Waiting<T, R> = { item: T; resolve: (value: R) => void; reject: (error: unknown) => void };

/** Every item of a batch sent together succeeded with these values. */
export function allFulfilled<R>(values: readonly R[]): PromiseSettledResult<R>[] {
  return values.map((value) => ({ status: "fulfilled", value }));
}
