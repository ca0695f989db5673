// Issue 23, item 2: generated requests to every POST of the public API (/api/v1), over HTTP with a real key: bodies
// mutated from a valid one, invalid and huge JSON, deep nesting, wrong content types, lying lengths, odd ids and odd
// Idempotency-Keys. No answer is a 5xx; every refusal is { error: { code, message } }; a refused request makes no
// order, payment or upload, and no Idempotency-Key is left without its answer.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeStripe } from "../fakes/stripe";
import { txtFile } from "../fixtures/files";
import { type App, rawRequest, signedInCustomer } from "./app";
import { keyFor, UNLIMITED } from "./api-client";
import { routesWithActions } from "./form-actions";
import {
  checkProperty,
  describeRequest,
  type Encoded,
  fieldValue,
  FORM_WORDS,
  FUZZ_RUNS,
  FUZZ_SEED,
  fuzzSettings,
  halfWritten,
  jsonMessage,
  sendWithLyingLength,
} from "./fuzz";
import { startAppWithStripe } from "./money-app";

let app: App;
let stripe: FakeStripe;
let customer: { userId: string; key: string };
const sent = { requests: 0, refused: 0, accepted: 0 };

beforeAll(async () => {
  // The web alone: paid orders wait in the queue instead of being written while the fuzz runs.
  ({ app, stripe } = await startAppWithStripe({ ROLE: "web", ...UNLIMITED }));
  const { userId } = await signedInCustomer(app);
  customer = { userId, key: await keyFor(app, userId) };
}, 90_000);

afterAll(async () => {
  console.info(`fuzz-api: seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs a property, ${JSON.stringify(sent)}`);
  await app?.stop();
  await stripe?.close();
});

const QUOTE = { kind: "bachelor_thesis", pages: 40, express: false };
const ORDER = {
  kind: "term_paper",
  topic: "Cooperative dairies in nineteenth-century Denmark",
  discipline: "Economic history",
  institution: "University of Copenhagen",
  pages: 12,
  language: "en",
  citationStyle: "apa7",
  express: false,
  instructions: "Compare at least two regions.",
  draft: true,
};

/** The API routes whose action is not a POST operation (each answers 405, or 404 for an unknown path). */
const NOT_POSTS = [
  "api.v1.orders.$id.ts",
  "api.v1.orders.$id.files.$format.ts",
  "api.v1.openapi[.]json.ts",
  "api.v1.$.ts",
];
const POSTS = {
  "api.v1.quotes.ts": "/quotes",
  "api.v1.orders.ts": "/orders",
  "api.v1.orders.$id.checkout.ts": "/orders/{id}/checkout",
  "api.v1.orders.$id.dev-payment.ts": "/orders/{id}/dev-payment",
  "api.v1.orders.$id.requirements.ts": "/orders/{id}/requirements",
};

/** Everything a request of the customer could write but the Idempotency-Keys (checked by halfWritten). */
const written = async () => [
  await app.db.selectFrom("documents").selectAll().where("user_id", "=", customer.userId).orderBy("id").execute(),
  await app.db.selectFrom("payments").selectAll().where("user_id", "=", customer.userId).orderBy("id").execute(),
  await app.db.selectFrom("uploads").selectAll().where("user_id", "=", customer.userId).orderBy("id").execute(),
];

/** A new draft order of the customer, for the endpoints that take an order's id. */
async function draftOrder(): Promise<string> {
  const answer = await fetch(new URL("/api/v1/orders", app.url), {
    method: "POST",
    headers: { authorization: `Bearer ${customer.key}`, "content-type": "application/json" },
    body: JSON.stringify(ORDER),
  });
  expect(answer.status).toBe(201);
  return ((await answer.json()) as { order: { id: string } }).order.id;
}

type Sent = { path: string; encoded: Encoded; idempotencyKey?: string; lie?: number };

