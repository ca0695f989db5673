import { inTransaction, type DbOrTrx } from "../../app/utils/db.server";
import {
  addSeconds,
  DEFAULT_BREAKER_POLICY,
  recentFailureTimes,
  type BreakerPolicy,
  type BreakerState,
} from "../../app/models/provider-breakers.server";

// A circuit breaker per LLM provider, kept in `provider_breakers` so every worker process sees the same state; the
// policy, the admin's pins and what the admin pages read live in app/models/provider-breakers.server.ts.
// Time is the caller's JS clock passed to SQL as a parameter (never `now()`), so tests move time without sleeping.

export { DEFAULT_BREAKER_POLICY, type BreakerPolicy, type BreakerState };
export type BreakerOptions = { now?: Date; policy?: BreakerPolicy };

/**
 * May we call this provider now? An open breaker whose time is up moves to half_open (one guarded UPDATE); one an
 * admin pinned stays as pinned: open is skipped however long ago it opened, closed is called.
 */
export async function breakerAllows(db: DbOrTrx, key: string, options: BreakerOptions = {}): Promise<boolean> {
  return (await checkBreaker(db, key, options)).allowed;
}

/** breakerAllows, with the state the breaker is left in: a caller that saw it closed need not record its success. */
export async function checkBreaker(
  db: DbOrTrx,
  key: string,
  options: BreakerOptions = {},
): Promise<{ allowed: boolean; state: BreakerState; retryAt?: Date }> {
  const { now = new Date(), policy = DEFAULT_BREAKER_POLICY } = options;
  // When a refused caller may ask again: when the breaker turns half-open (an admin's pin: after the same rest).
  const rest = addSeconds(now, policy.openSeconds);
  const row = await db
    .selectFrom("provider_breakers")
    .select(["state", "opened_at", "forced_state"])
    .where("provider", "=", key)
    .executeTakeFirst();
  if (row?.forced_state) return { allowed: row.forced_state === "closed", state: row.forced_state, retryAt: rest };
  if (!row || row.state !== "open") return { allowed: true, state: row?.state ?? "closed" };
  const reopensAt = addSeconds(row.opened_at ?? new Date(0), policy.openSeconds);
  if (now < reopensAt) return { allowed: false, state: "open", retryAt: reopensAt };

  const cutoff = addSeconds(now, -policy.openSeconds);
  const moved = await db
    .updateTable("provider_breakers")
    .set({ state: "half_open", half_open_successes: 0, updated_at: now })
    .where("provider", "=", key)
    .where("state", "=", "open")
    .where("forced_state", "is", null)
    .where((eb) => eb.or([eb("opened_at", "is", null), eb("opened_at", "<=", cutoff)]))
    .executeTakeFirst();
  if (moved.numUpdatedRows > 0n) return { allowed: true, state: "half_open" };
  // Another process got there first: it either moved it to half_open (allowed) or re-opened it (not allowed).
  const current = await db
    .selectFrom("provider_breakers")
    .select(["state", "forced_state"])
    .where("provider", "=", key)
    .executeTakeFirst();
  const state = current?.forced_state ?? current?.state ?? "closed";
  return { allowed: state !== "open", state, retryAt: rest };
}

/**
 * Records a failed call (and `error`, its reason, as the breaker's last error) and returns the state it leaves the
 * breaker in. A pinned breaker keeps its pin: failures are counted, but a pinned-closed one never opens.
 */
export async function recordBreakerFailure(
  db: DbOrTrx,
  key: string,
  options: BreakerOptions & { error?: string } = {},
): Promise<BreakerState> {
  const { now = new Date(), policy = DEFAULT_BREAKER_POLICY, error } = options;
  return inTransaction(db, async (trx) => {
    await trx
      .insertInto("provider_breakers")
      .values({ provider: key, failure_times: "[]", updated_at: now })
      .onConflict((oc) => oc.column("provider").doNothing())
      .execute();
    const row = await trx
      .selectFrom("provider_breakers")
      .select(["state", "failure_times", "opened_at", "forced_state"])
      .where("provider", "=", key)
      .forUpdate()
      .executeTakeFirstOrThrow();

    const failures = recentFailureTimes(row.failure_times, now, policy);
    failures.push(now.getTime());
    failures.sort((a, b) => a - b);
    const kept = failures.slice(-policy.failureThreshold);

    let state: BreakerState = row.state;
    let openedAt = row.opened_at;
    const trips = row.state === "half_open" || (row.state === "closed" && kept.length >= policy.failureThreshold);
    if (trips && !row.forced_state) {
      state = "open";
      openedAt = now;
    }
    await trx
      .updateTable("provider_breakers")
      .set({
        state,
        opened_at: openedAt,
        half_open_successes: 0,
        failure_times: JSON.stringify(kept.map((t) => new Date(t).toISOString())),
        last_error: error?.slice(0, 500) ?? "failed",
        last_failure_at: now,
        updated_at: now,
      })
      .where("provider", "=", key)
      .execute();
    return state;
  });
}

/**
 * Records a successful call and returns the state it leaves the breaker in. Only a half-open breaker changes (and
 * needs the lock); a success while closed leaves recent failures alone, so nothing is written on the common path.
 */
export async function recordBreakerSuccess(
  db: DbOrTrx,
  key: string,
  options: BreakerOptions = {},
): Promise<BreakerState> {
  const { now = new Date(), policy = DEFAULT_BREAKER_POLICY } = options;
  const seen = await db.selectFrom("provider_breakers").select("state").where("provider", "=", key).executeTakeFirst();
  if (!seen) return "closed";
  if (seen.state !== "half_open") return seen.state;

  return inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom("provider_breakers")
      .select(["state", "half_open_successes"])
      .where("provider", "=", key)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (row.state !== "half_open") return row.state;

    const successes = row.half_open_successes + 1;
    if (successes >= policy.halfOpenSuccesses) {
      // Closing starts afresh: failures from before the breaker opened must not count towards the next opening.
      await trx
        .updateTable("provider_breakers")
        .set({ state: "closed", half_open_successes: 0, failure_times: "[]", opened_at: null, updated_at: now })
        .where("provider", "=", key)
        .execute();
      return "closed";
    }
    await trx
      .updateTable("provider_breakers")
      .set({ half_open_successes: successes, updated_at: now })
      .where("provider", "=", key)
      .execute();
    return "half_open";
  });
}
