import type PgBoss from "pg-boss";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useBoss } from "../../app/jobs/queue.server";
import { deleteAccount } from "../../app/models/account-deletion.server";
import { exportUserData } from "../../app/models/account.server";
import { buyRegenerationWithDevPayment } from "../../app/models/regeneration-checkout.server";
import { recordRefundedTotal } from "../../app/models/payments.server";
import {
  discardRegeneration,
  keepRegeneration,
  regenerationQuota,
  requestRegeneration,
} from "../../app/models/regenerations.server";
import { saveSectionText } from "../../app/models/document-versions.server";
import { parseEnv } from "../../app/utils/env.server";
import { logger } from "../../app/utils/logger.server";
import type { PipelineContext } from "../../worker/context";
import { OpenAIProvider } from "../../worker/llm/openai";
import { LlmRouter } from "../../worker/llm/router";
import { createPipelineMachinery } from "../../worker/machinery";
import { regenerateSection } from "../../worker/pipeline/regenerate-section";
import { createGates, qualityConfig } from "../../worker/quality/registry";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertDeliveredDocument, insertDocumentInProgress } from "../setup/documents";
import { insertUser, startTestBoss } from "../setup/fixtures";

// Issue 21, item 3: one section written again with the customer's instruction, through the first writing's writer,
// checks and gates; kept or discarded; counted against the order's free regenerations or a bought one.

let database: TestDatabase;
let boss: PgBoss;
let fake: FakeOpenAI;
let ctx: PipelineContext;
const machinery = createPipelineMachinery();

