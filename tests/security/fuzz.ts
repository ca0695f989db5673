// The fuzz suite's generators and checks (issue 23, item 2): bodies mutated from a valid one with fast-check, sent
// over HTTP in every encoding a client could choose, and what the database must still hold afterwards.
import { connect } from "node:net";
import fc from "fast-check";
import { sql } from "kysely";
import { LOCALES } from "../../app/i18n/locales";
import {
  CITATION_STYLE_CODES,
  DOCUMENT_KIND_CODES,
  LANGUAGE_CODES,
  MAX_PAGES,
  MIN_PAGES,
} from "../../app/utils/catalog";
import type { App } from "./app";

/** Fixed by default, so CI runs the same requests every time; `FUZZ_SEED=… FUZZ_RUNS=…` for longer local runs. */
export const FUZZ_SEED = whole("FUZZ_SEED", 20261207);
/** Runs of each property (each run is one request). */
export const FUZZ_RUNS = whole("FUZZ_RUNS", 25);

function whole(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  if (!/^-?\d{1,10}$/.test(value)) throw new Error(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

/** fast-check's settings for every property of the suite. */
export const fuzzSettings = () => ({ seed: FUZZ_SEED, numRuns: FUZZ_RUNS });

/**
 * Runs a property; a failure throws the shrunk request as the run described it (the generated values themselves may
 * hold 100 kB strings), with the seed and path that replay it.
 */
export async function checkProperty<T>(
  app: App,
  property: fc.IAsyncProperty<T>,
  settings: fc.Parameters<T> = fuzzSettings(),
): Promise<void> {
  const details = await fc.check(property, settings);
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `Failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s) ` +
      `(seed ${details.seed}, path "${details.counterexamplePath}"):\n${cause}\n` +
      `The app's last words:\n${app.output().slice(-3000)}`,
  );
}

// Values.

/** The lengths around every limit of app/utils/schemas.ts (and the API's, which reuse them). */
const LENGTHS = [
  0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 119, 120, 121, 159, 160, 161, 199, 200, 201, 253, 254, 255, 256, 299, 300, 301, 499,
  500, 501, 999, 1000, 1001, 1999, 2000, 2001, 4999, 5000, 5001,
];

const CONTROLS = [
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)),
  "\u007f",
  "\u0085",
  "\u009b",
  "\u009f",
];

/** Numbers as a form or a query string carries them: text. */
const NUMBER_TEXTS = [
  "0",
  "-0",
  "-1",
  "1.5",
  "5",
  "4",
  "200",
  "201",
  "2147483647",
  "2147483648",
  "-2147483649",
  "9007199254740993",
  "99999999999999999999999",
  "1e21",
  "1e309",
  "-1e309",
  "NaN",
  "Infinity",
  "-Infinity",
  "0x1F",
  "1_000",
  " 12 ",
  "12abc",
  "١٢",
  "１２",
];

const ODD_TEXTS = [
  "",
  " ",
  "   \t  ",
  "null",
  "undefined",
  "true",
  "false",
  "[]",
  "{}",
  "[object Object]",
  "__proto__",
  "constructor",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "'; drop table documents; --",
  "${7*7}{{7*7}}",
  "../../../../etc/passwd",
  "%00",
  "%",
  "\\",
  "\uD800",
  "\uDFFF",
  "\uFEFF",
  "\u200B\u2028\u2029",
  "e\u0301\u0301\u0301",
  "👩‍👩‍👧‍👦",
  "00000000-0000-0000-0000-000000000000",
  "7d0c3c1e-5b1a-4c2e-9f3d-2a1b0c9d8e7f",
  "//evil.example",
  "javascript:alert(1)",
];

/** Every `intent` (and checkbox value) some form of the app sends: a valid word, often to the wrong action. */
export const FORM_WORDS = [
  "buy",
  "card",
  "checkout",
  "confirm",
  "continue",
  "create",
  "delete",
  "dev",
  "disable",
  "discard",
  "edit",
  "enable",
  "force_closed",
  "force_open",
  "keep",
  "on",
  "premium",
  "refund",
  "regenerate",
  "remove",
  "resend",
  "resend-email",
  "reset",
  "restore",
  "retry",
  "revoke",
  "save",
  "standard",
  "upload",
];

/** A string of one of the limits' lengths, of a letter that is 1, 2, 3 or 4 bytes in UTF-8, or of spaces. */
const atALimit = fc
  .tuple(fc.constantFrom(...LENGTHS), fc.constantFrom("a", "é", "€", "😀", " ", "Ab1 "))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** Text well over every field's limit, and about the size of the body caps. */
