import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import { eventually } from "../setup/fixtures";
import { type App, signedInCustomer, startApp } from "./app";
import { ApiChecker, callApi, expectApiError, keyFor, UNLIMITED } from "./api-client";
import { queueOf } from "./money-app";

// Issue 22, item 2: every API POST honours an Idempotency-Key — a retry gets the first answer and makes no second
// order, the key with another request is a 409, two at once do the work once, and keys belong to their account.

let app: App;
let checker: ApiChecker;

beforeAll(async () => {
  app = await startApp({
    ...UNLIMITED,
  });
  checker = await ApiChecker.load(app);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

const ORDER = {
  kind: "term_paper",
  topic: "Cooperative dairies in nineteenth-century Denmark",
  pages: 8,
  language: "de",
  citationStyle: "harvard",
};

async function customerWithKey() {
  const customer = await signedInCustomer(app);
  return { ...customer, key: await keyFor(app, customer.userId) };
}

const post = (path: string, key: string, body: unknown, idempotencyKey?: string) =>
  callApi(app, checker, "POST", path, {
    key,
    body,
    headers: idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
  });

const ordersOf = (userId: string) =>
  app.db.selectFrom("documents").select("id").where("user_id", "=", userId).execute();

describe("Idempotency-Key", () => {
  it("the same key and body answer the first answer again, marked as replayed, and make no second order", async () => {
    const { key, userId } = await customerWithKey();
    const first = await post("/orders", key, ORDER, "order-2026-0001");
    expect(first.status).toBe(201);
    // The same body with its fields in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(ORDER).reverse());
    const again = await post("/orders", key, reordered, "order-2026-0001");
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await ordersOf(userId)).toHaveLength(1);
    // Without a key, each request is a new one.
    await post("/orders", key, ORDER);
    expect(await ordersOf(userId)).toHaveLength(2);
  });

  it("the same key with another body, or on another endpoint, is a 409 idempotency_key_reused; nothing is made", async () => {
    const { key, userId } = await customerWithKey();
    expect((await post("/orders", key, ORDER, "reused-key")).status).toBe(201);
    expectApiError(await post("/orders", key, { ...ORDER, pages: 9 }, "reused-key"), 409, "idempotency_key_reused");
    expectApiError(
      await post("/quotes", key, { kind: "essay", pages: 5 }, "reused-key"),
      409,
      "idempotency_key_reused",
    );
    const [order] = await ordersOf(userId);
    expectApiError(
      await post(`/orders/${order!.id}/dev-payment`, key, undefined, "reused-key"),
      409,
      "idempotency_key_reused",
    );
    expect(await ordersOf(userId)).toHaveLength(1);
    const document = await app.db
      .selectFrom("documents")
      .select(["pages", "status"])
      .where("id", "=", order!.id)
      .executeTakeFirstOrThrow();
    expect(document).toEqual({ pages: 8, status: "awaiting_payment" });
  });

  it("eight requests with one key at once make one order: each gets its answer or idempotency_key_in_progress", async () => {
    const { key, userId } = await customerWithKey();
    const answers = await Promise.all(Array.from({ length: 8 }, () => post("/orders", key, ORDER, "at-once")));
    const made = answers.filter((a) => a.status === 201);
    expect(made.length).toBeGreaterThanOrEqual(1);
    for (const answer of answers.filter((a) => a.status !== 201))
      expectApiError(answer, 409, "idempotency_key_in_progress");
    expect(new Set(made.map((a) => a.body.order.id)).size).toBe(1);
    expect(await ordersOf(userId)).toHaveLength(1);
    // Once done, the key answers the first answer to everyone who asks again.
    const later = await post("/orders", key, ORDER, "at-once");
    expect(later.body.order.id).toBe(made[0]!.body.order.id);
  });

  it("a paid order is paid once, whatever retries of its dev-payment with one key say", async () => {
    const { key, userId } = await customerWithKey();
    const { body } = await post("/orders", key, ORDER);
    const path = `/orders/${body.order.id}/dev-payment`;
    const answers = await Promise.all(Array.from({ length: 4 }, () => post(path, key, undefined, "pay-once")));
    expect(answers.map((a) => a.status).every((s) => s === 200 || s === 409)).toBe(true);
    expect((await post(path, key, undefined, "pay-once")).status).toBe(200);
    const payments = await app.db.selectFrom("payments").select("id").where("user_id", "=", userId).execute();
    expect(payments).toHaveLength(1);
  });

  it("keys belong to their account: another customer's same key makes their own order", async () => {
    const me = await customerWithKey();
    const other = await customerWithKey();
    const mine = await post("/orders", me.key, ORDER, "shared-looking-key");
    const theirs = await post("/orders", other.key, { ...ORDER, pages: 12 }, "shared-looking-key");
    expect(theirs.status).toBe(201);
    expect(theirs.body.order.id).not.toBe(mine.body.order.id);
    expect(theirs.body.order.pages).toBe(12);
    expect(await ordersOf(other.userId)).toHaveLength(1);
  });

  it("a malformed key (too long, or with a space) is a 400 and makes nothing", async () => {
    const { key, userId } = await customerWithKey();
    expectApiError(await post("/orders", key, ORDER, "x".repeat(256)), 400, "invalid_idempotency_key");
    expectApiError(await post("/orders", key, ORDER, "with space"), 400, "invalid_idempotency_key");
    expect(await ordersOf(userId)).toEqual([]);
  });

  it("keys older than 24 hours are pruned by the hourly maintenance job, and the key is free again", async () => {
    const { key, userId } = await customerWithKey();
    await post("/quotes", key, { kind: "essay", pages: 5 }, "old-key");
    await post("/quotes", key, { kind: "essay", pages: 6 }, "fresh-key");
    await sql`update idempotency_keys set created_at = now() - interval '25 hours' where user_id = ${userId} and key = 'old-key'`.execute(
      app.db,
    );
    const boss = await queueOf(app);
    try {
      await boss.send(QUEUES.maintenance, {});
    } finally {
      await boss.stop({ graceful: false });
    }
    await eventually("the old key to be pruned", async () => {
      const keys = await app.db.selectFrom("idempotency_keys").select("key").where("user_id", "=", userId).execute();
      return keys.length === 1 ? keys : undefined;
    });
    expect(
      (await app.db.selectFrom("idempotency_keys").select("key").where("user_id", "=", userId).execute())[0]!.key,
    ).toBe("fresh-key");
    const reusedAfterPruning = await post("/quotes", key, { kind: "essay", pages: 7 }, "old-key");
    expect(reusedAfterPruning.status).toBe(200);
    expect(reusedAfterPruning.headers.get("idempotent-replayed")).toBeNull();
  });

  it("deleting the account deletes its kept answers at once (they repeat its orders' topics)", async () => {
    const { key, userId, email, client } = await customerWithKey();
    expect((await post("/orders", key, ORDER, "before-deletion")).status).toBe(201);
    const deleted = await client.post("/account/delete", { email });
    expect(deleted.status).toBe(302);
    expect(await app.db.selectFrom("idempotency_keys").select("id").where("user_id", "=", userId).execute()).toEqual(
      [],
    );
  });
});
