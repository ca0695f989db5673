import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../app/utils/db.server";
import { forceBreaker, listBreakers, resetBreaker } from "../../app/models/provider-breakers.server";
import {
  DEFAULT_BREAKER_POLICY,
  breakerAllows,
  checkBreaker,
  recordBreakerFailure,
  recordBreakerSuccess,
} from "../../worker/llm/breaker";
import { insertUser } from "../setup/fixtures";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
const T0 = new Date("2026-11-21T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.destroy());

async function row(provider: string) {
  return database.db
    .selectFrom("provider_breakers")
    .selectAll()
    .where("provider", "=", provider)
    .executeTakeFirstOrThrow();
}

/** Opens `provider` with five failures at T0 + 0..4 s; returns when it opened. */
async function openBreaker(provider: string) {
  for (let i = 0; i < 5; i++) await recordBreakerFailure(database.db, provider, { now: at(i) });
  expect((await row(provider)).state).toBe("open");
  return at(4);
}

describe("provider circuit breaker", () => {
  it("has the documented default policy", () => {
    expect(DEFAULT_BREAKER_POLICY).toEqual({
      failureThreshold: 5,
      windowSeconds: 60,
      openSeconds: 60,
      halfOpenSuccesses: 2,
    });
  });

  it("a provider never seen is closed and allowed; a success does not create a row", async () => {
    expect(await breakerAllows(database.db, "never-seen", { now: T0 })).toBe(true);
    expect(await recordBreakerSuccess(database.db, "never-seen", { now: T0 })).toBe("closed");
    expect(
      await database.db
        .selectFrom("provider_breakers")
        .select("provider")
        .where("provider", "=", "never-seen")
        .execute(),
    ).toEqual([]);
  });

  it("4 failures keep it closed; the 5th within 60 s opens it", async () => {
    for (let i = 0; i < 4; i++) {
      expect(await recordBreakerFailure(database.db, "five", { now: at(i * 10) })).toBe("closed");
    }
    expect(await breakerAllows(database.db, "five", { now: at(35) })).toBe(true);
    expect(await recordBreakerFailure(database.db, "five", { now: at(59) })).toBe("open");
    const r = await row("five");
    expect(r.state).toBe("open");
    expect(r.opened_at).toEqual(at(59));
    expect(r.failure_times).toHaveLength(5);
  });

  it("a success while closed does not erase recent failures", async () => {
    for (let i = 0; i < 4; i++) await recordBreakerFailure(database.db, "success-between", { now: at(i) });
    expect(await recordBreakerSuccess(database.db, "success-between", { now: at(5) })).toBe("closed");
    expect(await recordBreakerFailure(database.db, "success-between", { now: at(6) })).toBe("open");
  });

  it("failures spread over more than 60 s do not open it, and failure_times stays bounded", async () => {
    // One failure every 15.5 s: at most four inside any 60 s window.
    for (let i = 0; i < 12; i++) {
      expect(await recordBreakerFailure(database.db, "spread", { now: at(i * 15.5) })).toBe("closed");
    }
    const r = await row("spread");
    expect(r.state).toBe("closed");
    expect(r.failure_times.length).toBeLessThanOrEqual(4);
    expect(await breakerAllows(database.db, "spread", { now: at(200) })).toBe(true);
  });

  it("open refuses calls; after 60 s it is half-open and allowed; 2 successes close it", async () => {
    const openedAt = await openBreaker("cycle");
    expect(await breakerAllows(database.db, "cycle", { now: at(5) })).toBe(false);
    expect(await breakerAllows(database.db, "cycle", { now: new Date(openedAt.getTime() + 59_999) })).toBe(false);
    expect((await row("cycle")).state).toBe("open");

    expect(await breakerAllows(database.db, "cycle", { now: at(64) })).toBe(true);
    expect((await row("cycle")).state).toBe("half_open");
    expect(await breakerAllows(database.db, "cycle", { now: at(65) })).toBe(true);

    expect(await recordBreakerSuccess(database.db, "cycle", { now: at(66) })).toBe("half_open");
    expect(await recordBreakerSuccess(database.db, "cycle", { now: at(67) })).toBe("closed");
    const r = await row("cycle");
    expect(r).toMatchObject({ state: "closed", half_open_successes: 0, opened_at: null, failure_times: [] });
    expect(await breakerAllows(database.db, "cycle", { now: at(68) })).toBe(true);
  });

  it("a failure while half-open opens it again with a new opened_at", async () => {
    await openBreaker("relapse");
    expect(await breakerAllows(database.db, "relapse", { now: at(70) })).toBe(true);
    expect(await recordBreakerSuccess(database.db, "relapse", { now: at(71) })).toBe("half_open");
    expect(await recordBreakerFailure(database.db, "relapse", { now: at(72) })).toBe("open");
    const r = await row("relapse");
    expect(r.state).toBe("open");
    expect(r.opened_at).toEqual(at(72));
    expect(r.half_open_successes).toBe(0);
    expect(await breakerAllows(database.db, "relapse", { now: at(100) })).toBe(false);
    expect(await breakerAllows(database.db, "relapse", { now: at(132) })).toBe(true);
  });

  it("two processes racing to half-open agree", async () => {
    await openBreaker("race-half-open");
    const other = createDb(database.url, 2);
    try {
      const results = await Promise.all([
        breakerAllows(database.db, "race-half-open", { now: at(70) }),
        breakerAllows(other, "race-half-open", { now: at(70) }),
      ]);
      expect(results).toEqual([true, true]);
      expect((await row("race-half-open")).state).toBe("half_open");
    } finally {
      await other.destroy();
    }
  });

  it("sees its own process' changes and another worker's at the next check", async () => {
    const db = database.db;
    expect(await breakerAllows(db, "shared-read", { now: T0 })).toBe(true);
    // This process opens it: the next check sees it.
    for (let i = 0; i < 5; i++) await recordBreakerFailure(db, "shared-read", { now: at(i) });
    expect(await breakerAllows(db, "shared-read", { now: at(5) })).toBe(false);
    // Another worker closes it (an operator, say): seen by the next check.
    const other = createDb(database.url, 1);
    try {
      await other
        .updateTable("provider_breakers")
        .set({ state: "closed", opened_at: null })
        .where("provider", "=", "shared-read")
        .execute();
    } finally {
      await other.destroy();
    }
    expect(await breakerAllows(db, "shared-read", { now: at(6) })).toBe(true);
  });

  it("works inside the caller's transaction", async () => {
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 4; i++) await recordBreakerFailure(trx, "in-trx", { now: at(i) });
      expect(await recordBreakerFailure(trx, "in-trx", { now: at(4) })).toBe("open");
    });
    expect((await row("in-trx")).state).toBe("open");
  });

  it("20 concurrent failures from separate connections: no lost updates, no errors, open", async () => {
    const pool = createDb(database.url, 20);
    try {
      // Threshold 20: only if every one of the 20 appends survives does the last one open it.
      const policy = { ...DEFAULT_BREAKER_POLICY, failureThreshold: 20 };
      const counted = await Promise.all(
        Array.from({ length: 20 }, (_, i) => recordBreakerFailure(pool, "concurrent-20", { now: at(i / 100), policy })),
      );
      expect(counted.filter((s) => s === "open")).toHaveLength(1);
      expect(counted.filter((s) => s === "closed")).toHaveLength(19);
      const r20 = await row("concurrent-20");
      expect(r20.state).toBe("open");
      expect(r20.failure_times).toHaveLength(20);

      // Default policy: the 5th to take the lock opens it, the rest find it open; the list stays at 5.
      const states = await Promise.all(
        Array.from({ length: 20 }, (_, i) => recordBreakerFailure(pool, "concurrent", { now: at(i / 100) })),
      );
      expect(states.filter((s) => s === "closed")).toHaveLength(4);
      expect(states.filter((s) => s === "open")).toHaveLength(16);
      const r = await row("concurrent");
      expect(r.state).toBe("open");
      expect(r.failure_times).toHaveLength(5);
      expect(await breakerAllows(pool, "concurrent", { now: at(1) })).toBe(false);
    } finally {
      await pool.destroy();
    }
  });

  it("two providers are independent, and listBreakers reports them", async () => {
    await openBreaker("provider-a");
    for (let i = 0; i < 2; i++) await recordBreakerFailure(database.db, "provider-b", { now: at(i) });
    expect(await breakerAllows(database.db, "provider-a", { now: at(10) })).toBe(false);
    expect(await breakerAllows(database.db, "provider-b", { now: at(10) })).toBe(true);

    const list = await listBreakers(database.db, at(10));
    expect(list.find((b) => b.provider === "provider-a")).toEqual({
      provider: "provider-a",
      state: "open",
      recentFailures: 5,
      openedAt: at(4),
      halfOpensAt: at(64),
      lastError: "failed",
      lastFailureAt: at(4),
      forced: null,
    });
    expect(list.find((b) => b.provider === "provider-b")).toEqual({
      provider: "provider-b",
      state: "closed",
      recentFailures: 2,
      openedAt: null,
      halfOpensAt: null,
      lastError: "failed",
      lastFailureAt: at(1),
      forced: null,
    });
    expect(list.map((b) => b.provider)).toEqual([...list.map((b) => b.provider)].sort());

    // Two minutes on, the failures are no longer recent.
    const later = await listBreakers(database.db, at(130));
    expect(later.find((b) => b.provider === "provider-b")?.recentFailures).toBe(0);
  });
});

