import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../app/models/api-keys.server";
import { type App, signedInCustomer, startApp } from "./app";

// Issue 22, item 3: every API key has its own limit and an account's keys share one, counted in Postgres like the
// other limits; answers carry RateLimit-* headers, and one over the limit is a JSON 429 with Retry-After.

let app: App;

beforeAll(async () => {
  app = await startApp({
    ROLE: "web",
    RATE_LIMIT_PER_MINUTE: "2",
    API_RATE_LIMIT_PER_MINUTE: "3",
    API_ACCOUNT_RATE_LIMIT_PER_MINUTE: "5",
  });
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

const newKey = async (userId: string) =>
  (await createApiKey(app.db, userId, { name: "Limits", scopes: ["orders:read"] }))!.key;
const call = (key: string, ip: string) =>
  fetch(new URL("/api/v1/orders", app.url), { headers: { authorization: `Bearer ${key}`, "x-forwarded-for": ip } });

describe("limits of the API", () => {
  it("a key gets its own limit (not its address's): the 4th request in a minute is a JSON 429 with Retry-After and RateLimit headers", async () => {
    const { userId } = await signedInCustomer(app);
    const key = await newKey(userId);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(key, "198.51.100.10"));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get("ratelimit-remaining"))).toEqual(["2", "1", "0", "0"]);
    expect(answers[0]!.headers.get("ratelimit-limit")).toBe("3");
    expect(Number(answers[3]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await answers[3]!.json()).toMatchObject({ error: { code: "rate_limited" } });
  });

  it("an account's keys share its limit: a second key of the same account stops at the account's 5, another account's key does not", async () => {
    const me = await signedInCustomer(app);
    const other = await signedInCustomer(app);
    const [first, second, theirs] = [await newKey(me.userId), await newKey(me.userId), await newKey(other.userId)];
    const statuses = [];
    for (const key of [first, first, first, second, second, second])
      statuses.push((await call(key, "198.51.100.11")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await call(theirs, "198.51.100.11")).status).toBe(200);
  });

  it("an invented key buys no bucket of its own: it counts against the address (2 a minute here)", async () => {
    const invented = `tsg_${"Z".repeat(32)}`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(invented, "198.51.100.12")).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});
