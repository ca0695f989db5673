import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express, { type RequestHandler } from "express";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOrCreateUserByEmail } from "../../app/models/users.server";
import { createDb, useDatabase } from "../../app/utils/db.server";
import { hitRateLimit, pruneRateLimits } from "../../app/models/rate-limits.server";
import { rateLimitMiddleware } from "../../app/utils/rate-limit.server";
import { countWrongCode, limitCodeRequest, mayTryCode } from "../../app/utils/sign-in-limits.server";
import { startSession } from "../../app/utils/session-cookie.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { warnSpies } from "../setup/fixtures";

let database: TestDatabase;
const servers: Server[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await database?.destroy();
});
const spyOnWarn = warnSpies();

/** A tiny app behind the limiter, on a real HTTP server; X-Forwarded-For picks the client address per test. */
async function startApp(limiter: RequestHandler): Promise<string> {
  const app = express();
  app.set("trust proxy", true);
  app.use(limiter);
  app.get("/healthz", (_req, res) => void res.json({ status: "ok" }));
  app.all("*", (_req, res) => void res.json({ ok: true }));
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// A fixed clock 10 s into a minute, so a burst cannot straddle two windows and the numbers are exact.
const fixedClock = (iso: string) => () => new Date(iso);

describe("rateLimitMiddleware", () => {
  it("lets 60 requests a minute through, counting down, and answers the 61st with 429 and Retry-After", async () => {
    const base = await startApp(
      rateLimitMiddleware({ getDb: () => database.db, limitPerMinute: 60, now: fixedClock("2030-01-01T00:00:10Z") }),
    );
    const ip = { "X-Forwarded-For": "198.51.100.1" };
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${base}/documents`, { headers: ip });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-limit")).toBe("60");
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(59 - i));
      expect(res.headers.get("x-ratelimit-reset")).toBe("50");
      expect(res.headers.get("retry-after")).toBeNull();
      await res.arrayBuffer();
    }

    const refused = await fetch(`${base}/documents`, { headers: ip });
    expect(refused.status).toBe(429);
    // 61 hits in this window: in the next one they weigh 61 × (1 − t/60), which falls to 59 at t ≈ 1.97 s.
    expect(refused.headers.get("retry-after")).toBe("52");
    expect(refused.headers.get("x-ratelimit-limit")).toBe("60");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("x-ratelimit-reset")).toBe("50");
    expect(await refused.json()).toEqual({ error: "Too many requests. Try again in 52 seconds." });

    const page = await fetch(`${base}/documents`, {
      headers: { ...ip, Accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    });
    expect(page.status).toBe(429);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("<!doctype html>");
    expect(html).toMatch(/Too many requests\. Try again in \d+ seconds\./);
  });

  it("counts exactly under concurrency, from several processes' pools at once", async () => {
    const second = createDb(database.url, 5);
    try {
      let turn = 0;
      const now = fixedClock("2030-01-01T00:05:10Z");
      // Two "web processes": alternate connection pools against the one table.
      const base = await startApp(
        rateLimitMiddleware({ getDb: () => (turn++ % 2 ? second : database.db), limitPerMinute: 60, now }),
      );
      const statuses = await Promise.all(
        Array.from({ length: 80 }, () =>
          fetch(`${base}/x`, { headers: { "X-Forwarded-For": "198.51.100.9" } }).then(
            async (r) => (await r.arrayBuffer(), r.status),
          ),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(60);
      expect(statuses.filter((s) => s === 429)).toHaveLength(20);
      const row = await database.db
        .selectFrom("rate_limits")
        .select("count")
        .where("key", "=", "ip:198.51.100.9")
        .executeTakeFirstOrThrow();
      expect(row.count).toBe(80);
    } finally {
      await second.destroy();
    }
  });

  it("keeps separate buckets for a signed-in user and an address; an unverified API key is only its address", async () => {
    const base = await startApp(
      rateLimitMiddleware({ getDb: () => database.db, limitPerMinute: 3, now: fixedClock("2030-01-01T00:10:10Z") }),
    );
    const ip = "198.51.100.2";
    const get = (headers: Record<string, string> = {}) =>
      fetch(`${base}/orders/new`, { headers: { "X-Forwarded-For": ip, ...headers } }).then(async (r) => {
        await r.arrayBuffer();
        return { status: r.status, remaining: r.headers.get("x-ratelimit-remaining") };
      });

    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    expect(await get()).toEqual({ status: 429, remaining: "0" });

    const apiKey = "tesigo-test-api-key-Zq81";
    expect((await get({ Authorization: `Bearer ${apiKey}` })).status).toBe(429);
    expect((await get({ "X-API-Key": "another-key" })).status).toBe(429);

    const user = (await findOrCreateUserByEmail(database.db, "limited@example.com"))!;
    const cookie = (await startSession(user.id, { ip, userAgent: "vitest" })).split(";")[0]!;
    expect(await get({ Cookie: cookie })).toEqual({ status: 200, remaining: "2" });
    expect(await get({ Cookie: cookie, Authorization: `Bearer ${apiKey}` })).toEqual({ status: 200, remaining: "1" });
    // A forged cookie is nobody: it counts against the address, which is spent.
    expect((await get({ Cookie: cookie.replace(/.$/, (c) => (c === "a" ? "b" : "a")) })).status).toBe(429);

    const keys = (await database.db.selectFrom("rate_limits").select("key").execute()).map((r) => r.key);
    expect(keys).toEqual(expect.arrayContaining([`ip:${ip}`, `user:${user.id}`]));
    expect(keys.some((k) => k.startsWith("key:") || k.includes(apiKey))).toBe(false);
  });

  it("neither counts nor refuses health checks, built assets, socket.io and Stripe's webhook", async () => {
    const base = await startApp(
      rateLimitMiddleware({ getDb: () => database.db, limitPerMinute: 1, now: fixedClock("2030-01-01T00:15:10Z") }),
    );
    const headers = { "X-Forwarded-For": "198.51.100.3" };
    expect((await fetch(`${base}/`, { headers })).status).toBe(200);
    expect((await fetch(`${base}/`, { headers })).status).toBe(429);
    for (let i = 0; i < 3; i++) {
      for (const [method, path] of [
        ["GET", "/healthz"],
        ["GET", "/health/detailed"],
        ["HEAD", "/build/entry.client-ABC.js"],
        ["GET", "/favicon.ico"],
        ["GET", "/socket.io/?EIO=4&transport=polling"],
        ["POST", "/api/stripe/webhook"],
      ] as const) {
        const res = await fetch(`${base}${path}`, { method, headers });
        await res.arrayBuffer();
        expect(res.status, `${method} ${path}`).toBe(200);
        expect(res.headers.get("x-ratelimit-limit"), `${method} ${path}`).toBeNull();
      }
    }
    // A POST to a health path is not a health check.
    expect((await fetch(`${base}/healthz`, { method: "POST", headers })).status).toBe(429);
  });

  it("lets requests through and logs when the limiter's database fails", async () => {
    const unreachable = createDb("postgres://nobody:nothing@127.0.0.1:1/none", 1);
    const warn = spyOnWarn();
    try {
      const base = await startApp(rateLimitMiddleware({ getDb: () => unreachable, limitPerMinute: 1 }));
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${base}/documents`, { headers: { "X-Forwarded-For": "198.51.100.4" } });
        expect(res.status).toBe(200);
        expect(res.headers.get("x-ratelimit-limit")).toBeNull();
        await res.arrayBuffer();
      }
      // Once per minute while it stays down, not once per request.
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatchObject({
        err: expect.objectContaining({ code: "ECONNREFUSED" }),
        path: "/documents",
      });
      expect(warn.mock.calls[0]![1]).toBe("rate limiter failed; letting the request through");
    } finally {
      await unreachable.destroy();
    }
  });

  it("lets requests through when identifying the user throws", async () => {
    const warn = spyOnWarn();
    const base = await startApp(
      rateLimitMiddleware({
        getDb: () => database.db,
        limitPerMinute: 1,
        identify: async () => {
          throw new Error("session store down");
        },
      }),
    );
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect(warn).toHaveBeenCalledOnce();
  });
});