/** Sends one request with the customer's key; checks its answer and that a refusal wrote nothing. */
async function send({ path, encoded, idempotencyKey, lie }: Sent): Promise<void> {
  const headers: Record<string, string> = { authorization: `Bearer ${customer.key}` };
  if (encoded.contentType !== null) headers["content-type"] = encoded.contentType;
  if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey;
  const before = await written();
  const url = new URL(`/api/v1${path}`, app.url).href;
  let status: number;
  let text: string;
  /** The answer is the server's refusal of bytes past a lying length: the request itself may have been taken. */
  let answerLost = false;
  if (lie === undefined) {
    // node:http, not fetch: a body over its cap is answered 413 before it is all sent, which fetch reports as a failure.
    ({ status, body: text } = await rawRequest(url, { method: "POST", headers, body: encoded.body }));
  } else {
    const raw = await sendWithLyingLength(url, headers, encoded.body, Math.max(0, encoded.body.length + lie));
    if (raw.status === null) {
      expect((await fetch(new URL("/healthz", app.url))).status).toBe(200);
      return;
    }
    status = raw.status;
    // A request Node cannot read never reaches the API's routes: the server's sentence (text/plain) stands for it.
    answerLost = raw.contentType.startsWith("text/plain");
    text = answerLost ? JSON.stringify({ error: { code: "unreadable_request", message: raw.text.trim() } }) : raw.text;
  }
  sent.requests++;
  const shownKey = idempotencyKey === undefined ? "" : `\nIdempotency-Key: ${JSON.stringify(idempotencyKey)}`;
  const what = `${describeRequest("POST", `/api/v1${path}`, encoded, lie === undefined ? "" : ` (Content-Length lies by ${lie})`)}${shownKey}\n→ ${status}`;
  if (status >= 500) throw new Error(`A 5xx answer:\n${what}\n${text.slice(0, 500)}`);
  if (status >= 400) {
    sent.refused++;
    const code = (() => {
      try {
        return String((JSON.parse(text) as { error?: { code?: unknown } }).error?.code ?? "");
      } catch {
        return "";
      }
    })();
    if (!code || jsonMessage(text).length < 10)
      throw new Error(`A refusal without { error: { code, message } }:\n${what}\n${text.slice(0, 500)}`);
    if (!answerLost) expect(await written(), `${what}\nrefused, yet something was written`).toEqual(before);
  } else sent.accepted++;
}

// Values of a JSON body.

const jsonScalar = fc.oneof(
  { weight: 3, arbitrary: fieldValue([...Object.values(ORDER).map(String), ...FORM_WORDS]) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0, -0, -1, 4, 5, 200, 201, 2 ** 31, 2 ** 53 + 2, 1e21, 1e308, -1e308, 5.5, 0.1),
  },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const jsonValue = fc.oneof(
  { weight: 6, arbitrary: jsonScalar },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(jsonScalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), jsonScalar, { maxKeys: 3 }) },
);

type JsonMutation =
  | { op: "set"; field: number; value: unknown }
  | { op: "drop"; field: number }
  | { op: "add"; name: string; value: unknown };

function jsonMutations(valid: Record<string, unknown>) {
  const field = fc.nat({ max: Object.keys(valid).length - 1 });
  const name = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("__proto__", "constructor", "prototype", ""));
  return fc.array(
    fc.oneof(
      { weight: 5, arbitrary: fc.record({ op: fc.constant("set" as const), field, value: jsonValue }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant("drop" as const), field }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant("add" as const), name, value: jsonValue }) },
    ),
    { minLength: 0, maxLength: 4 },
  );
}

function mutateJson(valid: Record<string, unknown>, mutations: JsonMutation[]): Record<string, unknown> {
  const names = Object.keys(valid);
  const body: Record<string, unknown> = { ...valid };
  for (const m of mutations) {
    // defineProperty: a key "__proto__" becomes a real key of the JSON, as a client could send it.
    if (m.op === "add") Object.defineProperty(body, m.name, { value: m.value, enumerable: true, configurable: true });
    else if (m.op === "set") body[names[m.field]!] = m.value;
    else delete body[names[m.field]!];
  }
  return body;
}