describe("an admin's pin and reset (issue 18, item 6)", () => {
  let adminId: string;
  beforeAll(async () => {
    adminId = (await insertUser(database.db, { email: "breaker-admin@example.com" })).id;
  });
  const by = () => ({ userId: adminId, reason: "provider incident" });

  it("keeps the last failure's reason and time, and a reset keeps them too", async () => {
    await recordBreakerFailure(database.db, "last-error", { now: at(1), error: "HTTP 503" });
    await recordBreakerFailure(database.db, "last-error", { now: at(2), error: "timeout" });
    expect(await row("last-error")).toMatchObject({ last_error: "timeout", last_failure_at: at(2) });
    await resetBreaker(database.db, "last-error", at(3));
    expect(await row("last-error")).toMatchObject({ last_error: "timeout", failure_times: [] });
  });

  it("forced open, a provider is skipped an hour on and a day on: it never half-opens until reset", async () => {
    await openBreaker("pinned-open");
    await forceBreaker(database.db, "pinned-open", "open", by(), at(5));
    for (const later of [at(66), at(3600), at(86_400)]) {
      expect(await checkBreaker(database.db, "pinned-open", { now: later })).toEqual({
        allowed: false,
        state: "open",
        retryAt: new Date(later.getTime() + 60_000), // asked about again after a breaker's rest
      });
    }
    // A call that was in flight when it was pinned ends: neither its failure nor its success moves the pin.
    expect(await recordBreakerFailure(database.db, "pinned-open", { now: at(90), error: "HTTP 500" })).toBe("open");
    expect(await recordBreakerSuccess(database.db, "pinned-open", { now: at(91) })).toBe("open");
    const [view] = (await listBreakers(database.db, at(92))).filter((b) => b.provider === "pinned-open");
    expect(view).toMatchObject({
      state: "open",
      halfOpensAt: null,
      forced: { state: "open", byEmail: "breaker-admin@example.com", reason: "provider incident", at: at(5) },
    });

    const before = await resetBreaker(database.db, "pinned-open", at(100));
    expect(before).toMatchObject({ state: "open", forced: "open" });
    expect(await checkBreaker(database.db, "pinned-open", { now: at(101) })).toEqual({
      allowed: true,
      state: "closed",
    });
    expect(await row("pinned-open")).toMatchObject({
      state: "closed",
      failure_times: [],
      opened_at: null,
      half_open_successes: 0,
      forced_state: null,
      forced_by: null,
    });
  });

  it("a provider that never failed can be forced open (its row is made)", async () => {
    expect(await forceBreaker(database.db, "never-failed", "open", by(), at(0))).toBeNull();
    expect(await breakerAllows(database.db, "never-failed", { now: at(1) })).toBe(false);
  });

  it("forced closed, a tripped provider is called at once and any number of failures never open it; failures still count", async () => {
    await openBreaker("pinned-closed");
    expect(await breakerAllows(database.db, "pinned-closed", { now: at(5) })).toBe(false);
    await forceBreaker(database.db, "pinned-closed", "closed", by(), at(5));
    expect(await breakerAllows(database.db, "pinned-closed", { now: at(6) })).toBe(true);
    for (let i = 0; i < 10; i++) {
      expect(
        await recordBreakerFailure(database.db, "pinned-closed", { now: at(10 + i), error: `HTTP 50${i % 4}` }),
      ).toBe("closed");
    }
    expect(await breakerAllows(database.db, "pinned-closed", { now: at(20) })).toBe(true);
    const [view] = (await listBreakers(database.db, at(20))).filter((b) => b.provider === "pinned-closed");
    expect(view).toMatchObject({
      state: "closed",
      recentFailures: 5,
      lastError: "HTTP 501",
      forced: { state: "closed" },
    });

    // Reset: the pin goes and the counts with it; five new failures trip it as before.
    await resetBreaker(database.db, "pinned-closed", at(21));
    for (let i = 0; i < 4; i++) await recordBreakerFailure(database.db, "pinned-closed", { now: at(22 + i) });
    expect(await recordBreakerFailure(database.db, "pinned-closed", { now: at(26) })).toBe("open");
  });
});