const huge = fc.constantFrom(20_000, 60 * 1024, 100_000, 100_001).map((length) => "x".repeat(length));

const withControl = fc
  .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...CONTROLS), fc.string({ maxLength: 8 }))
  .map(([a, control, b]) => `${a}${control}${b}`);

const numberText = fc.oneof(
  fc.constantFrom(...NUMBER_TEXTS),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
);

/** A value for a field: `known` are the valid values of the action's own fields (a valid value in the wrong place). */
export function fieldValue(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
    { weight: 3, arbitrary: atALimit },
    { weight: 1, arbitrary: huge },
    { weight: 3, arbitrary: numberText },
    { weight: 2, arbitrary: withControl },
    { weight: 3, arbitrary: fc.constantFrom(...ODD_TEXTS) },
    { weight: 2, arbitrary: fc.constantFrom(...FORM_WORDS) },
    { weight: 2, arbitrary: known.length ? fc.constantFrom(...known) : fc.constant("") },
    { weight: 1, arbitrary: fc.uuid().map(String) },
  );
}

/** A field name no form has, or a known one written as an array or an object would be. */
function strangeName(names: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom("__proto__", "constructor", "prototype", "_data", "_action", "index", "redirectTo", "", "a[b]"),
    fc
      .tuple(
        fc.constantFrom(...(names.length ? names : ["x"])),
        fc.constantFrom("[]", "[0]", "[a]", ".x", "[__proto__]"),
      )
      .map(([name, suffix]) => name + suffix),
  );
}

// Bodies.

/** A form as sent: its fields in order, names repeated where a client repeats them. */
export type Pairs = [string, string][];

export type Mutation =
  | { op: "set"; field: number; value: string }
  | { op: "drop"; field: number }
  | { op: "repeat"; field: number; value: string }
  | { op: "nest"; field: number; key: string; value: string }
  | { op: "add"; name: string; value: string };

function mutation(valid: Record<string, string>): fc.Arbitrary<Mutation> {
  const names = Object.keys(valid);
  const value = fieldValue(Object.values(valid));
  const field = fc.nat({ max: Math.max(names.length - 1, 0) });
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant("set" as const), field, value }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("drop" as const), field }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("repeat" as const), field, value }) },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant("nest" as const), field, key: fc.string({ maxLength: 6 }), value }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("add" as const), name: strangeName(names), value }) },
  );
}

function applyMutation(pairs: Pairs, names: string[], m: Mutation): Pairs {
  if (m.op === "add") return [...pairs, [m.name, m.value]];
  const name = names[m.field];
  if (name === undefined) return pairs;
  switch (m.op) {
    case "set":
      return pairs.some(([n]) => n === name)
        ? pairs.map(([n, v]) => [n, n === name ? m.value : v])
        : [...pairs, [name, m.value]];
    case "drop":
      return pairs.filter(([n]) => n !== name);
    case "repeat":
      return [...pairs, [name, m.value]];
    case "nest":
      return pairs.map(([n, v]) => (n === name ? [`${n}[${m.key}]`, m.value] : [n, v]));
  }
}

/** One to four mutations of a valid body (applied when sent: the valid body may change from one customer to the next). */
export function formMutations(valid: Record<string, string>): fc.Arbitrary<Mutation[]> {
  return fc.array(mutation(valid), { minLength: 1, maxLength: 4 });
}

/** The valid body with `mutations` applied. */
export function mutate(valid: Record<string, string>, mutations: Mutation[]): Pairs {
  const names = Object.keys(valid);
  return mutations.reduce<Pairs>((pairs, m) => applyMutation(pairs, names, m), Object.entries(valid));
}

const BOUNDARY = "----tesigo-fuzz-7MA4YWxkTrZu0gW";

/** A file a multipart body carries, beside the form's text fields. */
export type FilePart = { name: string; filename: string; bytes: Uint8Array };