beforeAll(async () => {
  database = await createTestDatabase();
  boss = useBoss(await startTestBoss(database.url));
  fake = await startFakeOpenAI();
  ctx = {
    db: database.db,
    router: new LlmRouter([new OpenAIProvider({ apiKey: "sk-fake-key", baseURL: fake.url, model: "gpt-4o-mini" })]),
    log: logger,
    sectionConcurrency: 2,
    completionThreshold: 0.85,
    // The uniqueness gate (local): a regenerated text gets a score, as a written one does.
    gates: createGates(qualityConfig(parseEnv({})), machinery).filter((gate) => gate.name === "uniqueness"),
    machinery,
  };
});
afterAll(async () => {
  await machinery.close();
  await boss?.stop({ graceful: false });
  await fake?.close();
  await database?.destroy();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const db = () => database.db;

async function delivered() {
  const owner = await insertUser(db());
  const { id } = await insertDeliveredDocument(db(), owner.id);
  return { ownerId: owner.id, documentId: id };
}

const documentRow = (id: string) =>
  db()
    .selectFrom("documents")
    .select(["status", "price_cents", "text_revision", "tokens_in", "tokens_out", "cost_microdollars"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
const sectionRow = (documentId: string, index: number) =>
  db()
    .selectFrom("sections")
    .select(["content", "revision", "score_uniqueness"])
    .where("document_id", "=", documentId)
    .where("index", "=", index)
    .executeTakeFirstOrThrow();
const regenerationRow = (id: string) =>
  db().selectFrom("regenerations").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

/** Runs a regeneration's job as the queue delivers it: one attempt per delivery, until it is ready or failed. */
async function runRegeneration(regenerationId: string) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await regenerateSection(ctx, { regenerationId, attempt });
    const { status } = await regenerationRow(regenerationId);
    if (status !== "queued" && status !== "writing") break;
  }
  return regenerationRow(regenerationId);
}

/** Asks for section `index` to be regenerated and runs its job here; returns its row. */
async function regenerate(owner: { ownerId: string; documentId: string }, index = 1, instruction = "Make it critical") {
  const asked = await requestRegeneration(db(), { ...owner, index, instruction });
  if (!asked.ok) throw new Error(`refused: ${asked.reason}`);
  return runRegeneration(asked.id);
}

const userPromptOf = (request: { body: { messages: { role: string; content: string }[] } }) =>
  request.body.messages.find((m) => m.role === "user")!.content;

describe("writing the section again", () => {
  it("the prompt carries the instruction, the section's current text and both neighbours' texts", async () => {
    const owner = await delivered();
    await db()
      .updateTable("sections")
      .set({ content: "Testo del quadro storico da riscrivere." })
      .where("document_id", "=", owner.documentId)
      .where("index", "=", 1)
      .execute();
    await db()
      .updateTable("sections")
      .set({ content: "La conclusione parla delle biblioteche di oggi." })
      .where("document_id", "=", owner.documentId)
      .where("index", "=", 2)
      .execute();
    const regeneration = await regenerate(owner, 1, "Add the 2023 data, please");
    expect(regeneration.status).toBe("ready");
    const prompt = userPromptOf(fake.requests.at(-1)!);
    expect(prompt).toContain("<instruction>Add the 2023 data, please</instruction>");
    expect(prompt).toContain("<text>Testo del quadro storico da riscrivere.</text>");
    expect(prompt).toMatch(
      /<neighbours>1\. Introduzione: Le biblioteche pubbliche europee.*\| 3\. Conclusioni: La conclusione parla/,
    );
    // Only the document's stored sources may be cited.
    expect(prompt).toContain("[@rossi2021]");
  });

  it("a text that fails the checks is written again with their feedback, and ends ready with the gates' scores", async () => {
    const owner = await delivered();
    fake.shortAnswersNext(1);
    const regeneration = await regenerate(owner);
    expect(regeneration).toMatchObject({ status: "ready", attempts: 2, failure_reason: null });
    expect(regeneration.content!.split(/\s+/).length).toBeGreaterThan(1000);
    expect(regeneration.score_uniqueness).toEqual(expect.any(Number));
    // The second attempt was told what the first one missed (in the order's language, Italian).
    expect(userPromptOf(fake.requests.at(-1)!)).toMatch(/Correggi questi problemi del tentativo precedente: .*1250/);
    // Nothing of the section changed yet: the customer decides.
    expect((await sectionRow(owner.documentId, 1)).revision).toBe(0);
  });

  it("a redelivered attempt is not made (nor charged) again, and a failed attempt sends the next one", async () => {
    const owner = await delivered();
    const asked = await requestRegeneration(db(), { ...owner, index: 1, instruction: "Make it critical" });
    if (!asked.ok) throw new Error(asked.reason);
    fake.shortAnswersNext(1);
    await regenerateSection(ctx, { regenerationId: asked.id, attempt: 1 });
    expect(await regenerationRow(asked.id)).toMatchObject({ status: "writing", attempts: 1 });
    const next = await db()
      .selectFrom("pgboss.job" as never)
      .select(["data" as never])
      .where("name" as never, "=", "section.regenerate" as never)
      .execute();
    expect(next.map((j) => (j as { data: unknown }).data)).toContainEqual({ regenerationId: asked.id, attempt: 2 });
    const calls = fake.requests.length;
    await regenerateSection(ctx, { regenerationId: asked.id, attempt: 1 });
    expect(fake.requests.length).toBe(calls);
    await regenerateSection(ctx, { regenerationId: asked.id, attempt: 2 });
    expect(await regenerationRow(asked.id)).toMatchObject({ status: "ready", attempts: 2 });
    const usage = await db()
      .selectFrom("token_usage")
      .select("id")
      .where("document_id", "=", owner.documentId)
      .where("purpose", "=", "regeneration")
      .execute();
    expect(usage).toHaveLength(2);
  });

  it("records every attempt's tokens and cost, as the first writing does, and adds them to the document's totals", async () => {
    const owner = await delivered();
    fake.shortAnswersNext(1);
    const regeneration = await regenerate(owner);
    const usage = await db()
      .selectFrom("token_usage")
      .selectAll()
      .where("document_id", "=", owner.documentId)
      .where("purpose", "=", "regeneration")
      .execute();
    expect(usage).toHaveLength(2);
    const tokensIn = usage.reduce((sum, u) => sum + u.tokens_in, 0);
    const cost = usage.reduce((sum, u) => sum + Number(u.cost_microdollars), 0);
    expect(tokensIn).toBeGreaterThan(0);
    expect(cost).toBeGreaterThan(0);
    expect(regeneration.tokens_in).toBe(tokensIn);
    expect(Number(regeneration.cost_microdollars)).toBe(cost);
    const document = await documentRow(owner.documentId);
    expect(Number(document.tokens_in)).toBe(tokensIn);
    expect(Number(document.cost_microdollars)).toBe(cost);
  });

  it("a text that fails every attempt ends failed with its reason and does not use up a free regeneration", async () => {
    const owner = await delivered();
    fake.shortAnswersNext(3);
    const regeneration = await regenerate(owner);
    expect(regeneration).toMatchObject({ status: "failed", attempts: 3, failure_reason: "checks", content: null });
    expect(await regenerationQuota(db(), owner.documentId, 5)).toMatchObject({ free: 3, freeLeft: 3 });
    expect(await documentRow(owner.documentId)).toMatchObject({ status: "completed", text_revision: 0 });
  });

  it("a document not delivered cannot be regenerated", async () => {
    const owner = await insertUser(db());
    const document = await insertDocumentInProgress(db(), owner.id);
    expect(
      await requestRegeneration(db(), { documentId: document.id, ownerId: owner.id, index: 0, instruction: "x y z" }),
    ).toEqual({ ok: false, reason: "not_editable" });
    expect(
      await db().selectFrom("regenerations").select("id").where("document_id", "=", document.id).execute(),
    ).toEqual([]);
  });
});

describe("keeping or discarding", () => {
  it("keep makes the new text the section's, as a version by regeneration, and counts a text change", async () => {
    const owner = await delivered();
    const before = await documentRow(owner.documentId);
    const regeneration = await regenerate(owner);
    const kept = await keepRegeneration(db(), { ...owner, regenerationId: regeneration.id, anyway: false });
    expect(kept).toEqual({ ok: true, version: 2 });
    const section = await sectionRow(owner.documentId, 1);
    expect(section).toMatchObject({ content: regeneration.content, revision: 1 });
    expect(section.score_uniqueness).toBe(regeneration.score_uniqueness);
    const versions = await db()
      .selectFrom("document_versions")
      .select(["number", "author", "changed_sections"])
      .where("document_id", "=", owner.documentId)
      .orderBy("number")
      .execute();
    expect(versions).toEqual([
      { number: 1, author: "delivery", changed_sections: [] },
      { number: 2, author: "regeneration", changed_sections: [1] },
    ]);
    const after = await documentRow(owner.documentId);
    expect(after.text_revision).toBe(before.text_revision + 1);
    // The order stays what it was: delivered, at its price.
    expect(after).toMatchObject({ status: before.status, price_cents: before.price_cents });
    expect((await regenerationRow(regeneration.id)).status).toBe("kept");
  });

  it("keeping twice keeps once", async () => {
    const owner = await delivered();
    const regeneration = await regenerate(owner);
    const [a, b] = await Promise.all(
      [1, 2].map(() => keepRegeneration(db(), { ...owner, regenerationId: regeneration.id, anyway: false })),
    );
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    expect([a, b].find((r) => !r.ok)).toEqual({ ok: false, reason: "not_ready", status: "kept" });
    expect((await sectionRow(owner.documentId, 1)).revision).toBe(1);
    expect((await documentRow(owner.documentId)).text_revision).toBe(1);
  });

  it("a section edited since the regeneration started is kept only when the customer says so", async () => {
    const owner = await delivered();
    const regeneration = await regenerate(owner);
    const edit = { ...owner, index: 1, baseRevision: 0, content: "Una modifica fatta nel frattempo." };
    expect(await saveSectionText(db(), edit)).toMatchObject({ ok: true, revision: 1 });
    expect(await keepRegeneration(db(), { ...owner, regenerationId: regeneration.id, anyway: false })).toEqual({
      ok: false,
      reason: "section_changed",
    });
    expect((await sectionRow(owner.documentId, 1)).content).toBe("Una modifica fatta nel frattempo.");
    expect(await keepRegeneration(db(), { ...owner, regenerationId: regeneration.id, anyway: true })).toMatchObject({
      ok: true,
    });
    expect(await sectionRow(owner.documentId, 1)).toMatchObject({ content: regeneration.content, revision: 2 });
  });

  it("discard changes nothing but the regeneration, which still counts", async () => {
    const owner = await delivered();
    const before = { section: await sectionRow(owner.documentId, 1), document: await documentRow(owner.documentId) };
    const regeneration = await regenerate(owner);
    expect(await discardRegeneration(db(), { ...owner, regenerationId: regeneration.id })).toEqual({ ok: true });
    expect(await sectionRow(owner.documentId, 1)).toEqual(before.section);
    expect(await documentRow(owner.documentId)).toMatchObject({
      status: before.document.status,
      price_cents: before.document.price_cents,
      text_revision: before.document.text_revision,
    });
    const versions = await db()
      .selectFrom("document_versions")
      .select("id")
      .where("document_id", "=", owner.documentId)
      .execute();
    expect(versions).toEqual([]);
    expect(await discardRegeneration(db(), { ...owner, regenerationId: regeneration.id })).toEqual({
      ok: false,
      reason: "not_ready",
      status: "discarded",
    });
    expect((await regenerationQuota(db(), owner.documentId, 5)).freeLeft).toBe(2);
  });
});

describe("the quota", () => {
  it("3 free per 10 pages; one at a time per section; then only a bought one, which a failure gives back", async () => {
    const owner = await delivered();
    const ask = (index: number) => requestRegeneration(db(), { ...owner, index, instruction: "Più critico" });
    // Two requests at once for one section (a double click) make one regeneration.
    const [a, b] = await Promise.all([ask(0), ask(0)]);
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    expect([a, b].find((r) => !r.ok)).toEqual({ ok: false, reason: "busy" });
    expect((await ask(1)).ok).toBe(true);
    expect((await ask(2)).ok).toBe(true);
    const running = await db()
      .selectFrom("regenerations")
      .select(["id", "section_index"])
      .where("document_id", "=", owner.documentId)
      .execute();
    for (const r of running) await runRegeneration(r.id);
    for (const r of running) await discardRegeneration(db(), { ...owner, regenerationId: r.id });
    expect(await ask(0)).toEqual({ ok: false, reason: "quota_exhausted" });

    expect(await buyRegenerationWithDevPayment(db(), owner.documentId, owner.ownerId)).toBe(true);
    expect(await regenerationQuota(db(), owner.documentId, 5)).toMatchObject({ freeLeft: 0, boughtLeft: 1 });
    fake.shortAnswersNext(3);
    const paid = await regenerate(owner, 0);
    expect(paid.status).toBe("failed");
    expect(paid.payment_id).not.toBeNull();
    // The bought regeneration failed: the credit stays for another try.
    expect((await regenerationQuota(db(), owner.documentId, 5)).boughtLeft).toBe(1);
    const again = await regenerate(owner, 0);
    expect(again).toMatchObject({ status: "ready", payment_id: paid.payment_id });
    expect(await ask(1)).toEqual({ ok: false, reason: "quota_exhausted" });
    expect(await documentRow(owner.documentId)).toMatchObject({ status: "completed" });
  });

  it("a bought regeneration refunded in full leaves the delivered order as it is", async () => {
    const owner = await delivered();
    expect(await buyRegenerationWithDevPayment(db(), owner.documentId, owner.ownerId)).toBe(true);
    const purchase = await db()
      .selectFrom("payments")
      .select(["id", "amount_cents", "status"])
      .where("document_id", "=", owner.documentId)
      .where("purpose", "=", "regeneration")
      .executeTakeFirstOrThrow();
    expect(purchase).toMatchObject({ amount_cents: 500, status: "succeeded" });
    await db()
      .transaction()
      .execute((trx) => recordRefundedTotal(trx, purchase.id, purchase.amount_cents));
    expect((await documentRow(owner.documentId)).status).toBe("completed");
  });

  it("the order's own payment refunded in full refunds the order, a bought regeneration notwithstanding", async () => {
    const owner = await delivered();
    expect(await buyRegenerationWithDevPayment(db(), owner.documentId, owner.ownerId)).toBe(true);
    const order = await db()
      .selectFrom("payments")
      .select(["id", "amount_cents"])
      .where("document_id", "=", owner.documentId)
      .where("purpose", "=", "order")
      .executeTakeFirstOrThrow();
    await db()
      .transaction()
      .execute((trx) => recordRefundedTotal(trx, order.id, order.amount_cents));
    expect((await documentRow(owner.documentId)).status).toBe("refunded");
  });
});

describe("the customer's data", () => {
  it("the data export carries each regeneration's instruction and text; deleting the account deletes them", async () => {
    const owner = await delivered();
    const regeneration = await regenerate(owner, 1, "Più critico, per favore");
    const data = (await exportUserData(db(), owner.ownerId))!;
    expect(data.documents[0]!.regenerations).toEqual([
      {
        section_index: 1,
        instruction: "Più critico, per favore",
        status: "ready",
        content: regeneration.content,
        created_at: regeneration.created_at,
      },
    ]);
    expect(await deleteAccount(db(), owner.ownerId, { ip: null })).toBeDefined();
    expect(
      await db().selectFrom("regenerations").select("id").where("document_id", "=", owner.documentId).execute(),
    ).toEqual([]);
  });
});
