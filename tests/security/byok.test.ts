// Issue 22, item 6: a customer brings their own LLM key. Over HTTP against the running app (web + worker), with the
// fake OpenAI and Anthropic recording whose key each call carries and the fake Stripe taking the card payment.
import { createDecipheriv, randomBytes } from "node:crypto";
import { readFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBackup } from "../../db/backup";
import { createApiKey } from "../../app/models/api-keys.server";
import { startFakeAnthropic, type FakeAnthropic } from "../fakes/anthropic";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import type { FakeStripe } from "../fakes/stripe";
import { eventually } from "../setup/fixtures";
import { type App, type Client, signedInCustomer } from "./app";
import { draftOrder, payByCard, payOnStripe, sessionIdOf, sessionsOf, startAppWithStripe } from "./money-app";

const ENCRYPTION_KEY = randomBytes(32).toString("base64");
const OUR_KEY = "sk-tesigo-own-writers-0000";
/** A key of the shape providers issue, unique to one test. */
const newKey = (label: string) => `sk-proj-${label}-${randomBytes(12).toString("hex")}`;
const everyKey: string[] = [];

let app: App;
let stripe: FakeStripe;
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  anthropic = await startFakeAnthropic();
  ({ app, stripe } = await startAppWithStripe({
    OPENAI_API_KEY: OUR_KEY,
    OPENAI_BASE_URL: openai.url,
    ANTHROPIC_BASE_URL: anthropic.url,
    AI_FALLBACK_CHAIN: "",
    BYOK_ENCRYPTION_KEY: ENCRYPTION_KEY,
    BYOK_DISCOUNT: "0.4",
    // Everything the app says, so the redaction test reads as much as there is.
    LOG_LEVEL: "debug",
  }));
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await stripe?.close();
  await openai?.close();
  await anthropic?.close();
});

/** Posts the key form as the page does. */
function saveKey(client: Client, form: Record<string, string>) {
  return client.post("/account/llm-key", { intent: "save", ...form });
}

async function savedKey(client: Client, label: string, extra: Record<string, string> = {}) {
  const apiKey = newKey(label);
  everyKey.push(apiKey);
  const answer = await saveKey(client, { provider: "openai", apiKey, ...extra });
  expect(answer.status, answer.text.slice(0, 500)).toBe(200);
  expect(answer.text).toContain("Your key was checked and saved.");
  return apiKey;
}

/** The chat calls the fake OpenAI received for the order about `topic`, and the keys they carried. */
function keysUsedFor(topic: string): string[] {
  return openai.requests
    .filter((r) => r.path.endsWith("/chat/completions") && JSON.stringify(r.body).includes(topic))
    .map((r) => r.authorization?.replace(/^Bearer /, "") ?? "");
}