function multipartOf(pairs: Pairs, files: FilePart[] = []): Buffer {
  const parts = pairs.map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const fileParts = files.flatMap((file) => [
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\n` +
        "Content-Type: application/octet-stream\r\n\r\n",
    ),
    Buffer.from(file.bytes),
    Buffer.from("\r\n"),
  ]);
  return Buffer.concat([Buffer.from(parts.join("")), ...fileParts, Buffer.from(`--${BOUNDARY}--\r\n`)]);
}

/** File names an upload may carry: ordinary, of each kind the forms read, and hostile. */
export const FILE_NAMES = [
  "brief.txt",
  "brief.pdf",
  "brief.docx",
  "refs.bib",
  "refs.ris",
  "refs.json",
  "",
  "noextension",
  "../../etc/passwd.txt",
  "😀.bib",
  `${"x".repeat(300)}.txt`,
];

/** What a file holds: random bytes, or text that looks like the formats the forms read (BibTeX, RIS, CSL-JSON, PDF). */
export const fileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc
    .tuple(
      fc.constantFrom(
        "@article{",
        "TY  - JOUR\nTI  - ",
        '[{"id":',
        "%PDF-1.7\n",
        "PK\u0003\u0004",
        "@book{x,\n title={",
      ),
      fc.string({ unit: "binary", maxLength: 200 }),
    )
    .map(([head, tail]) => new TextEncoder().encode(head + tail)),
);

/** How a body is sent: as a form should be, or as a confused or hostile client sends it. */
export const ENCODINGS = [
  "urlencoded",
  "multipart",
  "json",
  "text/plain",
  "no content type",
  "truncated multipart",
  "multipart with another boundary",
  "multipart labelled urlencoded",
  "urlencoded labelled multipart",
  "urlencoded in latin-1",
  "random bytes labelled urlencoded",
] as const;
export type Encoding = (typeof ENCODINGS)[number];

export type Encoded = { contentType: string | null; body: Buffer };

/**
 * `pairs` in `encoding`; `cut` (0–1) says where a truncated body ends, `noise` are the random bytes, `files` go with a
 * multipart body.
 */
export function encode(
  pairs: Pairs,
  encoding: Encoding,
  cut = 0.5,
  noise: Uint8Array = new Uint8Array(),
  files: FilePart[] = [],
): Encoded {
  const urlencoded = Buffer.from(new URLSearchParams(pairs).toString());
  const multipart = `multipart/form-data; boundary=${BOUNDARY}`;
  switch (encoding) {
    case "urlencoded":
      return { contentType: "application/x-www-form-urlencoded", body: urlencoded };
    case "multipart":
      return { contentType: multipart, body: multipartOf(pairs, files) };
    case "json":
      return { contentType: "application/json", body: Buffer.from(JSON.stringify(Object.fromEntries(pairs))) };
    case "text/plain":
      return { contentType: "text/plain", body: Buffer.from(pairs.map(([n, v]) => `${n}=${v}`).join("\r\n")) };
    case "no content type":
      return { contentType: null, body: urlencoded };
    case "truncated multipart": {
      const whole = multipartOf(pairs, files);
      return { contentType: multipart, body: whole.subarray(0, Math.floor(whole.length * cut)) };
    }
    case "multipart with another boundary":
      return { contentType: "multipart/form-data; boundary=not-the-one-used", body: multipartOf(pairs) };
    case "multipart labelled urlencoded":
      return { contentType: "application/x-www-form-urlencoded", body: multipartOf(pairs) };
    case "urlencoded labelled multipart":
      return { contentType: multipart, body: urlencoded };
    case "urlencoded in latin-1":
      return {
        contentType: "application/x-www-form-urlencoded; charset=latin1",
        body: Buffer.from(pairs.map(([n, v]) => `${n}=${v}`).join("&"), "latin1"),
      };
    case "random bytes labelled urlencoded":
      return { contentType: "application/x-www-form-urlencoded", body: Buffer.from(noise) };
  }
}

/** What a failing run prints: enough to send the request again by hand. */
export function describeRequest(method: string, path: string, sent: Encoded, extra = ""): string {
  const body = sent.body.toString("utf8");
  const shown = body.length > 600 ? `${body.slice(0, 600)}… (${body.length} characters)` : body;
  return `${method} ${path}${extra}\nContent-Type: ${sent.contentType ?? "(none)"}\n${JSON.stringify(shown)}`;
}

// A body whose Content-Length lies.

/** An answer read off a bare socket: status (null when the server closed without one), its type and its body. */
export type RawAnswer = { status: number | null; contentType: string; text: string };

/** The first answer in what a socket received: headers, then its body (chunked or not). */
function firstAnswer(received: string): RawAnswer {
  const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
  if (!status) return { status: null, contentType: "", text: "" };
  const end = received.indexOf("\r\n\r\n");
  const head = end === -1 ? received : received.slice(0, end);
  let rest = end === -1 ? "" : received.slice(end + 4);
  const contentType = /^content-type:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? "";
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    let text = "";
    for (;;) {
      const line = rest.indexOf("\r\n");
      const size = line === -1 ? 0 : parseInt(rest.slice(0, line), 16);
      if (!size) break;
      text += rest.slice(line + 2, line + 2 + size);
      rest = rest.slice(line + 2 + size + 2);
    }
    return { status: Number(status), contentType, text };
  }
  const length = /^content-length:\s*(\d+)/im.exec(head)?.[1];
  return { status: Number(status), contentType, text: length ? rest.slice(0, Number(length)) : rest };
}

/**
 * Sends `body` over a bare socket, declaring `declared` bytes, then closes the writing side: a shorter declaration
 * leaves bytes that read as a second request, a longer one a body that ends early.
 */
export function sendWithLyingLength(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  declared: number,
): Promise<RawAnswer> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname === "localhost" ? "127.0.0.1" : hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined);
    // A server that neither answers nor closes would hold the test until vitest's limit: it counts as no answer.
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on("close", () => resolve(firstAnswer(Buffer.concat(chunks).toString("utf8"))));
    const head = [
      `POST ${pathname}${search} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      `Content-Length: ${declared}`,
      "Connection: close",
      "",
      "",
    ].join("\r\n");
    socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
    socket.end();
  });
}

