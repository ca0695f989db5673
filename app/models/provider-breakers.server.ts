// The circuit breakers of the outside providers (LLM writers, scholarly indexes): one `provider_breakers` row each,
// shared by every worker. The worker's hot path (check, record a failure or a success) is worker/llm/breaker.ts; what
// the admin pages read and do to a breaker is here, with the policy and the rule of a pinned breaker both sides follow.
import type { DbOrTrx } from "../utils/db.server";

export type BreakerState = "closed" | "open" | "half_open";
/** An admin's pin: `open` skips the provider, `closed` calls it whatever fails; either lasts until a reset. */
export type ForcedState = "open" | "closed";
export type BreakerPolicy = {
  failureThreshold: number;
  windowSeconds: number;
  openSeconds: number;
  halfOpenSuccesses: number;
};

/** closed → open after 5 failures within 60 s; open → half-open after 60 s; half-open → closed after 2 successes. */
export const DEFAULT_BREAKER_POLICY: BreakerPolicy = Object.freeze({
  failureThreshold: 5,
  windowSeconds: 60,
  openSeconds: 60,
  halfOpenSuccesses: 2,
});

/** The failure times of `stored` (the row's `failure_times`) that fall within the policy's window before `now`. */
export function recentFailureTimes(stored: unknown, now: Date, policy: BreakerPolicy): number[] {
  const cutoff = now.getTime() - policy.windowSeconds * 1000;
  const list = Array.isArray(stored) ? stored : [];
  return list.map((t) => Date.parse(String(t))).filter((t) => Number.isFinite(t) && t >= cutoff);
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

export type BreakerView = {
  provider: string;
  state: BreakerState;
  /** Failures within the policy's window (60 s). */
  recentFailures: number;
  openedAt: Date | null;
  /** When a tripped breaker lets the next call through (half-open); null unless it is open and not pinned. */
  halfOpensAt: Date | null;
  lastError: string | null;
  lastFailureAt: Date | null;
  forced: { state: ForcedState; at: Date | null; byEmail: string | null; reason: string | null } | null;
};

/** Every breaker with its state, recent failures, last error and, when tripped, when it half-opens. */
export async function listBreakers(
  db: DbOrTrx,
  now: Date = new Date(),
  policy: BreakerPolicy = DEFAULT_BREAKER_POLICY,
): Promise<BreakerView[]> {
  const rows = await db
    .selectFrom("provider_breakers")
    .leftJoin("users", "users.id", "provider_breakers.forced_by")
    .select([
      "provider_breakers.provider",
      "provider_breakers.state",
      "provider_breakers.failure_times",
      "provider_breakers.opened_at",
      "provider_breakers.last_error",
      "provider_breakers.last_failure_at",
      "provider_breakers.forced_state",
      "provider_breakers.forced_at",
      "provider_breakers.forced_reason",
      "users.email as forced_by_email",
    ])
    .orderBy("provider_breakers.provider")
    .execute();
  return rows.map((row) => ({
    provider: row.provider,
    state: row.state,
    recentFailures: recentFailureTimes(row.failure_times, now, policy).length,
    openedAt: row.opened_at,
    halfOpensAt:
      row.state === "open" && !row.forced_state ? addSeconds(row.opened_at ?? new Date(0), policy.openSeconds) : null,
    lastError: row.last_error,
    lastFailureAt: row.last_failure_at,
    forced: row.forced_state
      ? { state: row.forced_state, at: row.forced_at, byEmail: row.forced_by_email, reason: row.forced_reason }
      : null,
  }));
}

/** A breaker as it was before an admin acted on it, for the audit entry. */
type BreakerBefore = { state: BreakerState; forced: ForcedState | null; recentFailures: number } | null;

async function lockBreaker(trx: DbOrTrx, provider: string, now: Date): Promise<BreakerBefore> {
  const row = await trx
    .selectFrom("provider_breakers")
    .select(["state", "forced_state", "failure_times"])
    .where("provider", "=", provider)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return null;
  return {
    state: row.state,
    forced: row.forced_state,
    recentFailures: recentFailureTimes(row.failure_times, now, DEFAULT_BREAKER_POLICY).length,
  };
}

/**
 * Pins the breaker: `open` makes every worker skip the provider (no half-open after 60 s) until a reset; `closed`
 * makes them call it whatever fails (failures are still counted and shown) until a reset. Returns the state before.
 */
export async function forceBreaker(
  trx: DbOrTrx,
  provider: string,
  forced: ForcedState,
  by: { userId: string; reason: string },
  now: Date = new Date(),
): Promise<BreakerBefore> {
  const before = await lockBreaker(trx, provider, now);
  const pinned = {
    state: forced,
    opened_at: forced === "open" ? now : null,
    half_open_successes: 0,
    forced_state: forced,
    forced_at: now,
    forced_by: by.userId,
    forced_reason: by.reason,
    updated_at: now,
  };
  await trx
    .insertInto("provider_breakers")
    .values({ provider, failure_times: "[]", ...pinned })
    .onConflict((oc) => oc.column("provider").doUpdateSet(pinned))
    .execute();
  return before;
}

/** Closed now with its counts cleared, any pin removed: the provider is called again and trips after 5 new failures. */
export async function resetBreaker(trx: DbOrTrx, provider: string, now: Date = new Date()): Promise<BreakerBefore> {
  const before = await lockBreaker(trx, provider, now);
  if (!before) return null;
  await trx
    .updateTable("provider_breakers")
    .set({
      state: "closed",
      failure_times: "[]",
      half_open_successes: 0,
      opened_at: null,
      forced_state: null,
      forced_at: null,
      forced_by: null,
      forced_reason: null,
      updated_at: now,
    })
    .where("provider", "=", provider)
    .execute();
  return before;
}