/** How the body is sent: as the API wants it, or as a confused or hostile client sends it. */
const SHAPES = [
  "json",
  "json; charset=utf-8",
  "JSON in capitals",
  "not an object",
  "duplicate keys",
  "cut short",
  "trailing junk",
  "byte order mark",
  "deeply nested",
  "huge",
  "text/plain",
  "urlencoded",
  "multipart",
  "no content type",
  "application/jsonp",
] as const;

/** A JSON body's fields as a form's text (an object, even one without a prototype, as its JSON). */
const textFields = (body: Record<string, unknown>): [string, string][] =>
  Object.entries(body).map(([n, v]) => [n, typeof v === "string" ? v : (JSON.stringify(v) ?? "")]);

function shaped(body: Record<string, unknown>, shape: (typeof SHAPES)[number], cut: number, other: unknown): Encoded {
  const json = JSON.stringify(body);
  const as = (contentType: string | null, text: string | Buffer): Encoded => ({
    contentType,
    body: Buffer.isBuffer(text) ? text : Buffer.from(text),
  });
  switch (shape) {
    case "json":
      return as("application/json", json);
    case "json; charset=utf-8":
      return as("application/json; charset=utf-8", json);
    case "JSON in capitals":
      return as("APPLICATION/JSON", json);
    case "not an object":
      return as("application/json", JSON.stringify(other) ?? "null");
    case "duplicate keys": {
      const [first] = Object.keys(body);
      return as(
        "application/json",
        `{${JSON.stringify(first ?? "kind")}:${JSON.stringify(other) ?? "null"},${json.slice(1)}`,
      );
    }
    case "cut short":
      return as("application/json", json.slice(0, Math.floor(json.length * cut)));
    case "trailing junk":
      return as("application/json", `${json}}{"x":`);
    case "byte order mark":
      return as("application/json", `\uFEFF${json}`);
    case "deeply nested": {
      const depth = [100, 5_000, 30_000][Math.floor(cut * 3)] ?? 100;
      return as("application/json", `{"kind":${"[".repeat(depth)}${"]".repeat(depth)},${json.slice(1)}`);
    }
    case "huge":
      return as("application/json", JSON.stringify({ ...body, topic: "x".repeat(cut < 0.5 ? 60_000 : 70_000) }));
    case "text/plain":
      return as("text/plain", json);
    case "urlencoded":
      return as("application/x-www-form-urlencoded", new URLSearchParams(textFields(body)).toString());
    case "multipart": {
      const form = Object.entries(textFields(body))
        .map(([n, v]) => `--fuzz\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`)
        .join("");
      return as("multipart/form-data; boundary=fuzz", `${form}--fuzz--\r\n`);
    }
    case "no content type":
      return as(null, json);
    case "application/jsonp":
      return as("application/jsonp", json);
  }
}

const shape = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<(typeof SHAPES)[number]>("json") },
  { weight: 6, arbitrary: fc.constantFrom(...SHAPES) },
);

/** Keys a client could send: none, a fresh one, one used before for another request, or malformed ones. */
const idempotencyKey = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.uuid().map(String) },
  { weight: 1, arbitrary: fc.constantFrom("fuzz-reused-key", "fuzz-reused-key-2") },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom("", " ", "a b", "k".repeat(255), "k".repeat(256), "é", "\tkey", "key\t", "ключ".normalize()),
      fc.string({ unit: "binary-ascii", maxLength: 20 }).filter((k) => !/[\0-\x08\x0a-\x1f\x7f]/.test(k)),
    ),
  },
);

