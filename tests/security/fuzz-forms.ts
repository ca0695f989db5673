// Fuzzing one form action over HTTP (issue 23, item 2): generated bodies in every encoding, and bodies whose
// Content-Length lies, each sent with the customer's session and our Origin so that it reaches the action. Every
// answer is below 500; a refusal says why; a refusal leaves what the action writes as it was.
import fc from "fast-check";
import { expect } from "vitest";
import { type App, rawRequest, type Reply } from "./app";
import { type FormAction, formContext, messageOf } from "./form-actions";
import {
  checkProperty,
  describeRequest,
  type Encoded,
  encode,
  ENCODINGS,
  FILE_NAMES,
  fileBytes,
  type Encoding,
  formMutations,
  fuzzSettings,
  FUZZ_RUNS,
  halfWritten,
  jsonMessage,
  mutate,
  type Mutation,
  sendWithLyingLength,
} from "./fuzz";

/** Requests sent by this file's properties, for the figures a run prints. */
export const sent = { requests: 0, refused: 0, accepted: 0 };

/** The message a person reads on a refusal: beside the field, on the refusal page, or in `{ error }`. */
export function refusalMessage(reply: Pick<Reply, "status" | "headers" | "text">): string {
  if (reply.headers.get("content-type")?.startsWith("application/json")) return jsonMessage(reply.text);
  if (reply.headers.get("content-type")?.startsWith("text/plain")) return reply.text.trim();
  const beside = messageOf(reply as Reply);
  if (beside) return beside;
  // A refusal page made before the app (413, a cross-site form): a page of its own, without the app's scripts.
  if (!/<script\b/.test(reply.text)) return text(/<body\b[^>]*>([\s\S]*?)<\/body>/.exec(reply.text)?.[1] ?? "");
  // The error page of an address that does not exist says so; any other 4xx without { error } is a vague page.
  if (reply.status === 404) return text(/<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(reply.text)?.[1] ?? "");
  return "";
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/**
 * What a refusal must leave as it was. A wrong sign-in code that is well formed is refused and counted on purpose
 * (the allowance of wrong codes per address): its counter is left out.
 */
function keptByRefusal(action: FormAction, written: unknown): unknown {
  if (action.route !== "login.tsx") return written;
  const [limits, ...rest] = written as [{ key: string }[], ...unknown[]];
  return [limits.filter((row) => !row.key.startsWith("signin:wrong:")), ...rest];
}

/** The form actions each test file fuzzes (two files, so that vitest runs them side by side). */
export const FORM_GROUPS = {
  orders: /^(orders|documents|login|welcome|language)[._]/,
  account: /^(account|admin|logout)[._]/,
};

/** Encodings as often as a client would get them wrong: the form's own most often (multipart for an upload form). */
const encodingOf = (action: FormAction) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant<Encoding>(action.files ? "multipart" : "urlencoded") },
    { weight: 4, arbitrary: fc.constantFrom<Encoding>(...ENCODINGS) },
  );

/** `adjust` changes the valid body where this app needs it (e.g. an address of a local fake). */
export async function fuzzFormAction(
  app: App,
  action: FormAction,
  adjust: (valid: Record<string, string>) => Record<string, string> = (valid) => valid,
): Promise<void> {
  const contextFor = async () => {
    const context = await formContext(app, action);
    return { ...context, valid: adjust(context.valid) };
  };
  let context = await contextFor();
  let stale = false;

  /** Sends one body; checks the answer and, for a refusal, that nothing was written. */
  const post = async (encoded: (valid: Record<string, string>) => Encoded, lie?: number) => {
    if (stale) {
      context = await contextFor();
      stale = false;
    }
    const { ctx, valid } = context;
    const body = encoded(valid);
    const lying = lie === undefined ? undefined : Math.max(0, body.body.length + lie);
    const path = action.path(ctx);
    const before = await action.written(ctx);
    const headers: Record<string, string> = { accept: "text/html", cookie: ctx.client.cookieHeader(), origin: app.url };
    if (body.contentType) headers["content-type"] = body.contentType;
    let reply: Pick<Reply, "status" | "headers" | "text">;
    if (lying === undefined) {
      // node:http, not fetch: a body over its cap is answered 413 before it is all sent, which fetch reports as a failure.
      const raw = await rawRequest(new URL(path, app.url).href, { method: "POST", headers, body: body.body });
      const type = raw.headers["content-type"];
      reply = { status: raw.status, headers: new Headers({ "content-type": String(type ?? "") }), text: raw.body };
    } else {
      const raw = await sendWithLyingLength(new URL(path, app.url).href, headers, body.body, lying);
      // No answer at all (the server dropped a body that ended early) is no 5xx; the app must still be up.
      if (raw.status === null) {
        expect((await fetch(new URL("/healthz", app.url))).status).toBe(200);
        return;
      }
      reply = { status: raw.status, headers: new Headers({ "content-type": raw.contentType }), text: raw.text };
      // The server's refusal of the bytes past the declared length: the answer to the request itself was dropped with
      // the connection, and the request may have been taken (what it wrote is checked with the database afterwards).
      if (raw.contentType.startsWith("text/plain")) stale = true;
    }
    sent.requests++;
    const what = `${describeRequest("POST", path, body, lying === undefined ? "" : ` (Content-Length: ${lying})`)}\n→ ${reply.status}`;
    if (reply.status >= 500) throw new Error(`A 5xx answer:\n${what}\n${reply.text.slice(0, 500)}`);
    if (reply.status >= 400) {
      sent.refused++;
      if (!refusalMessage(reply)) throw new Error(`A refusal without a message:\n${what}\n${reply.text.slice(0, 500)}`);
      if (!stale)
        expect(keptByRefusal(action, await action.written(ctx)), `${what}\nrefused, yet something was written`).toEqual(
          keptByRefusal(action, before),
        );
    } else {
      // Accepted: what it wrote is checked with the whole database after the property; the next run starts afresh.
      sent.accepted++;
      stale = true;
    }
  };

  const known = context.valid;
  await checkProperty(
    app,
    fc.asyncProperty(
      formMutations(known),
      encodingOf(action),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.uint8Array({ maxLength: 200 }),
      // The upload forms' files: one for each file field, or none.
      fc.option(fc.tuple(fc.constantFrom(...FILE_NAMES), fileBytes), { nil: undefined }),
      async (mutations: Mutation[], how, cut, noise, file) => {
        const files = file ? (action.files ?? []).map((name) => ({ name, filename: file[0], bytes: file[1] })) : [];
        await post((valid) => encode(mutate(valid, mutations), how, cut, noise, files));
      },
    ),
    fuzzSettings(),
  );

  // Bodies whose declared length is shorter or longer than what follows (a few: each one costs a connection).
  await checkProperty(
    app,
    fc.asyncProperty(
      formMutations(known),
      fc.integer({ min: -40, max: 40 }).filter((delta) => delta !== 0),
      async (mutations, lie) => post((valid) => encode(mutate(valid, mutations), "urlencoded"), lie),
    ),
    { ...fuzzSettings(), numRuns: Math.max(3, Math.ceil(FUZZ_RUNS / 5)) },
  );

  expect(await halfWritten(app), `${action.route}: rows no request may leave`).toEqual([]);
}
