import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anonymisedEmail, deleteAccount } from "../../app/models/account-deletion.server";
import { exportUserData } from "../../app/models/account.server";
import { createApiKey, hashApiKey } from "../../app/models/api-keys.server";
import { createWebhookEndpoint } from "../../app/models/webhook-endpoints.server";
import { createSession, getSessionUser } from "../../app/models/sessions.server";
import { recordConsents } from "../../app/models/users.server";
import { action as deleteAction, loader as deleteLoader } from "../../app/routes/account.delete";
import { loader as exportLoader } from "../../app/routes/account.export";
import { loader as accountLoader } from "../../app/routes/account._index";
import type { Db } from "../../app/utils/db.server";
import { useDatabase } from "../../app/utils/db.server";
import { getUserFromCookie, startSession } from "../../app/utils/session-cookie.server";
import { storedFileExists, storeFile } from "../../app/utils/storage.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";

// Read by getEnv() on first use, which is below: stored files go to a temp dir.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "tesigo-account-"));
process.env.DATA_DIR = dataDir;

let database: TestDatabase;
const origin = { ip: "203.0.113.9", userAgent: "vitest" };
const context = { ip: "127.0.0.1", requestId: "t" };

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
});
afterAll(async () => {
  await database?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A customer with consents, a completed document (sections, attempts, drafts, files), a refunded payment and an upload. */
async function seedCustomer(db: Db, label: string) {
  const user = await insertUser(db, { email: `${label}-${Math.random().toString(36).slice(2, 8)}@example.com` });
  await db
    .updateTable("users")
    .set({ name: `${label} Name` })
    .where("id", "=", user.id)
    .execute();
  await recordConsents(db, user.id, { essential: true, analytics: false, marketing: true }, origin);
  const docxKey = await storeFile(`documents/${user.id}`, new TextEncoder().encode(`${label} docx`), "docx");
  const pdfKey = await storeFile(`documents/${user.id}`, new TextEncoder().encode(`${label} pdf`), "pdf");
  const document = await db
    .insertInto("documents")
    .values({
      user_id: user.id,
      topic: `${label} topic about the history of printing`,
      pages: 5,
      language: "en",
      price_cents: 2500,
      status: "completed",
      instructions: `${label} instructions`,
      requirements_text: `${label} requirements`,
      content: `${label} full text`,
      quality_warnings: JSON.stringify([]),
      score_uniqueness: 93.5,
      score_grammar: 2.1,
      score_ai: null,
      docx_key: docxKey,
      pdf_key: pdfKey,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const sections = await db
    .insertInto("sections")
    .values(
      [0, 1].map((index) => ({
        document_id: document.id,
        index,
        heading: `${label} heading ${index}`,
        brief: "brief",
        key_points: JSON.stringify([]),
        source_keys: JSON.stringify([]),
        target_words: 500,
        status: "passed" as const,
        content: `${label} section ${index} text`,
        summary: `${label} summary ${index}`,
        word_count: 480,
        score_uniqueness: 95,
        score_grammar: 1.5,
        score_ai: index === 0 ? 12 : null,
      })),
    )
    .returningAll()
    .execute();
  await db
    .insertInto("section_attempts")
    .values(
      sections.map((s) => ({
        section_id: s.id,
        attempt: 1,
        content: `${label} attempt text`,
        passed: true,
        feedback: JSON.stringify([]),
        scores: JSON.stringify({ uniqueness: 95 }),
        provider: "offline",
        model: "offline",
      })),
    )
    .execute();
  await db
    .insertInto("drafts")
    .values({ document_id: document.id, version: 1, content: `${label} draft` })
    .execute();
  await db
    .insertInto("document_versions")
    .values({
      document_id: document.id,
      number: 1,
      author: "delivery",
      sections: JSON.stringify([{ index: 0, heading: label, content: `${label} text` }]),
    })
    .execute();
  const payment = await db
    .insertInto("payments")
    .values({
      document_id: document.id,
      user_id: user.id,
      provider: "dev",
      amount_cents: 2500,
      refunded_cents: 500,
      currency: "eur",
      status: "partially_refunded",
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const refund = await db
    .insertInto("refunds")
    .values({
      payment_id: payment.id,
      amount_cents: 500,
      reason: "one section below threshold",
      idempotency_key: `refund-${payment.id}`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const uploadKey = await storeFile(`uploads/${user.id}`, new TextEncoder().encode(`${label} upload`), "txt");
  const upload = await db
    .insertInto("uploads")
    .values({
      user_id: user.id,
      document_id: document.id,
      filename: `${label}-brief.txt`,
      mime_type: "text/plain",
      size_bytes: 12,
      sha256: "a".repeat(64),
      storage_key: uploadKey,
      extracted_text: `${label} extracted secret`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    user: { ...user, name: `${label} Name` },
    document,
    sections,
    payment,
    refund,
    upload,
    docxKey,
    pdfKey,
    uploadKey,
  };
}

async function signIn(userId: string): Promise<string> {
  return (await startSession(userId, origin)).split(";")[0];
}

function request(url: string, cookie: string | null, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`http://localhost${url}`, { ...init, headers });
}

function form(fields: Record<string, string>) {
  return {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  };
}

/** Runs a loader or action that may throw a Response (redirects, 400s) and returns that Response either way. */
async function respond(run: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await run();
    if (result instanceof Response) return result;
    return Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("exportUserData", () => {
  it("returns exactly the user's own data, and none of another user's", async () => {
    const db = database.db;
    const mine = await seedCustomer(db, "ada");
    const theirs = await seedCustomer(db, "bob");

    const data = (await exportUserData(db, mine.user.id))!;
    expect(data.user).toEqual({
      id: mine.user.id,
      email: mine.user.email,
      name: "ada Name",
      role: "customer",
      created_at: mine.user.created_at,
    });
    expect(data.consents.map((c) => [c.kind, c.granted, c.ip, c.user_agent]).sort()).toEqual([
      ["analytics", false, "203.0.113.9", "vitest"],
      ["essential", true, "203.0.113.9", "vitest"],
      ["marketing", true, "203.0.113.9", "vitest"],
    ]);

    expect(data.documents).toHaveLength(1);
    const [document] = data.documents;
    expect(document).toMatchObject({
      id: mine.document.id,
      topic: mine.document.topic,
      content: "ada full text",
      instructions: "ada instructions",
      requirements_text: "ada requirements",
      score_uniqueness: 93.5,
      score_grammar: 2.1,
      score_ai: null,
    });
    expect(document).not.toHaveProperty("docx_key");
    expect(document).not.toHaveProperty("cost_microdollars");
    expect(document.sections).toEqual([
      {
        index: 0,
        heading: "ada heading 0",
        brief: "brief",
        key_points: [],
        status: "passed",
        content: "ada section 0 text",
        word_count: 480,
        score_uniqueness: 95,
        score_grammar: 1.5,
        score_ai: 12,
      },
      {
        index: 1,
        heading: "ada heading 1",
        brief: "brief",
        key_points: [],
        status: "passed",
        content: "ada section 1 text",
        word_count: 480,
        score_uniqueness: 95,
        score_grammar: 1.5,
        score_ai: null,
      },
    ]);
    // Every earlier text of the document (issue 21's versions) is the customer's too.
    expect(document.versions).toEqual([
      expect.objectContaining({
        number: 1,
        author: "delivery",
        sections: [{ index: 0, heading: "ada", content: "ada text" }],
      }),
    ]);

    expect(data.payments).toHaveLength(1);
    expect(data.payments[0]).toMatchObject({
      id: mine.payment.id,
      amount_cents: 2500,
      refunded_cents: 500,
      status: "partially_refunded",
    });
    expect(data.payments[0].refunds).toEqual([
      expect.objectContaining({ id: mine.refund.id, amount_cents: 500, reason: "one section below threshold" }),
    ]);
    expect(data.payments[0].refunds[0]).not.toHaveProperty("idempotency_key");

    expect(data.uploads).toEqual([
      {
        id: mine.upload.id,
        filename: "ada-brief.txt",
        mime_type: "text/plain",
        size_bytes: 12,
        sha256: "a".repeat(64),
        created_at: mine.upload.created_at,
        document_id: mine.document.id,
      },
    ]);

    const json = JSON.stringify(data);
    for (const foreign of [
      theirs.user.id,
      theirs.user.email,
      theirs.document.id,
      theirs.payment.id,
      theirs.refund.id,
      theirs.upload.id,
      theirs.document.topic,
    ]) {
      expect(json).not.toContain(foreign);
    }
    expect(json).not.toContain("extracted secret");
    expect(json).not.toContain(mine.uploadKey);
  });

  it("lists the user's API keys by name and prefix, never their hash", async () => {
    const db = database.db;
    const owner = await seedCustomer(db, "keyholder");
    const created = (await createApiKey(db, owner.user.id, { name: "Grading portal", scopes: ["orders:read"] }))!;
    const data = (await exportUserData(db, owner.user.id))!;
    expect(data.api_keys).toMatchObject([{ name: "Grading portal", prefix: created.prefix, scopes: ["orders:read"] }]);
    const json = JSON.stringify(data);
    expect(json).not.toContain(created.key);
    expect(json).not.toContain(hashApiKey(created.key));
  });

  it("lists the user's webhook endpoints by URL and events, never their signing secret", async () => {
    const db = database.db;
    const owner = await seedCustomer(db, "hookholder");
    const created = (await createWebhookEndpoint(db, owner.user.id, {
      url: "https://hooks.example.com/tesigo",
      events: ["order.paid"],
    }))!;
    const data = (await exportUserData(db, owner.user.id))!;
    expect(data.webhook_endpoints).toMatchObject([{ url: "https://hooks.example.com/tesigo", events: ["order.paid"] }]);
    expect(JSON.stringify(data)).not.toContain(created.secret);
  });

  it("is undefined for an unknown user", async () => {
    expect(await exportUserData(database.db, "00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });
});

describe("deleteAccount", () => {
  it("anonymises the user, signs them out everywhere, removes text and files, keeps payments", async () => {
    const db = database.db;
    const mine = await seedCustomer(db, "cleo");
    const theirs = await seedCustomer(db, "dan");
    const sessions = [await createSession(db, mine.user.id, origin), await createSession(db, mine.user.id, origin)];
    const theirSession = await createSession(db, theirs.user.id, origin);
    const paymentsBefore = await db.selectFrom("payments").selectAll().orderBy("id").execute();
    const refundsBefore = await db.selectFrom("refunds").selectAll().orderBy("id").execute();
    for (const key of [mine.docxKey, mine.pdfKey]) expect(await storedFileExists(key)).toBe(true);

    await createApiKey(db, mine.user.id, { name: "Portal", scopes: ["orders:read"] });
    await createWebhookEndpoint(db, mine.user.id, { url: "https://hooks.example.com/cleo", events: ["order.paid"] });
    const result = await deleteAccount(db, mine.user.id, { ip: "198.51.100.4", userAgent: "vitest" });
    expect(result).toMatchObject({
      sessionsRevoked: 2,
      documentsCleared: 1,
      documentFilesDeleted: 2,
      uploadsDeleted: 1,
    });

    const user = await db.selectFrom("users").selectAll().where("id", "=", mine.user.id).executeTakeFirstOrThrow();
    expect(user.email).toBe(anonymisedEmail(mine.user.id));
    expect(user.email).toBe(`deleted-${mine.user.id}@deleted.invalid`);
    expect(user.name).toBeNull();
    expect(user.deleted_at).toBeInstanceOf(Date);

    for (const s of sessions) expect(await getSessionUser(db, s.id)).toBeUndefined();
    expect((await getSessionUser(db, theirSession.id))?.id).toBe(theirs.user.id);
    expect(await db.selectFrom("api_keys").select("id").where("user_id", "=", mine.user.id).execute()).toEqual([]);
    expect(await db.selectFrom("webhook_endpoints").select("id").where("user_id", "=", mine.user.id).execute()).toEqual(
      [],
    );

    for (const key of [mine.docxKey, mine.pdfKey, mine.uploadKey]) expect(await storedFileExists(key)).toBe(false);
    for (const key of [theirs.docxKey, theirs.pdfKey, theirs.uploadKey]) expect(await storedFileExists(key)).toBe(true);

    const document = await db
      .selectFrom("documents")
      .selectAll()
      .where("id", "=", mine.document.id)
      .executeTakeFirstOrThrow();
    expect(document).toMatchObject({
      content: null,
      requirements_text: null,
      instructions: null,
      docx_key: null,
      pdf_key: null,
      price_cents: 2500,
      user_id: mine.user.id,
    });
    const sections = await db.selectFrom("sections").selectAll().where("document_id", "=", mine.document.id).execute();
    expect(sections).toHaveLength(2);
    expect(sections.every((s) => s.content === null && s.summary === null)).toBe(true);
    const attempts = await db
      .selectFrom("section_attempts")
      .select("section_id")
      .where(
        "section_id",
        "in",
        [...mine.sections, ...theirs.sections].map((s) => s.id),
      )
      .execute();
    expect(attempts.map((a) => a.section_id).sort()).toEqual(theirs.sections.map((s) => s.id).sort());
    expect(
      await db
        .selectFrom("drafts")
        .select("document_id")
        .where("document_id", "in", [mine.document.id, theirs.document.id])
        .execute(),
    ).toEqual([{ document_id: theirs.document.id }]);
    expect(
      await db
        .selectFrom("document_versions")
        .select("document_id")
        .where("document_id", "in", [mine.document.id, theirs.document.id])
        .execute(),
    ).toEqual([{ document_id: theirs.document.id }]);
    expect(
      await db.selectFrom("uploads").select("id").where("user_id", "in", [mine.user.id, theirs.user.id]).execute(),
    ).toEqual([{ id: theirs.upload.id }]);

    // Accounting and proof of consent stay, untouched, pointing at the anonymised user.
    expect(await db.selectFrom("payments").selectAll().orderBy("id").execute()).toEqual(paymentsBefore);
    expect(await db.selectFrom("refunds").selectAll().orderBy("id").execute()).toEqual(refundsBefore);
    expect(await db.selectFrom("consents").select("kind").where("user_id", "=", mine.user.id).execute()).toHaveLength(
      3,
    );

    const theirDocument = await db
      .selectFrom("documents")
      .selectAll()
      .where("id", "=", theirs.document.id)
      .executeTakeFirstOrThrow();
    expect(theirDocument.content).toBe("dan full text");

    const audit = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "account.deleted")
      .where("target_id", "=", mine.user.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: mine.user.id,
      target_type: "user",
      target_id: mine.user.id,
      ip: "198.51.100.4",
    });

    // A second deletion finds nothing to do.
    expect(await deleteAccount(db, mine.user.id, { ip: null })).toBeUndefined();
    expect(
      await db
        .selectFrom("audit_log")
        .select("id")
        .where("action", "=", "account.deleted")
        .where("target_id", "=", mine.user.id)
        .execute(),
    ).toHaveLength(1);
  });
});

describe("account routes", () => {
  it("GET /account lists the user's own documents and payments", async () => {
    const mine = await seedCustomer(database.db, "eve");
    await seedCustomer(database.db, "fay");
    const cookie = await signIn(mine.user.id);
    const data = (await accountLoader({ request: request("/account", cookie), params: {}, context } as any)) as any;
    expect(data.user).toEqual({ email: mine.user.email, name: "eve Name" });
    expect(data.documents.map((d: any) => d.id)).toEqual([mine.document.id]);
    expect(data.documents[0]).toMatchObject({
      href: `/documents/${mine.document.id}`,
      scores: { uniqueness: 93.5, grammar: 2.1, ai: null },
    });
    expect(data.payments).toEqual([
      // Amounts leave the loader as cents: the page writes them in the reader's language.
      expect.objectContaining({ id: mine.payment.id, amountCents: 2500, refundedCents: 500, currency: "eur" }),
    ]);
  });

  it("GET /account/export answers a JSON attachment for the signed-in user, and sends strangers to sign in", async () => {
    const mine = await seedCustomer(database.db, "gus");
    const cookie = await signIn(mine.user.id);
    const response = await respond(() =>
      exportLoader({ request: request("/account/export", cookie), params: {}, context } as any),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="tesigo-export-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const body = await response.json();
    expect(body.user.id).toBe(mine.user.id);
    expect(body.documents.map((d: any) => d.id)).toEqual([mine.document.id]);

    const anonymous = await respond(() =>
      exportLoader({ request: request("/account/export", null), params: {}, context } as any),
    );
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe("/login?redirectTo=%2Faccount%2Fexport");
  });

  it("POST /account/delete with the wrong email answers 400 and changes nothing", async () => {
    const mine = await seedCustomer(database.db, "hal");
    const cookie = await signIn(mine.user.id);
    const page = (await deleteLoader({
      request: request("/account/delete", cookie),
      params: {},
      context,
    } as any)) as any;
    expect(page).toEqual({ title: "Delete my account · TesiGo", email: mine.user.email });

    const response = await respond(() =>
      deleteAction({
        request: request("/account/delete", cookie, form({ email: "someone-else@example.com" })),
        params: {},
        context,
      } as any),
    );
    expect(response.status).toBe(400);
    const reply = await response.json();
    // The schema's message is a key; the page shows it in the reader's language.
    expect(reply.error.email).toEqual(["account:delete.mismatch"]);

    const empty = await respond(() =>
      deleteAction({ request: request("/account/delete", cookie, form({})), params: {}, context } as any),
    );
    expect(empty.status).toBe(400);

    const notAForm = await respond(() =>
      deleteAction({
        request: request("/account/delete", cookie, {
          method: "POST",
          body: "{}",
          headers: { "Content-Type": "application/json" },
        }),
        params: {},
        context,
      } as any),
    );
    expect(notAForm.status).toBe(400);
    expect(await notAForm.json()).toEqual({ error: "The request must be a submitted form (form data)." });

    const user = await database.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", mine.user.id)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: mine.user.email, deleted_at: null });
    expect((await getUserFromCookie(cookie))?.id).toBe(mine.user.id);
    expect(await storedFileExists(mine.docxKey)).toBe(true);
  });

  it("POST /account/delete with the email (any case, spaces around) deletes the account and signs out", async () => {
    const mine = await seedCustomer(database.db, "ivy");
    const cookie = await signIn(mine.user.id);
    const typed = `  ${mine.user.email.toUpperCase()} `;
    const response = await respond(() =>
      deleteAction({ request: request("/account/delete", cookie, form({ email: typed })), params: {}, context } as any),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/?deleted=1");
    expect(response.headers.get("Set-Cookie")).toMatch(/^__session=;.*Expires=Thu, 01 Jan 1970/);

    expect(await getUserFromCookie(cookie)).toBeNull();
    const user = await database.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", mine.user.id)
      .executeTakeFirstOrThrow();
    expect(user.email).toBe(`deleted-${mine.user.id}@deleted.invalid`);
    const audit = await database.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "account.deleted")
      .where("target_id", "=", mine.user.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_user_id: mine.user.id, ip: "127.0.0.1" });
    expect(await storedFileExists(mine.pdfKey)).toBe(false);

    // The old cookie no longer opens the account pages.
    const after = await respond(() =>
      exportLoader({ request: request("/account/export", cookie), params: {}, context } as any),
    );
    expect(after.status).toBe(302);
  });
});
