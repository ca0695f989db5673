// The moment a job's delivery must be done by, carried with its abort signal: whoever holds the signal (the router,
// before a call or a pause) can tell whether a call may still legally finish in time, without another parameter.
const deadlines = new WeakMap<AbortSignal, number>();

/** Marks `signal` as ending at `deadline` (epoch ms). */
export function setDeadline(signal: AbortSignal, deadline: number): AbortSignal {
  deadlines.set(signal, deadline);
  return signal;
}

/** When the delivery behind `signal` is aborted (epoch ms), or null when it has no deadline. */
export function deadlineOf(signal: AbortSignal | undefined): number | null {
  return (signal && deadlines.get(signal)) ?? null;
}