/** A header value fetch can send: latin-1, no line breaks (anything else is not HTTP at all). */
const sendable = (key: string | undefined) =>
  key === undefined || [...key].every((c) => c.charCodeAt(0) <= 0xff) ? key : encodeURIComponent(key);

const ODD_IDS = [
  "not-a-uuid",
  "00000000-0000-0000-0000-000000000000",
  "0",
  "-1",
  "%00",
  "..",
  "x".repeat(300),
  "7D0C3C1E-5B1A-4C2E-9F3D-2A1B0C9D8E7F",
  "' or 1=1 --",
  "😀",
];

describe("the API's POSTs take generated requests without a 5xx, and a refusal writes nothing", () => {
  it("every API route with an action is a POST fuzzed here, or answers only 405 / 404", () => {
    const routes = routesWithActions().filter((route) => route.startsWith("api.v1."));
    expect(routes.filter((route) => !(route in POSTS) && !NOT_POSTS.includes(route))).toEqual([]);
  });

  for (const [path, valid] of [
    ["/quotes", QUOTE],
    ["/orders", ORDER],
  ] as const) {
    it(`POST /api/v1${path}: mutated JSON in every shape and content type, with odd Idempotency-Keys`, async () => {
      await checkProperty(
        app,
        fc.asyncProperty(
          jsonMutations(valid),
          shape,
          fc.double({ min: 0, max: 0.999, noNaN: true }),
          jsonValue,
          idempotencyKey,
          async (mutations, how, cut, other, key) =>
            send({
              path,
              encoded: shaped(mutateJson(valid, mutations), how, cut, other),
              idempotencyKey: sendable(key),
            }),
        ),
      );
      await checkProperty(
        app,
        fc.asyncProperty(jsonMutations(valid), fc.integer({ min: -30, max: 30 }).filter(Boolean), async (m, lie) =>
          send({ path, encoded: shaped(mutateJson(valid, m), "json", 1, null), lie }),
        ),
        { ...fuzzSettings(), numRuns: Math.max(3, Math.ceil(FUZZ_RUNS / 5)) },
      );
      expect(await halfWritten(app)).toEqual([]);
    }, 600_000);
  }

  for (const endpoint of ["checkout", "dev-payment"]) {
    it(`POST /api/v1/orders/{id}/${endpoint}: odd ids, stray bodies and content types, odd Idempotency-Keys`, async () => {
      let order = await draftOrder();
      await checkProperty(
        app,
        fc.asyncProperty(
          fc.oneof({ weight: 3, arbitrary: fc.constant("") }, { weight: 2, arbitrary: fc.constantFrom(...ODD_IDS) }),
          fc.option(fc.tuple(fc.constantFrom(...SHAPES), jsonValue), { nil: undefined }),
          idempotencyKey,
          async (id, body, key) => {
            const encoded = body
              ? shaped({ note: body[1] }, body[0], 0.5, body[1])
              : { contentType: null, body: Buffer.alloc(0) };
            await send({
              path: `/orders/${encodeURIComponent(id || order)}/${endpoint}`,
              encoded,
              idempotencyKey: sendable(key),
            });
            // Paid: the next runs pay a new draft.
            if (!id && endpoint === "dev-payment") order = await draftOrder();
          },
        ),
      );
      expect(await halfWritten(app)).toEqual([]);
    }, 600_000);
  }

  it("POST /api/v1/orders/{id}/requirements: mutated multipart uploads, odd file names, truncated bodies, wrong types", async () => {
    const order = await draftOrder();
    const file = txtFile();
    const filename = fc.oneof(
      { weight: 3, arbitrary: fc.constant("brief.txt") },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "",
          "brief",
          "../../etc/passwd.txt",
          "a\u0000b.txt",
          "😀.txt",
          "x".repeat(300) + ".txt",
          "brief.pdf",
          "brief.docx",
          "brief.exe",
        ),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => `${s.replace(/["\r\n]/g, "")}.txt`) },
    );
    const content = fc.oneof(
      { weight: 3, arbitrary: fc.constant(file) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          Buffer.alloc(0),
          Buffer.from("%PDF-1.7 not really"),
          Buffer.from("PK\u0003\u0004 not a docx"),
        ),
      },
    );
    const extra = fc.array(
      fc.tuple(fc.constantFrom("file", "note", "file[]", "__proto__", ""), fieldValue(FORM_WORDS)),
      { maxLength: 6 },
    );
    const how = fc.constantFrom(
      "multipart",
      "multipart",
      "multipart",
      "truncated",
      "another boundary",
      "json",
      "no content type",
      "urlencoded",
    );
    await checkProperty(
      app,
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom(...ODD_IDS) }),
        fc.option(filename, { nil: undefined }),
        content,
        extra,
        how,
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        idempotencyKey,
        async (id, name, bytes, fields, shape, cut, key) => {
          const parts = [
            ...(name === undefined
              ? []
              : [
                  Buffer.concat([
                    Buffer.from(
                      `--fuzz\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
                    ),
                    bytes,
                    Buffer.from("\r\n"),
                  ]),
                ]),
            ...fields.map(([n, v]) =>
              Buffer.from(`--fuzz\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`),
            ),
            Buffer.from("--fuzz--\r\n"),
          ];
          const whole = Buffer.concat(parts);
          const encoded: Encoded =
            shape === "multipart"
              ? { contentType: "multipart/form-data; boundary=fuzz", body: whole }
              : shape === "truncated"
                ? {
                    contentType: "multipart/form-data; boundary=fuzz",
                    body: whole.subarray(0, Math.floor(whole.length * cut)),
                  }
                : shape === "another boundary"
                  ? { contentType: "multipart/form-data; boundary=other", body: whole }
                  : shape === "json"
                    ? {
                        contentType: "application/json",
                        body: Buffer.from(JSON.stringify({ file: bytes.toString("base64") })),
                      }
                    : shape === "urlencoded"
                      ? {
                          contentType: "application/x-www-form-urlencoded",
                          body: Buffer.from(`file=${encodeURIComponent(bytes.toString())}`),
                        }
                      : { contentType: null, body: whole };
          await send({
            path: `/orders/${encodeURIComponent(id || order)}/requirements`,
            encoded,
            idempotencyKey: sendable(key),
          });
        },
      ),
    );
    expect(await halfWritten(app)).toEqual([]);
  }, 600_000);
});

// What the fuzz found, kept as plain requests.
describe("regressions found by the fuzz", () => {
  it('a JSON body with a field named "__proto__" is refused 400 invalid_body naming that field, not a 500', async () => {
    for (const path of ["/quotes", "/orders"]) {
      const answer = await fetch(new URL(`/api/v1${path}`, app.url), {
        method: "POST",
        headers: { authorization: `Bearer ${customer.key}`, "content-type": "application/json" },
        body: `{"kind":"essay","pages":5,"__proto__":[]}`,
      });
      expect(answer.status, path).toBe(400);
      const body = (await answer.json()) as { error: { code: string; message: string; fields: object } };
      expect(body.error.code).toBe("invalid_body");
      expect(Object.keys(body.error.fields)).toContain("__proto__");
      expect(body.error.message).toContain("__proto__: is not a field of this request");
    }
  });

  it("an API upload whose text field holds a control character is refused 400 as { error: { code, message } }", async () => {
    const order = await draftOrder();
    const answer = await fetch(new URL(`/api/v1/orders/${order}/requirements`, app.url), {
      method: "POST",
      headers: { authorization: `Bearer ${customer.key}`, "content-type": "multipart/form-data; boundary=fuzz" },
      body: '--fuzz\r\nContent-Disposition: form-data; name="file"\r\n\r\n\u0000\r\n--fuzz--\r\n',
    });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("upload_refused");
    expect(body.error.message).toContain("invisible control character");
  });
});
