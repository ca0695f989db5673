import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeApiKey } from "../../app/models/api-keys.server";
import { priceOf, estimateTime } from "../../app/utils/pricing";
import type { FakeStripe } from "../fakes/stripe";
import { eventually } from "../setup/fixtures";
import { type App, Client, rawRequest, signedInCustomer } from "./app";
import { ApiChecker, callApi, expectApiError, keyFor, UNLIMITED } from "./api-client";
import { payOnStripe, sessionIdOf, startAppWithStripe } from "./money-app";

// Issue 22, items 2 and 4: orders placed, paid and followed by program, with the web's own rules, checkout and upload
// checks; every way of being the wrong caller refused; every answer checked against the OpenAPI document it serves.

let app: App;
let stripe: FakeStripe;
let checker: ApiChecker;

beforeAll(async () => {
  ({ app, stripe } = await startAppWithStripe({
    ROLE: "all",
    ...UNLIMITED,
  }));
  checker = await ApiChecker.load(app);
}, 60_000);

afterAll(async () => {
  if (process.env.DEBUG_API) console.log(app.output().slice(-6000));
  await app?.stop();
  await stripe?.close();
});

const api = (method: string, path: string, options: Parameters<typeof callApi>[4] = {}) =>
  callApi(app, checker, method, path, options);

const ORDER = {
  kind: "essay",
  topic: "Monastic granaries and famine relief in the twelfth century",
  pages: 5,
  language: "en",
  citationStyle: "apa7",
};

async function customerWithKey(scopes?: Parameters<typeof keyFor>[2]) {
  const customer = await signedInCustomer(app);
  return { ...customer, key: await keyFor(app, customer.userId, scopes) };
}

const ordersOf = (userId: string) =>
  app.db.selectFrom("documents").select(["id", "status"]).where("user_id", "=", userId).execute();

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1, served without a key, and describes the bearer key, the error shape and the limits", async () => {
    const result = await new Validator().validate(checker.document as never);
    expect(result).toEqual({ valid: true });
    const document = checker.document as any;
    expect(document.openapi).toBe("3.1.0");
    expect(document.components.securitySchemes.bearerKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.components.schemas.Error.properties.error.required).toEqual(["code", "message"]);
    expect(document.paths["/orders"].post.responses["429"].headers["Retry-After"]).toBeDefined();
    expect(document.paths["/orders"].post.parameters.map((p: any) => p.name)).toContain("Idempotency-Key");
  });
});