describe("hitRateLimit: the sliding window", () => {
  const t0 = Date.parse("2030-01-01T01:00:00Z"); // the start of a fixed window
  const at = (seconds: number) => new Date(t0 + seconds * 1000);

  it("weighs the previous window by the part of it still inside the last 60 s", async () => {
    const key = "test:slide";
    for (let i = 0; i < 60; i++) {
      const r = await hitRateLimit(database.db, key, 60, 60, at(i * 0.5));
      expect(r).toMatchObject({ allowed: true, remaining: 59 - i });
    }
    // 60 s later a new fixed window starts, but all of the previous one still lies inside the sliding window.
    expect(await hitRateLimit(database.db, key, 60, 60, at(60))).toEqual({
      allowed: false,
      limit: 60,
      remaining: 0,
      resetSeconds: 60,
      retryAfterSeconds: 2,
    });

    // Half-way through the next window the previous one weighs 30; with the refused hit above, 29 more fit.
    const first = await hitRateLimit(database.db, key, 60, 60, at(90));
    expect(first).toMatchObject({ allowed: true, remaining: 28, resetSeconds: 30 });
    for (let i = 0; i < 28; i++) expect((await hitRateLimit(database.db, key, 60, 60, at(90))).allowed).toBe(true);
    const over = await hitRateLimit(database.db, key, 60, 60, at(90));
    expect(over).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 2 });
    expect((await hitRateLimit(database.db, key, 60, 60, at(92))).allowed).toBe(true);
  });

  it("is free again once 120 s have passed", async () => {
    const key = "test:free";
    for (let i = 0; i < 61; i++) await hitRateLimit(database.db, "test:almost", 60, 60, at(10));
    // One second before, a sixtieth of those 61 hits still counts.
    expect(await hitRateLimit(database.db, "test:almost", 60, 60, at(119))).toMatchObject({
      allowed: true,
      remaining: 57,
    });

    for (let i = 0; i < 61; i++) await hitRateLimit(database.db, key, 60, 60, at(10));
    expect(await hitRateLimit(database.db, key, 60, 60, at(120))).toEqual({
      allowed: true,
      limit: 60,
      remaining: 59,
      resetSeconds: 60,
      retryAfterSeconds: 0,
    });
  });

  it("uses the database clock when no time is given", async () => {
    const r = await hitRateLimit(database.db, "test:clock", 5, 60);
    expect(r).toMatchObject({ allowed: true, limit: 5, remaining: 4, retryAfterSeconds: 0 });
    expect(r.resetSeconds).toBeGreaterThanOrEqual(1);
    expect(r.resetSeconds).toBeLessThanOrEqual(60);
  });
});