// Answers.

/** The message of a JSON refusal: `{ error: "…" }` (forms) or `{ error: { code, message } }` (the API). */
export function jsonMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === "string") return body.error;
    if (body.error && typeof body.error === "object")
      return String((body.error as { message?: unknown }).message ?? "");
  } catch {
    return ""; // not JSON: no message
  }
  return "";
}

// The database afterwards.

/**
 * Rows no accepted request could leave: an order outside the catalog or its limits, a payment of nothing, an API
 * request still "in progress" after its answer, an account's text over its limit. Each entry names its table.
 */
export async function halfWritten(app: App): Promise<string[]> {
  const found: string[] = [];
  const inList = (values: readonly string[]) =>
    sql.join(
      values.map((v) => sql.lit(v)),
      sql`, `,
    );
  const documents = await sql<{ id: string; status: string }>`
    select id, status from documents
    -- A deleted account's orders are erased on purpose (account-deletion.server.ts): no order's rules apply to them.
    where user_id not in (select id from users where deleted_at is not null) and (char_length(topic) not between 10 and 300 or pages not between ${MIN_PAGES} and ${MAX_PAGES}
      or kind not in (${inList(DOCUMENT_KIND_CODES)}) or language not in (${inList(LANGUAGE_CODES)})
      or citation_style not in (${inList(CITATION_STYLE_CODES)}) or price_cents <= 0
      or char_length(coalesce(discipline, '')) > 120 or char_length(coalesce(institution, '')) > 160
      or char_length(coalesce(instructions, '')) > 5000)`.execute(app.db);
  found.push(...documents.rows.map((r) => `documents ${r.id} (${r.status}) breaks the order's rules`));
  const payments = await sql<{ id: string }>`
    select id from payments where amount_cents <= 0 or refunded_cents < 0 or refunded_cents > amount_cents`.execute(
    app.db,
  );
  found.push(...payments.rows.map((r) => `payments ${r.id} has an impossible amount`));
  const pending = await sql<{ id: string; request: string }>`
    select id, request from idempotency_keys where status <> 'done' or response_status is null`.execute(app.db);
  found.push(...pending.rows.map((r) => `idempotency_keys ${r.id} (${r.request}) was left without its answer`));
  const users = await sql<{ id: string }>`
    select id from users where char_length(coalesce(name, '')) > 120
      or (locale is not null and locale not in (${inList(LOCALES)}))`.execute(app.db);
  found.push(...users.rows.map((r) => `users ${r.id} holds a name or language no form accepts`));
  const keys = await sql<{ id: string }>`
    select id from api_keys where btrim(name) = '' or cardinality(scopes) = 0`.execute(app.db);
  found.push(...keys.rows.map((r) => `api_keys ${r.id} has no name or no scope`));
  const endpoints = await sql<{ id: string }>`
    select id from webhook_endpoints where cardinality(events) = 0 or url !~ '^https?://'`.execute(app.db);
  found.push(...endpoints.rows.map((r) => `webhook_endpoints ${r.id} has no events or no web address`));
  return found;
}
