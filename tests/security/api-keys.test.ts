import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "../../app/utils/db.server";
import { storeFile } from "../../app/utils/storage.server";
import { insertDeliveredDocument, insertDocumentInProgress } from "../setup/documents";
import { type App, type Client, signedInCustomer, startApp } from "./app";

// Issue 22, item 1 (and the read side of item 2): API keys made on /account/api-keys, shown once and kept as a hash;
// every way of being the wrong caller gets a 401/403/404 JSON answer with a code and a message.

let app: App;

beforeAll(async () => {
  app = await startApp({ ROLE: "web" });
  useDatabase(app.db);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

/** Creates a key through the account page's form; returns the answer's key (shown once). */
async function createKey(client: Client, name = "Grading portal", scopes = ["orders:read"]) {
  const form = new URLSearchParams({ intent: "create", name });
  for (const scope of scopes) form.append("scopes", scope);
  const answer = await client.post("/account/api-keys", form);
  expect(answer.status).toBe(200);
  const key = /tsg_[A-Za-z0-9_-]+/.exec(answer.text)?.[0];
  expect(key).toBeDefined();
  return key!;
}

const api = (path: string, key?: string, headers: Record<string, string> = {}) =>
  fetch(new URL(path, app.url), { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

async function refusal(path: string, key: string | undefined, status: number, code: string, headers = {}) {
  const answer = await api(path, key, headers);
  expect(answer.status, `${path} with ${key ? key.slice(0, 8) : "no key"}`).toBe(status);
  expect(answer.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await answer.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(20);
  return { headers: answer.headers, body };
}

describe("API keys", () => {
  it("a key is shown once in full (tsg_ and 32 URL-safe characters) and kept only as its SHA-256 and a prefix", async () => {
    const { client, userId } = await signedInCustomer(app);
    const key = await createKey(client);
    expect(key).toMatch(/^tsg_[A-Za-z0-9_-]{32}$/);
    const [row] = await app.db.selectFrom("api_keys").selectAll().where("user_id", "=", userId).execute();
    expect(row!.hash).toBe(createHash("sha256").update(key).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(key);
    expect(key.startsWith(row!.prefix)).toBe(true);
    const page = await client.get("/account/api-keys");
    expect(page.text).toContain(row!.prefix);
    expect(page.text).not.toContain(key);
  });

  it("no key, a malformed header, an invented key and a key of another shape are 401 with a code, never a page", async () => {
    await refusal("/api/v1/orders", undefined, 401, "missing_key");
    await refusal("/api/v1/orders", undefined, 401, "missing_key", { authorization: "Basic dXNlcjpwYXNz" });
    await refusal("/api/v1/orders", `tsg_${"A".repeat(32)}`, 401, "invalid_key");
    await refusal("/api/v1/orders", "sk-live-0123456789", 401, "invalid_key");
    await refusal("/api/v1/orders", `tsg_${"x".repeat(5000)}`, 401, "invalid_key");
    const answer = await refusal("/api/v1/orders", undefined, 401, "missing_key");
    expect(answer.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("a session cookie is not an API key: a signed-in browser gets 401 from the API", async () => {
    const { client } = await signedInCustomer(app);
    await refusal("/api/v1/orders", undefined, 401, "missing_key", { cookie: client.cookieHeader() });
  });

  it("a key without orders:read gets 403 insufficient_scope", async () => {
    const { client } = await signedInCustomer(app);
    const key = await createKey(client, "Writer only", ["orders:write"]);
    await refusal("/api/v1/orders", key, 403, "insufficient_scope");
  });

  it("a revoked key stops at once; another customer cannot revoke my key", async () => {
    const me = await signedInCustomer(app);
    const stranger = await signedInCustomer(app);
    const key = await createKey(me.client);
    const [row] = await app.db.selectFrom("api_keys").select("id").where("user_id", "=", me.userId).execute();
    const theirs = await stranger.client.post("/account/api-keys", { intent: "revoke", keyId: row!.id });
    expect(theirs.status).toBe(404);
    expect((await api("/api/v1/orders", key)).status).toBe(200);
    expect((await me.client.post("/account/api-keys", { intent: "revoke", keyId: row!.id })).status).toBe(200);
    await refusal("/api/v1/orders", key, 401, "revoked_key");
  });

  it("the keys of a disabled or deleted account stop working at once", async () => {
    for (const column of ["disabled_at", "deleted_at"] as const) {
      const { client, userId } = await signedInCustomer(app);
      const key = await createKey(client);
      expect((await api("/api/v1/orders", key)).status).toBe(200);
      await app.db
        .updateTable("users")
        .set({ [column]: new Date() })
        .where("id", "=", userId)
        .execute();
      await refusal("/api/v1/orders", key, 401, "account_disabled");
    }
  });

  it("a name that is missing, too long or carries a control character, and an unknown scope, are refused with a message; nothing is made", async () => {
    const { client, userId } = await signedInCustomer(app);
    const attempts: Record<string, string>[] = [
      { intent: "create", name: "", scopes: "orders:read" },
      { intent: "create", name: "x".repeat(61), scopes: "orders:read" },
      { intent: "create", name: "bad\u0007name", scopes: "orders:read" },
      { intent: "create", name: "Portal", scopes: "admin:all" },
      { intent: "create", name: "Portal" },
      { intent: "delete-everything", name: "Portal" },
    ];
    for (const form of attempts) {
      const answer = await client.post("/account/api-keys", form);
      expect(answer.status, JSON.stringify(form)).toBe(400);
    }
    expect(await app.db.selectFrom("api_keys").select("id").where("user_id", "=", userId).execute()).toEqual([]);
  });
});

describe("many keys at once", () => {
  it("twenty-five creations sent at once make exactly the 20 live keys an account may hold; the rest are refused with a message", async () => {
    const { client, userId } = await signedInCustomer(app);
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        client.post("/account/api-keys", { intent: "create", name: `Key ${i}`, scopes: "orders:read" }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(20);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(5);
    const keys = await app.db.selectFrom("api_keys").select("id").where("user_id", "=", userId).execute();
    expect(keys).toHaveLength(20);
  });
});

describe("reading orders with a key", () => {
  it("lists only the key owner's orders, newest first, a page at a time with an opaque cursor", async () => {
    const me = await signedInCustomer(app);
    const stranger = await signedInCustomer(app);
    const mine = [];
    for (const topic of ["Primo ordine dell'API", "Secondo ordine dell'API", "Terzo ordine dell'API"])
      mine.push((await insertDocumentInProgress(app.db, me.userId, topic)).id);
    const theirs = (await insertDeliveredDocument(app.db, stranger.userId)).id;
    const key = await createKey(me.client);
    const first = (await (await api("/api/v1/orders?limit=2", key)).json()) as {
      orders: { id: string }[];
      nextCursor: string | null;
    };
    expect(first.orders.map((o) => o.id)).toEqual([mine[2], mine[1]]);
    expect(first.nextCursor).toBeTruthy();
    const second = (await (await api(`/api/v1/orders?limit=2&cursor=${first.nextCursor}`, key)).json()) as {
      orders: { id: string }[];
      nextCursor: string | null;
    };
    expect(second.orders.map((o) => o.id)).toEqual([mine[0]]);
    expect(second.nextCursor).toBeNull();
    expect(JSON.stringify([first, second])).not.toContain(theirs);
  });

  it("a bad limit or cursor is 400 with what is wrong", async () => {
    const { client } = await signedInCustomer(app);
    const key = await createKey(client);
    for (const query of ["limit=0", "limit=101", "limit=abc", "cursor=not-a-cursor", `cursor=${"A".repeat(300)}`])
      await refusal(`/api/v1/orders?${query}`, key, 400, "invalid_query");
  });

  it("one order: its state, progress, scores and warnings; another customer's order, an unknown and a malformed id are the same 404", async () => {
    const me = await signedInCustomer(app);
    const stranger = await signedInCustomer(app);
    const mine = await insertDeliveredDocument(app.db, me.userId, "Un ordine letto dall'API");
    const theirs = await insertDeliveredDocument(app.db, stranger.userId);
    const key = await createKey(me.client);
    const answer = await api(`/api/v1/orders/${mine.id}`, key);
    expect(answer.status).toBe(200);
    const { order } = (await answer.json()) as { order: Record<string, unknown> };
    expect(order).toMatchObject({
      id: mine.id,
      status: "completed",
      topic: "Un ordine letto dall'API",
      progress: { percent: 100 },
      scores: { uniqueness: 87.5, grammar: 1.2, ai: null },
      files: { docx: `/api/v1/orders/${mine.id}/files/docx`, pdf: `/api/v1/orders/${mine.id}/files/pdf` },
    });
    const bodies = new Set<string>();
    for (const id of [theirs.id, "00000000-0000-4000-8000-000000000000", "not-an-id", "1%27%20or%201=1"]) {
      const refused = await refusal(`/api/v1/orders/${id}`, key, 404, "not_found");
      bodies.add(JSON.stringify(refused.body));
    }
    expect(bodies.size).toBe(1);
  });

  it("files: the owner downloads the DOCX; another customer's file is 404; an order without files yet is 409", async () => {
    const me = await signedInCustomer(app);
    const stranger = await signedInCustomer(app);
    const mine = await insertDeliveredDocument(app.db, me.userId);
    const docxKey = await storeFile(`documents/${mine.id}`, Buffer.from("PK fake docx bytes"), "docx");
    await app.db.updateTable("documents").set({ docx_key: docxKey }).where("id", "=", mine.id).execute();
    const waiting = await insertDocumentInProgress(app.db, me.userId);
    const theirs = await insertDeliveredDocument(app.db, stranger.userId);
    const key = await createKey(me.client);
    const file = await api(`/api/v1/orders/${mine.id}/files/docx`, key);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toMatch(/wordprocessingml/);
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe("PK fake docx bytes");
    await refusal(`/api/v1/orders/${theirs.id}/files/docx`, key, 404, "not_found");
    await refusal(`/api/v1/orders/${mine.id}/files/exe`, key, 404, "not_found");
    await refusal(`/api/v1/orders/${mine.id}/files/constructor`, key, 404, "not_found");
    await refusal(`/api/v1/orders/${waiting.id}/files/pdf`, key, 409, "not_ready");
  });
});