describe("the reference at /api/docs", () => {
  it("is our own page (no script from another site) with every operation, its curl example, auth, limits and idempotency, in the reader's language", async () => {
    const page = await new Client(app).get("/api/docs", { accept: "text/html", "accept-language": "it" });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="it"');
    expect(page.text).toContain("Riferimento API");
    for (const [path, methods] of Object.entries(checker.document.paths))
      for (const method of Object.keys(methods)) expect(page.text).toContain(`${method.toUpperCase()}</span>${path}`);
    expect(page.text).toContain("curl -X POST");
    expect(page.text).toContain("Idempotency-Key");
    expect(page.text).toContain("RateLimit-Remaining");
    expect(page.text).toContain("Authorization: Bearer tsg_");
    for (const src of page.text.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) expect(src[1]).toMatch(/^\/build\//);
    expect(page.text).not.toMatch(/<link\b[^>]*href="https?:/);
  });

  it("the documented examples are requests the API takes", async () => {
    const { key } = await customerWithKey();
    const schemas = (checker.document as any).components.schemas;
    expect((await api("POST", "/quotes", { key, body: schemas.QuoteRequest.example })).status).toBe(200);
    expect((await api("POST", "/orders", { key, body: schemas.OrderRequest.example })).status).toBe(201);
  });
});

describe("quotes", () => {
  it("a quote is the order form's price (integer cents) and time estimate; a read-only key may ask", async () => {
    const { key } = await customerWithKey(["orders:read"]);
    const answer = await api("POST", "/quotes", { key, body: { kind: "master_thesis", pages: 40, express: true } });
    expect(answer.status).toBe(200);
    const price = priceOf({ kind: "master_thesis", pages: 40, express: true });
    expect(answer.body.price).toEqual({
      amountCents: price.totalCents,
      currency: "eur",
      perPageCents: price.pricePerPageCents,
      baseCents: price.baseCents,
      expressCents: price.expressCents,
      ownKeyCents: 0, // no own LLM key saved
    });
    expect(answer.body.estimate).toEqual(estimateTime({ kind: "master_thesis", pages: 40, express: true }));
  });

  it("a body that breaks the form's rules is a 400 naming each wrong field; not JSON is 400; another type is 415; a huge body is 413", async () => {
    const { key } = await customerWithKey();
    const wrong = await api("POST", "/quotes", { key, body: { kind: "novel", pages: 2, colour: "red" } });
    expectApiError(wrong, 400, "invalid_body");
    expect(Object.keys(wrong.body.error.fields).sort()).toEqual(["colour", "kind", "pages"]);
    expect(wrong.body.error.fields.pages[0]).toMatch(/5/);
    const control = await api("POST", "/orders", {
      key,
      body: { ...ORDER, topic: "Energy policy\u0000 in Europe today" },
    });
    expectApiError(control, 400, "invalid_body");
    expect(Object.keys(control.body.error.fields)).toEqual(["topic"]);
    expectApiError(
      await api("POST", "/quotes", { key, body: "{not json", headers: { "content-type": "application/json" } }),
      400,
      "invalid_json",
    );
    expectApiError(
      await api("POST", "/quotes", {
        key,
        body: "kind=essay&pages=5",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      415,
      "unsupported_media_type",
    );
    const huge = JSON.stringify({ ...ORDER, topic: "x".repeat(100_000) });
    const refused = await rawRequest(new URL("/api/v1/orders", app.url).href, {
      method: "POST",
      headers: {
        authorization: `Bearer ${key}`,
        "content-type": "application/json",
        "content-length": String(huge.length),
      },
      body: huge,
    });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "body_too_large" } });
    checker.check(
      "POST",
      "/orders",
      refused.status,
      new Headers(refused.headers as Record<string, string>),
      JSON.parse(refused.body),
    );
  });
});

describe("an order by program, from quote to files", () => {
  it("quote → order with a Checkout URL → paid on Stripe's Checkout → progress → delivered → DOCX and PDF", async () => {
    const { key, userId } = await customerWithKey();
    const quote = await api("POST", "/quotes", { key, body: { kind: ORDER.kind, pages: ORDER.pages } });
    const created = await api("POST", "/orders", { key, body: ORDER });
    expect(created.status).toBe(201);
    const { order, checkoutUrl } = created.body;
    expect(created.headers.get("location")).toBe(`/api/v1/orders/${order.id}`);
    expect(order).toMatchObject({ status: "awaiting_payment", topic: ORDER.topic, pages: 5, citationStyle: "apa7" });
    expect(order.price).toEqual({ amountCents: quote.body.price.amountCents, currency: "eur" });
    // The web's checkout made it: one Stripe session for our price, tied to a pending payment of the order.
    const session = stripe.sessions.get(sessionIdOf(checkoutUrl))!;
    expect(session.amount_total ?? session.line_items?.[0]?.price_data?.unit_amount).toBe(quote.body.price.amountCents);
    expect(await payOnStripe(stripe, session.id)).toBe(303);
    const delivered = await eventually(
      "the order to be delivered",
      async () => {
        const answer = await api("GET", `/orders/${order.id}`, { key });
        return answer.body.order.files ? answer.body.order : undefined;
      },
      120_000,
    );
    expect(delivered.status).toMatch(/^completed/);
    expect(delivered.progress.percent).toBe(100);
    expect(delivered.paidAt).not.toBeNull();
    const docx = await api("GET", `/orders/${order.id}/files/docx`, { key });
    expect(docx.status).toBe(200);
    expect((docx.body as Buffer).subarray(0, 2).toString()).toBe("PK");
    const pdf = await api("GET", `/orders/${order.id}/files/pdf`, { key });
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe("%PDF-");
    expect(await ordersOf(userId)).toHaveLength(1);
  }, 180_000);

  it("the development payment pays an order where it is allowed; a paid order cannot be paid or checked out again", async () => {
    const { key } = await customerWithKey();
    const created = await api("POST", "/orders", { key, body: { ...ORDER, pages: 6 } });
    expect(created.body.devPaymentPath).toBe(`/api/v1/orders/${created.body.order.id}/dev-payment`);
    const paid = await api("POST", `/orders/${created.body.order.id}/dev-payment`, { key });
    expect(paid.status).toBe(200);
    expect(["queued", "generating", "completed", "completed_with_warnings"]).toContain(paid.body.order.status);
    expectApiError(await api("POST", `/orders/${created.body.order.id}/dev-payment`, { key }), 409, "not_payable");
    expectApiError(await api("POST", `/orders/${created.body.order.id}/checkout`, { key }), 409, "not_payable");
  });

  it("a draft takes a requirements file (the web's checks), then is placed by /checkout; after that its file is fixed (409)", async () => {
    const { key, userId } = await customerWithKey();
    const draft = await api("POST", "/orders", { key, body: { ...ORDER, draft: true, instructions: "Use sources." } });
    expect(draft.body).toMatchObject({ order: { status: "draft" }, checkoutUrl: null, devPaymentPath: null });
    const id = draft.body.order.id;
    const form = new FormData();
    form.append(
      "file",
      new Blob(["Cite at least five sources on grain storage."], { type: "text/plain" }),
      "brief.txt",
    );
    const uploaded = await api("POST", `/orders/${id}/requirements`, { key, body: form });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.upload).toMatchObject({ filename: "brief.txt", kind: "txt", truncated: false });
    expect(uploaded.body.upload.text).toContain("grain storage");
    const row = await app.db.selectFrom("documents").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ requirements_text: uploaded.body.upload.text, instructions: "Use sources." });
    const fake = new FormData();
    fake.append("file", new Blob(["this is not a PDF at all"]), "brief.pdf");
    expectApiError(await api("POST", `/orders/${id}/requirements`, { key, body: fake }), 400, "upload_refused");
    expectApiError(await api("POST", `/orders/${id}/requirements`, { key, body: new FormData() }), 400, "invalid_body");
    expectApiError(
      await api("POST", `/orders/${id}/requirements`, { key, body: { file: "brief.txt" } }),
      415,
      "unsupported_media_type",
    );
    const tooLarge = await rawRequest(new URL(`/api/v1/orders/${id}/requirements`, app.url).href, {
      method: "POST",
      headers: {
        authorization: `Bearer ${key}`,
        "content-type": "multipart/form-data; boundary=x",
        "content-length": "50000000",
      },
      body: "--x--",
    });
    expect(tooLarge.status).toBe(413);
    expect(
      (await app.db.selectFrom("uploads").select("filename").where("user_id", "=", userId).execute()).map(
        (u) => u.filename,
      ),
    ).toEqual(["brief.txt"]);
    const placed = await api("POST", `/orders/${id}/checkout`, { key });
    expect(placed.status).toBe(200);
    expect(placed.body.order.status).toBe("awaiting_payment");
    expect(sessionIdOf(placed.body.checkoutUrl)).toBeTruthy();
    // Asked again, the open session is answered again: two calls are never two payments.
    expect((await api("POST", `/orders/${id}/checkout`, { key })).body.checkoutUrl).toBe(placed.body.checkoutUrl);
    expectApiError(await api("POST", `/orders/${id}/requirements`, { key, body: form }), 409, "not_a_draft");
  });
});

