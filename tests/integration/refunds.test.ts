import type PgBoss from "pg-boss";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { listOpenIncidents, recordIncident, resolveIncident } from "../../app/models/incidents.server";
import { listFailedRefunds, markRefundFailed, reserveRefund, retryFailedRefund } from "../../app/models/refunds.server";
import { useDatabase } from "../../app/utils/db.server";
import { useBoss } from "../../app/jobs/queue.server";
import { QUEUES } from "../../app/jobs/definitions";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser, startTestBoss } from "../setup/fixtures";

let database: TestDatabase;
let boss: PgBoss;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  // No worker runs here: jobs stay in the queue where the tests can count them.
  boss = useBoss(await startTestBoss(database.url));
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await database?.destroy();
});

/** A dev payment of €25.00 that succeeded, for a queued order. */
async function paidOrder() {
  const user = await insertUser(database.db);
  const document = await createDocument(database.db, user.id, {
    topic: "Refund ledger topic",
    pages: 5,
    language: "en",
  });
  await database.db.updateTable("documents").set({ status: "queued" }).where("id", "=", document.id).execute();
  const payment = await database.db
    .insertInto("payments")
    .values({
      document_id: document.id,
      user_id: user.id,
      provider: "dev",
      amount_cents: 2500,
      currency: "eur",
      status: "succeeded",
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { user, document, payment };
}

const refundJobs = async (paymentId: string) =>
  (
    await sql<{
      data: { reason: string; amountCents?: number };
    }>`select data from pgboss.job where name = ${QUEUES.refundPayment} and data->>'paymentId' = ${paymentId}`.execute(
      database.db,
    )
  ).rows.map((r) => r.data);

describe("failed refunds", () => {
  it("a refund job that died before making its row still leaves a failed refund and one open incident, however often it is reported", async () => {
    const { document, payment } = await paidOrder();
    const request = { paymentId: payment.id, reason: "generation_failed", documentId: document.id };
    const failed = (await markRefundFailed(database.db, request, "Stripe is down"))!;
    expect(failed).toMatchObject({
      status: "failed",
      amount_cents: 2500,
      last_error: "Stripe is down",
      idempotency_key: `refund:${payment.id}:generation_failed`,
    });
    expect(await markRefundFailed(database.db, request, "Stripe is still down")).toMatchObject({
      id: failed.id,
      last_error: "Stripe is still down",
    });
    expect((await listOpenIncidents(database.db)).filter((i) => i.refund_id === failed.id)).toHaveLength(1);
    expect((await listFailedRefunds(database.db)).map((r) => r.id)).toContain(failed.id);
    // A failed refund still holds its amount: another reason finds nothing left to refund.
    expect(await reserveRefund(database.db, { paymentId: payment.id, reason: "customer_request" })).toBeUndefined();
  });

  it("an admin's retry sends the same refund again once, and resolves its incident", async () => {
    const { document, payment } = await paidOrder();
    const failed = (await markRefundFailed(
      database.db,
      { paymentId: payment.id, reason: "quality_threshold", amountCents: 1000, documentId: document.id },
      "boom",
    ))!;
    const admin = await insertUser(database.db);
    const [retried, again] = await Promise.all([
      retryFailedRefund(database.db, failed.id, admin.id),
      retryFailedRefund(database.db, failed.id, admin.id),
    ]);
    expect([retried, again].sort()).toEqual([false, true]);
    expect(await refundJobs(payment.id)).toEqual([
      { paymentId: payment.id, reason: "quality_threshold", amountCents: 1000, documentId: document.id },
    ]);
    expect((await listOpenIncidents(database.db)).find((i) => i.refund_id === failed.id)).toBeUndefined();
    const incident = await database.db
      .selectFrom("incidents")
      .selectAll()
      .where("refund_id", "=", failed.id)
      .executeTakeFirstOrThrow();
    expect(incident.resolved_by).toBe(admin.id);
    // Failing again after the retry opens a new incident for it.
    await markRefundFailed(
      database.db,
      { paymentId: payment.id, reason: "quality_threshold", amountCents: 1000 },
      "boom again",
    );
    expect((await listOpenIncidents(database.db)).filter((i) => i.refund_id === failed.id)).toHaveLength(1);
  });
});

describe("incidents", () => {
  it("are listed until an admin resolves them, once", async () => {
    const { document } = await paidOrder();
    await recordIncident(database.db, {
      kind: "generation_failed",
      summary: "Order failed at the plan",
      documentId: document.id,
      details: { queue: "document.plan" },
    });
    const [incident] = (await listOpenIncidents(database.db)).filter((i) => i.document_id === document.id);
    expect(incident).toMatchObject({
      kind: "generation_failed",
      topic: "Refund ledger topic",
      document_status: "queued",
    });
    const admin = await insertUser(database.db);
    expect(await resolveIncident(database.db, incident.id, admin.id)).toBe(true);
    expect(await resolveIncident(database.db, incident.id, admin.id)).toBe(false);
    expect((await listOpenIncidents(database.db)).find((i) => i.id === incident.id)).toBeUndefined();
  });
});