describe("sign-in limits", () => {
  const limits = { perClientPer15Minutes: 5, perEmailPerHour: 3 };

  it("counts code requests per client address and per email address; a refused client spends nothing of the address", async () => {
    const ask = (ip: string, emailKey = "target-key") =>
      limitCodeRequest(database.db, { emailKey, ip, knownDevice: null }, limits);
    for (let i = 0; i < 3; i++) expect((await ask(`192.0.2.${i}`)).allowed).toBe(true);
    const fourth = await ask("192.0.2.99");
    expect(fourth).toMatchObject({ allowed: false, remaining: 0 });
    expect(fourth.retryAfterSeconds).toBeGreaterThan(15 * 60);
    expect((await ask("192.0.2.99", "someone-else")).allowed).toBe(true);

    for (let i = 0; i < 5; i++) expect((await ask("203.0.113.50", `spray-${i}`)).allowed).toBe(true);
    expect((await ask("203.0.113.50", "spray-5")).allowed).toBe(false);
    expect((await ask("203.0.113.51", "spray-5")).allowed).toBe(true);
    const spray5 = await database.db
      .selectFrom("rate_limits")
      .select("count")
      .where("key", "=", "signin:email:spray-5")
      .executeTakeFirstOrThrow();
    expect(spray5.count).toBe(1);
  });

  it("gives a browser known to an address its own bucket, untouched by strangers", async () => {
    const stranger = () =>
      limitCodeRequest(database.db, { emailKey: "owned", ip: "198.51.100.70", knownDevice: null }, limits);
    while ((await stranger()).allowed);
    const owner = await limitCodeRequest(
      database.db,
      { emailKey: "owned", ip: "198.51.100.70", knownDevice: "device-of-owner-123" },
      limits,
    );
    expect(owner.allowed).toBe(true);
  });

  it("refuses code tries from an address after 3× its request limit of wrong codes, counting only wrong ones", async () => {
    const ip = "198.51.100.80";
    for (let i = 0; i < 5; i++) expect((await mayTryCode(database.db, ip, limits)).allowed).toBe(true);
    for (let i = 0; i < 15; i++) await countWrongCode(database.db, ip, limits);
    const refused = await mayTryCode(database.db, ip, limits);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect((await mayTryCode(database.db, "198.51.100.81", limits)).allowed).toBe(true);
  });

  it("fails open, with a warning", async () => {
    const unreachable = createDb("postgres://nobody:nothing@127.0.0.1:1/none", 1);
    const warn = spyOnWarn();
    try {
      expect(
        (await limitCodeRequest(unreachable, { emailKey: "a", ip: "203.0.113.60", knownDevice: null }, limits)).allowed,
      ).toBe(true);
      expect((await mayTryCode(unreachable, "203.0.113.60", limits)).allowed).toBe(true);
      expect(warn).toHaveBeenCalledTimes(2);
    } finally {
      await unreachable.destroy();
    }
  });
});

describe("pruneRateLimits", () => {
  it("deletes windows older than two hours and keeps the rest", async () => {
    await database.db
      .insertInto("rate_limits")
      .values([
        { key: "prune:old", window_start: sql`now() - interval '121 minutes'`, count: 3 },
        { key: "prune:recent", window_start: sql`now() - interval '119 minutes'`, count: 3 },
      ])
      .execute();
    expect(await pruneRateLimits(database.db)).toBe(1);
    const left = (
      await database.db.selectFrom("rate_limits").select("key").where("key", "like", "prune:%").execute()
    ).map((r) => r.key);
    expect(left).toEqual(["prune:recent"]);
  });
});