describe("the wrong caller", () => {
  it("every write endpoint: no key, an invented, a revoked key and a key of a disabled account are 401; a key without the scope is 403", async () => {
    const me = await customerWithKey();
    const draft = (await api("POST", "/orders", { key: me.key, body: { ...ORDER, draft: true } })).body.order.id;
    const readOnly = await keyFor(app, me.userId, ["orders:read"]);
    const writeOnly = await keyFor(app, me.userId, ["orders:write"]);
    const revoked = await keyFor(app, me.userId);
    const [revokedRow] = await app.db
      .selectFrom("api_keys")
      .select("id")
      .where("user_id", "=", me.userId)
      .orderBy("created_at", "desc")
      .limit(1)
      .execute();
    expect(await revokeApiKey(app.db, me.userId, revokedRow!.id)).toBe(true);
    const disabled = await customerWithKey();
    await app.db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", disabled.userId).execute();
    const endpoints: [string, unknown, string][] = [
      ["/quotes", { kind: "essay", pages: 5 }, "orders:read"],
      ["/orders", ORDER, "orders:write"],
      [`/orders/${draft}/requirements`, new FormData(), "orders:write"],
      [`/orders/${draft}/checkout`, undefined, "orders:write"],
      [`/orders/${draft}/dev-payment`, undefined, "orders:write"],
    ];
    for (const [path, body, scope] of endpoints) {
      expectApiError(await api("POST", path, { body }), 401, "missing_key");
      expectApiError(await api("POST", path, { key: `tsg_${"Q".repeat(32)}`, body }), 401, "invalid_key");
      expectApiError(await api("POST", path, { key: revoked, body }), 401, "revoked_key");
      expectApiError(await api("POST", path, { key: disabled.key, body }), 401, "account_disabled");
      const lacking = scope === "orders:read" ? writeOnly : readOnly;
      expectApiError(await api("POST", path, { key: lacking, body }), 403, "insufficient_scope");
    }
    expect((await ordersOf(me.userId)).map((o) => o.status)).toEqual(["draft"]);
    expect(await ordersOf(disabled.userId)).toEqual([]);
  });

  it("another customer's order, an unknown and a malformed id are the same 404 on every order endpoint, and nothing changes", async () => {
    const me = await customerWithKey();
    const stranger = await customerWithKey();
    const theirs = (await api("POST", "/orders", { key: stranger.key, body: { ...ORDER, draft: true } })).body.order.id;
    const form = new FormData();
    form.append("file", new Blob(["Requirements of somebody else"], { type: "text/plain" }), "brief.txt");
    const bodies = new Set<string>();
    for (const id of [theirs, "00000000-0000-4000-8000-000000000000", "not-an-id"]) {
      for (const [path, body] of [
        [`/orders/${id}/requirements`, form],
        [`/orders/${id}/checkout`, undefined],
        [`/orders/${id}/dev-payment`, undefined],
      ] as const) {
        const refused = await api("POST", path, { key: me.key, body });
        expectApiError(refused, 404, "not_found");
        bodies.add(JSON.stringify(refused.body));
      }
    }
    expect(bodies.size).toBe(1);
    const row = await app.db.selectFrom("documents").selectAll().where("id", "=", theirs).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "draft", requirements_text: null });
    expect(await app.db.selectFrom("payments").select("id").where("document_id", "=", theirs).execute()).toEqual([]);
  });
});