async function documentRow(id: string) {
  return app.db.selectFrom("documents").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function delivered(id: string) {
  return eventually(
    `order ${id} to be delivered`,
    async () => {
      const row = await documentRow(id);
      expect(row.status, row.failure_reason ?? "").not.toMatch(/failed|refunded/);
      return row.status === "completed" || row.status === "completed_with_warnings" ? row : undefined;
    },
    90_000,
  );
}

/** An order drafted and paid with the development payment; returns its id. */
async function paidOrder(client: Client, topic: string) {
  const id = await draftOrder(client, { pages: 5, topic });
  const paid = await client.post(`/orders/${id}/review`, { intent: "dev" });
  expect(paid.status, paid.text.slice(0, 300)).toBe(302);
  return id;
}

describe("bring your own LLM key", () => {
  it("a key is checked once before it is saved: a refused one is 'the provider refused this key', an unreachable server 'could not reach …', and neither is kept", async () => {
    const { client, userId } = await signedInCustomer(app);
    const refused = newKey("refused");
    everyKey.push(refused);
    openai.refuseKey(refused);
    const answer = await saveKey(client, { provider: "openai", apiKey: refused });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("The provider refused this key. Check it and try again.");
    expect(answer.text).not.toContain(refused);
    expect(openai.requests.some((r) => r.path.endsWith("/models") && r.authorization === `Bearer ${refused}`)).toBe(
      true,
    );

    const unreachable = await saveKey(client, {
      provider: "compat",
      model: "llama3.1",
      baseUrl: "http://127.0.0.1:9/v1",
      apiKey: newKey("nowhere"),
    });
    expect(unreachable.status).toBe(502);
    expect(unreachable.text).toContain("Could not reach 127.0.0.1:9. Check the address and try again.");

    const withoutModel = await saveKey(client, { provider: "compat", baseUrl: openai.url, apiKey: newKey("nomodel") });
    expect(withoutModel.status).toBe(400);
    expect(withoutModel.text).toContain("Name the model your compatible server runs.");
    const tooShort = await saveKey(client, { provider: "anthropic", apiKey: "short" });
    expect(tooShort.status).toBe(400);
    expect(tooShort.text).toContain("An API key is 8 to 400 characters without spaces.");

    const rows = await app.db.selectFrom("customer_llm_keys").selectAll().where("user_id", "=", userId).execute();
    expect(rows).toEqual([]);
  });

  it("an Anthropic key is checked with Anthropic's own API and saved with our default model", async () => {
    const { client, userId } = await signedInCustomer(app);
    const apiKey = `sk-ant-api03-${randomBytes(16).toString("hex")}`;
    everyKey.push(apiKey);
    const answer = await saveKey(client, { provider: "anthropic", apiKey });
    expect(answer.status, answer.text.slice(0, 300)).toBe(200);
    expect(anthropic.requests.some((r) => r.path.startsWith("/v1/models") && r.apiKey === apiKey)).toBe(true);
    const row = await app.db
      .selectFrom("customer_llm_keys")
      .select(["provider", "model", "last4"])
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ provider: "anthropic", model: "claude-sonnet-4-6", last4: apiKey.slice(-4) });
  });

  it("a saved key is kept encrypted (AES-256-GCM): neither its row nor a dump of the whole database holds it; it decrypts with the encryption key only; the page shows its last 4 characters", async () => {
    const { client, userId } = await signedInCustomer(app);
    const apiKey = await savedKey(client, "at-rest");
    const row = await app.db
      .selectFrom("customer_llm_keys")
      .selectAll()
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(apiKey);
    expect(row.key_ciphertext.toString("latin1")).not.toContain(apiKey);
    expect(row.key_iv).toHaveLength(12);
    expect(row.key_tag).toHaveLength(16);
    expect(row.last4).toBe(apiKey.slice(-4));

    const dumpFile = path.join(mkdtempSync(path.join(os.tmpdir(), "tesigo-byok-")), "dump.gz");
    const client2 = new pg.Client({ connectionString: app.databaseUrl });
    await client2.connect();
    try {
      await writeBackup(client2, dumpFile, { files: "postgres" });
    } finally {
      await client2.end();
    }
    const dump = gunzipSync(readFileSync(dumpFile)).toString("utf8");
    expect(dump).toContain(row.id); // the row is in the dump…
    expect(dump).not.toContain(apiKey); // …and the key is not

    // AES-256-GCM as the decision says, opened here with node:crypto alone: the encryption key opens it, another fails.
    expect(decrypt(row, Buffer.from(ENCRYPTION_KEY, "base64"))).toBe(apiKey);
    expect(() => decrypt(row, randomBytes(32))).toThrow(/unable to authenticate/);

    const page = await client.get("/account/llm-key");
    expect(page.text.replaceAll("<!-- -->", "")).toContain(
      `OpenAI key ending in ${apiKey.slice(-4)}, model gpt-4o-mini`,
    );
    expect(page.text).not.toContain(apiKey);
  });

  it("a stranger can neither see nor delete another customer's key (404), a signed-out visitor is sent to sign in, and the owner deletes it", async () => {
    const victim = await signedInCustomer(app);
    const apiKey = await savedKey(victim.client, "victim");
    const { id: keyId } = await app.db
      .selectFrom("customer_llm_keys")
      .select("id")
      .where("user_id", "=", victim.userId)
      .executeTakeFirstOrThrow();

    const stranger = await signedInCustomer(app);
    const page = await stranger.client.get("/account/llm-key");
    expect(page.text).toContain("No key saved");
    expect(page.text).not.toContain(apiKey.slice(-4));
    for (const id of [keyId, "not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      const refused = await stranger.client.post("/account/llm-key", { intent: "delete", keyId: id });
      expect(refused.status).toBe(404);
      expect(refused.text).toContain("There is no such key.");
    }
    const fallback = await stranger.client.post("/account/llm-key", { intent: "fallback", fallback: "on" });
    expect(fallback.status).toBe(404);
    expect(
      await app.db.selectFrom("customer_llm_keys").select("id").where("id", "=", keyId).executeTakeFirst(),
    ).toEqual({ id: keyId });

    const signedOut = await new (victim.client.constructor as typeof Client)(app).get("/account/llm-key");
    expect(signedOut.status).toBe(302);
    expect(signedOut.location).toMatch(/^\/login/);

    const deleted = await victim.client.post("/account/llm-key", { intent: "delete", keyId });
    expect(deleted.status).toBe(200);
    expect(await app.db.selectFrom("customer_llm_keys").select("id").where("id", "=", keyId).executeTakeFirst()).toBe(
      undefined,
    );
  });

  it("deleting the account deletes its LLM key, sealed or not", async () => {
    const customer = await signedInCustomer(app);
    await savedKey(customer.client, "leaving");
    expect((await customer.client.post("/account/delete", { email: customer.email })).status).toBe(302);
    const rows = await app.db
      .selectFrom("customer_llm_keys")
      .select("id")
      .where("user_id", "=", customer.userId)
      .execute();
    expect(rows).toEqual([]);
  });

  it("an order of a customer with a saved key is priced −40 % on the review step and at Checkout, written with their key only (ours for other customers), and its LLM cost is marked as theirs", async () => {
    const customer = await signedInCustomer(app);
    const apiKey = await savedKey(customer.client, "priced");
    const topic = `Monastic economies with an own key ${randomBytes(3).toString("hex")}`;
    const id = await draftOrder(customer.client, { pages: 5, topic });
    const review = await customer.client.get(`/orders/${id}/review`);
    const text = review.text.replaceAll("<!-- -->", "");
    expect(text).toContain("With your own LLM key: −40 % (−€10.00)");
    expect(text).toContain("€15.00");
    // The API's quote prices this account's orders the same way.
    const created = await createApiKey(app.db, customer.userId, { name: "quotes", scopes: ["orders:read"] });
    const quote = await fetch(`${app.url}/api/v1/quotes`, {
      method: "POST",
      headers: { Authorization: `Bearer ${created!.key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "essay", pages: 5 }),
    });
    expect(quote.status).toBe(200);
    expect((await quote.json()).price).toMatchObject({ amountCents: 1500, baseCents: 2500, ownKeyCents: 1000 });

    const checkout = await payByCard(customer.client, id);
    const [session] = sessionsOf(stripe, id);
    expect(session.amount_total).toBe(1500);
    expect(await documentRow(id)).toMatchObject({ price_cents: 1500, priced_with_own_key: true });
    expect(await payOnStripe(stripe, sessionIdOf(checkout.location))).toBe(303);

    const other = await signedInCustomer(app);
    const otherTopic = `Monastic economies with our key ${randomBytes(3).toString("hex")}`;
    const otherId = await paidOrder(other.client, otherTopic);

    const document = await delivered(id);
    await delivered(otherId);
    expect(keysUsedFor(topic).length).toBeGreaterThan(1);
    expect(new Set(keysUsedFor(topic))).toEqual(new Set([apiKey]));
    expect(new Set(keysUsedFor(otherTopic))).toEqual(new Set([OUR_KEY]));
    expect((await documentRow(otherId)).price_cents).toBe(2500);

    const usage = await app.db.selectFrom("token_usage").selectAll().where("document_id", "=", id).execute();
    expect(usage.length).toBeGreaterThan(1);
    for (const row of usage) expect(row).toMatchObject({ provider: "customer:openai", paid_by_customer: true });
    expect(Number(document.tokens_in)).toBeGreaterThan(0);
    expect(Number(document.cost_microdollars)).toBe(0); // their cost, not ours

    // The key deleted afterwards changes nothing of what was paid.
    const { id: keyId } = await app.db
      .selectFrom("customer_llm_keys")
      .select("id")
      .where("user_id", "=", customer.userId)
      .executeTakeFirstOrThrow();
    await customer.client.post("/account/llm-key", { intent: "delete", keyId });
    expect(await documentRow(id)).toMatchObject({ price_cents: 1500, priced_with_own_key: true });
  });

  it("a key the provider refuses mid-order (401) pauses the order with a clear message instead of retrying or refunding it; saving a working key resumes it to delivery", async () => {
    const customer = await signedInCustomer(app);
    const failing = await savedKey(customer.client, "failing");
    openai.refuseKey(failing);
    const topic = `Medieval tithes paused for a key ${randomBytes(3).toString("hex")}`;
    const id = await paidOrder(customer.client, topic);

    const paused = await eventually("the order to pause for its key", async () => {
      const row = await documentRow(id);
      return row.progress_stage === "waiting_for_key" ? row : undefined;
    });
    expect(paused.status).toBe("generating");
    expect(paused.failure_reason).toBeNull();
    // One refused call, not retried by the router nor by the queue.
    expect(keysUsedFor(topic)).toEqual([failing]);
    const refunds = await app.db
      .selectFrom("refunds")
      .innerJoin("payments", "payments.id", "refunds.payment_id")
      .select("refunds.id")
      .where("payments.document_id", "=", id)
      .execute();
    expect(refunds).toEqual([]);

    const page = await customer.client.get(`/documents/${id}`);
    expect(page.text).toContain(
      "Your OpenAI key was refused. Update it on your LLM key page; your order continues then.",
    );
    expect(page.text).toContain('href="/account/llm-key"');
    const account = await customer.client.get("/account/llm-key");
    expect(account.text).toContain("The provider refused this key on");

    const working = await savedKey(customer.client, "working");
    const resumedPage = await customer.client.get("/account/llm-key");
    expect(resumedPage.text).not.toContain("The provider refused this key on");
    await delivered(id);
    expect(keysUsedFor(topic).slice(1).length).toBeGreaterThan(0);
    expect(new Set(keysUsedFor(topic).slice(1))).toEqual(new Set([working]));
  });

  it("a key refused while the sections are being written pauses the order there; the new key writes only the sections not yet written (a written one is kept)", async () => {
    const customer = await signedInCustomer(app);
    const failing = await savedKey(customer.client, "mid-sections");
    openai.refuseKeyAfter(failing, 2); // the outline and one section are written with it, then it is refused
    const topic = `Medieval tithes paused among sections ${randomBytes(3).toString("hex")}`;
    const id = await paidOrder(customer.client, topic);
    await eventually("the order to pause among its sections", async () => {
      const row = await documentRow(id);
      return row.progress_stage === "waiting_for_key" && row.total_sections !== null;
    });
    // Its section jobs all end (refused), none retried.
    await eventually("the refused section jobs to end", async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pgboss.job
        where name = 'section.write' and data->>'documentId' = ${id} and state in ('created', 'retry', 'active')`.execute(
        app.db,
      );
      return rows[0]!.n === 0;
    });
    const before = await app.db
      .selectFrom("sections")
      .select(["id", "status", "content_md5", "attempts"])
      .where("document_id", "=", id)
      .execute();
    const written = before.filter((s) => s.status === "passed");
    expect(written).toHaveLength(1);
    expect(keysUsedFor(topic).filter((k) => k === failing).length).toBe(2 + (before.length - 1));

    const working = await savedKey(customer.client, "after-sections");
    await delivered(id);
    const after = await app.db
      .selectFrom("sections")
      .select(["id", "status", "content_md5", "attempts"])
      .where("document_id", "=", id)
      .execute();
    expect(after.find((s) => s.id === written[0]!.id)).toEqual(written[0]);
    const withWorking = keysUsedFor(topic).filter((k) => k === working).length;
    expect(withWorking).toBeGreaterThanOrEqual(before.length - 1);
    expect(new Set(keysUsedFor(topic))).toEqual(new Set([failing, working]));
  });

  it("with 'use TesiGo's providers if my key fails' ticked, a refused key hands the order to our writers and it is delivered", async () => {
    const customer = await signedInCustomer(app);
    const failing = await savedKey(customer.client, "fallback", { fallback: "on" });
    openai.refuseKey(failing);
    const topic = `Medieval tithes with a fallback ${randomBytes(3).toString("hex")}`;
    const id = await paidOrder(customer.client, topic);
    await delivered(id);
    const keys = keysUsedFor(topic);
    expect(keys).toContain(failing);
    expect(keys).toContain(OUR_KEY);
    expect(new Set(keys)).toEqual(new Set([failing, OUR_KEY]));
  });

  it("the customer's key never appears in the app's log, a stored error, a job's output, the data export or the admin area (which says: customer key: yes, last 4)", async () => {
    const customer = await signedInCustomer(app);
    const apiKey = await savedKey(customer.client, "redacted");
    // The fake echoes the refused key in its error, as OpenAI does.
    openai.refuseKey(apiKey);
    const id = await paidOrder(customer.client, `Redaction of keys ${randomBytes(3).toString("hex")}`);
    await eventually("the order to pause", async () => (await documentRow(id)).progress_stage === "waiting_for_key");

    const exported = await customer.client.get("/account/export");
    expect(exported.status).toBe(200);
    expect(JSON.parse(exported.text).llm_key).toMatchObject({ provider: "openai", last4: apiKey.slice(-4) });

    const admin = await signedInCustomer(app);
    await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.userId).execute();
    const adminPage = await admin.client.get(`/admin/users/${customer.userId}`);
    expect(adminPage.status).toBe(200);
    expect(adminPage.text.replaceAll("<!-- -->", "")).toContain(`yes, OpenAI, last 4: ${apiKey.slice(-4)}`);
    const adminOrder = await admin.client.get(`/admin/documents/${id}`);
    expect(adminOrder.status).toBe(200);

    const stored = [
      JSON.stringify(await app.db.selectFrom("documents").selectAll().execute()),
      JSON.stringify(await app.db.selectFrom("dead_letters").selectAll().execute()),
      JSON.stringify(await app.db.selectFrom("document_events").selectAll().execute()),
      JSON.stringify(await app.db.selectFrom("token_usage").selectAll().execute()),
      JSON.stringify(
        (await pgRows(app.databaseUrl, "select data, output from pgboss.job")).concat(
          await pgRows(app.databaseUrl, "select data, output from pgboss.archive").catch(() => []),
        ),
      ),
    ].join("\n");
    const seen = [exported.text, adminPage.text, adminOrder.text, stored, app.output()];
    for (const key of [...everyKey, apiKey]) {
      for (const text of seen) expect(text.includes(key), `${key.slice(0, 12)}… found`).toBe(false);
    }
    // The log did record the refusal, without the key.
    expect(app.output()).toContain("the customer's own LLM key failed");
  });
});

function decrypt(row: { key_iv: Buffer; key_tag: Buffer; key_ciphertext: Buffer }, key: Buffer): string {
  const decipher = createDecipheriv("aes-256-gcm", key, row.key_iv);
  decipher.setAuthTag(row.key_tag);
  return Buffer.concat([decipher.update(row.key_ciphertext), decipher.final()]).toString("utf8");
}

async function pgRows(url: string, query: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(query)).rows;
  } finally {
    await client.end();
  }
}
