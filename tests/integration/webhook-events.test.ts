import type PgBoss from "pg-boss";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBoss } from "../../app/jobs/queue.server";
import { emitOrderEvent, emitProgressStep } from "../../app/models/webhook-events.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertDocumentInProgress } from "../setup/documents";
import { insertUser, startTestBoss } from "../setup/fixtures";

// Issue 22, item 5: the webhook outbox. An event exists exactly when the change that causes it commits, only for
// endpoints subscribed to it, and a progress step is told at most once, however many workers finish sections at once.

let database: TestDatabase;
let boss: PgBoss;
beforeAll(async () => {
  database = await createTestDatabase();
  boss = useBoss(await startTestBoss(database.url));
});
afterAll(async () => {
  await boss?.stop({ graceful: false });
  await database?.destroy();
});

async function orderWithEndpoint(events: string[], disabled = false) {
  const owner = await insertUser(database.db);
  const { id } = await insertDocumentInProgress(database.db, owner.id);
  const endpoint = await database.db
    .insertInto("webhook_endpoints")
    .values({
      user_id: owner.id,
      url: "https://hooks.example.com/tesigo",
      events: events as never,
      secret: "whsec_integration",
      disabled_at: disabled ? new Date() : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { documentId: id, endpointId: endpoint.id };
}

const eventsOf = (documentId: string) =>
  database.db
    .selectFrom("webhook_events")
    .selectAll()
    .where("document_id", "=", documentId)
    .orderBy("created_at")
    .execute();

const jobsFor = async (endpointId: string) => {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pgboss.job j join webhook_deliveries d on d.id = (j.data->>'deliveryId')::uuid
    where j.name = 'webhook.deliver' and d.endpoint_id = ${endpointId}`.execute(database.db);
  return rows[0]!.n;
};

const setPercent = (documentId: string, percent: number) =>
  database.db.updateTable("documents").set({ progress_percent: percent }).where("id", "=", documentId).execute();

describe("the webhook outbox", () => {
  it("ten workers telling the same progress at once make one event per step, never a lower step after a higher", async () => {
    const { documentId, endpointId } = await orderWithEndpoint(["order.progress"]);
    await setPercent(documentId, 34);
    const told = await Promise.all(Array.from({ length: 10 }, () => emitProgressStep(database.db, documentId)));
    expect(told.reduce((a, b) => a + b, 0)).toBe(1);
    await setPercent(documentId, 39);
    expect(await emitProgressStep(database.db, documentId)).toBe(0);
    await setPercent(documentId, 61);
    await Promise.all(Array.from({ length: 5 }, () => emitProgressStep(database.db, documentId)));
    // A lower percent read late (a step already passed) tells nothing.
    await setPercent(documentId, 45);
    expect(await emitProgressStep(database.db, documentId)).toBe(0);
    // 100 % is order.completed's, not a progress step.
    await setPercent(documentId, 100);
    expect(await emitProgressStep(database.db, documentId)).toBe(0);
    const events = await eventsOf(documentId);
    expect(events.map((e) => [e.type, (e.data as { percent: number }).percent])).toEqual([
      ["order.progress", 30],
      ["order.progress", 60],
    ]);
    expect(await jobsFor(endpointId)).toBe(2);
  });

  it("no subscribed, enabled endpoint: nothing is written", async () => {
    for (const [events, disabled] of [
      [["order.paid"], false],
      [["order.progress", "order.completed"], true],
    ] as const) {
      const { documentId } = await orderWithEndpoint([...events], disabled);
      expect(await emitOrderEvent(database.db, documentId, "order.completed")).toBe(0);
      await setPercent(documentId, 50);
      expect(await emitProgressStep(database.db, documentId)).toBe(0);
      expect(await eventsOf(documentId)).toEqual([]);
    }
  });

  it("an event emitted in a transaction that rolls back leaves no event, no delivery and no job", async () => {
    const { documentId, endpointId } = await orderWithEndpoint(["order.completed"]);
    await expect(
      database.db.transaction().execute(async (trx) => {
        expect(await emitOrderEvent(trx, documentId, "order.completed")).toBe(1);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await eventsOf(documentId)).toEqual([]);
    expect(await jobsFor(endpointId)).toBe(0);
    expect(await emitOrderEvent(database.db, documentId, "order.completed", { note: "kept" })).toBe(1);
    expect((await eventsOf(documentId))[0]!.data).toMatchObject({
      orderId: documentId,
      status: "generating",
      note: "kept",
    });
    expect(await jobsFor(endpointId)).toBe(1);
  });
});