describe("methods and paths the API does not have", () => {
  it("a method an endpoint does not take is a JSON 405 naming those it does; an unknown API path is a JSON 404, never a page", async () => {
    const { key, userId } = await customerWithKey();
    const id = "00000000-0000-4000-8000-000000000000";
    const cases: [string, string, number, string | null][] = [
      ["GET", "/quotes", 405, "POST"],
      ["DELETE", "/orders", 405, "GET, POST"],
      ["POST", `/orders/${id}`, 405, "GET"],
      ["PUT", `/orders/${id}/files/pdf`, 405, "GET"],
      ["GET", `/orders/${id}/checkout`, 405, "POST"],
      ["GET", "/no-such-endpoint", 404, null],
      ["POST", "/orders/a/b/c/d", 404, null],
    ];
    for (const [method, path, status, allow] of cases) {
      const answer = await fetch(new URL(`/api/v1${path}`, app.url), {
        method,
        headers: { authorization: `Bearer ${key}` },
      });
      expect(answer.status, `${method} ${path}`).toBe(status);
      expect(answer.headers.get("allow")).toBe(allow);
      const body = (await answer.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(status === 405 ? "method_not_allowed" : "no_such_endpoint");
      expect(body.error.message).toContain("/api/docs");
    }
    // A DELETE or PUT is never taken for the POST that creates orders.
    expect(await ordersOf(userId)).toEqual([]);
  });
});

describe("the origin check and the API", () => {
  it("a cross-site POST with a bearer key reaches the API, a cookie (cross-site or not) never authorizes an API call, and a cookie-authenticated cross-site POST to a page is still refused, bearer header or not", async () => {
    const me = await customerWithKey();
    const evil = "https://evil.example";
    // A program calling from anywhere with its key: the origin check lets it through (no cookie is involved).
    const program = await api("POST", "/orders", { key: me.key, body: ORDER, headers: { origin: evil } });
    expect(program.status).toBe(201);
    // A page of another site riding the customer's cookie, or our own page: a cookie is not an API key.
    for (const origin of [evil, app.url]) {
      const riding = await me.client.fetch("/api/v1/orders", {
        method: "POST",
        body: JSON.stringify(ORDER),
        headers: { origin, "content-type": "application/json" },
      });
      expect(riding.status, origin).toBe(401);
      expect(JSON.parse(riding.text)).toMatchObject({ error: { code: "missing_key" } });
    }
    // A bearer header does not open the origin check for the pages: the cookie's forms stay protected.
    for (const [path, form] of [
      ["/account/api-keys", { intent: "create", name: "Planted", scopes: "orders:write" }],
      ["/orders/new", { kind: "essay", topic: "A topic planted by another site" }],
    ] as const) {
      const planted = await me.client.post(path, form, { origin: evil, authorization: `Bearer ${me.key}` });
      expect(planted.status, path).toBe(403);
    }
    expect(await ordersOf(me.userId)).toHaveLength(1);
    expect(await app.db.selectFrom("api_keys").select("id").where("user_id", "=", me.userId).execute()).toHaveLength(1);
  });
});

describe("the document against the answers (after the tests above)", () => {
  it("every operation it documents was answered here, with a success and with an error, each checked against its schema", async () => {
    const { key } = await customerWithKey();
    await api("GET", "/orders?limit=1", { key });
    expectApiError(await api("GET", "/orders?limit=0", { key }), 400, "invalid_query");
    for (const path of ["/orders/00000000-0000-4000-8000-000000000000", "/orders/not-an-id/files/pdf"])
      expectApiError(await api("GET", path, { key }), 404, "not_found");
    const operations = Object.entries(checker.document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    for (const operation of operations) {
      const statuses = [...checker.checked]
        .filter((c) => c.startsWith(`${operation} `))
        .map((c) => Number(c.split(" ")[2]));
      expect(
        statuses.some((s) => s < 300),
        `${operation}: a success was checked`,
      ).toBe(true);
      expect(
        statuses.some((s) => s >= 400),
        `${operation}: an error was checked`,
      ).toBe(true);
    }
  });
});
