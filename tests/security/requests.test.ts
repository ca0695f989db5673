// Attacks on what a request may carry (issue 16, items 10 and 16): bodies too large to buffer, and control characters
// in the text of every form. Everything goes over HTTP to the running app.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import validationTexts from "../../app/locales/en/validation.json";

/** What a reader of the English site sees beside a field holding a control character. */
const CONTROL_CHARACTER_MESSAGE = validationTexts.controlCharacter;
import { txtFile } from "../fixtures/files";
import { type App, signedInCustomer, startApp } from "./app";
import { orderAfterTopic } from "./money-app";
import { fieldNames, formActions, formContext, messageOf, NOT_FORMS, routesWithActions } from "./form-actions";

let app: App;
beforeAll(async () => {
  app = await startApp({ STRIPE_SECRET_KEY: "sk_test_requests", STRIPE_WEBHOOK_SECRET: "whsec_requests" });
});
afterAll(() => app?.stop());

const FORM_ACTIONS = formActions(() => app);

const MB = 1024 * 1024;

/**
 * POSTs `head`, then `bodyBytes` bytes in 64 kB chunks, then `tail`, through node:http (no Content-Length unless
 * `headers` declare one: chunked). `sentWhenAnswered` is how much of it had been handed to the socket when the answer
 * began: less than all of it means the server answered without waiting for the rest.
 */
function postInChunks(
  url: string,
  headers: Record<string, string>,
  body: { head?: Buffer; bytes: number; tail?: Buffer },
): Promise<{ status: number; text: string; sentWhenAnswered: number; total: number }> {
  const head = body.head ?? Buffer.alloc(0);
  const tail = body.tail ?? Buffer.alloc(0);
  const total = head.length + body.bytes + tail.length;
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers, agent: false }, (res) => {
      const sentWhenAnswered = sent;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, text, sentWhenAnswered, total }));
    });
    // The server may stop reading (and, much later, close) once it has answered: that is the point.
    req.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error),
    );
    void (async () => {
      const write = async (piece: Buffer) => {
        if (req.destroyed) return;
        const flushed = req.write(piece);
        sent += piece.length;
        if (!flushed) await new Promise((r) => (req.once("drain", r), req.once("close", r)));
      };
      await write(head);
      for (let left = body.bytes; left > 0 && !req.destroyed; left -= chunk.length)
        await write(chunk.subarray(0, Math.min(left, chunk.length)));
      await write(tail);
      if (!req.destroyed) req.end();
    })();
  });
}

function countRows(table: "documents" | "uploads", userId: string) {
  return app.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

function multipart(parts: [string, string | { filename: string; bytes: Buffer }][]): {
  body: Buffer;
  contentType: string;
} {
  const boundary = "----tesigo-requests-test";
  const pieces: Buffer[] = [];
  for (const [name, value] of parts) {
    if (typeof value === "string") {
      pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    } else {
      pieces.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        value.bytes,
        Buffer.from("\r\n"),
      );
    }
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe("request bodies are capped before they are buffered (item 10)", () => {
  it("a 20 MB POST to Stripe's webhook is answered 413 with { error } long before its end, declared or chunked", async () => {
    for (const declared of [true, false]) {
      const reply = await postInChunks(
        `${app.url}/api/stripe/webhook`,
        {
          "content-type": "application/json",
          "stripe-signature": "t=1,v1=00",
          ...(declared ? { "content-length": String(20 * MB) } : { "transfer-encoding": "chunked" }),
        },
        { bytes: 20 * MB },
      );
      expect(reply.status, declared ? "with Content-Length" : "chunked").toBe(413);
      expect(JSON.parse(reply.text).error).toMatch(/larger than .*64 kB/);
      // The answer came while most of the body was still to be sent: it was never read, let alone held in memory.
      expect(reply.sentWhenAnswered).toBeLessThan(reply.total);
    }
  });

  it("a form of more than 64 kB is answered 413 with a page a person can read, and nothing is written", async () => {
    const { client, userId } = await signedInCustomer(app);
    const before = await countRows("documents", userId);
    const topic = "x".repeat(70 * 1024);
    const declared = await client.post("/orders/new", { kind: "essay", topic }, { accept: "text/html" });
    expect(declared.status).toBe(413);
    expect(declared.headers.get("content-type")).toMatch(/text\/html/);
    expect(declared.text).toMatch(/larger than .*64 kB/);

    const chunked = await postInChunks(
      `${app.url}/orders/new`,
      {
        "content-type": "application/x-www-form-urlencoded",
        "transfer-encoding": "chunked",
        cookie: client.cookieHeader(),
        origin: app.url,
        accept: "application/json",
      },
      { head: Buffer.from("kind=essay&topic="), bytes: 20 * MB },
    );
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text).error).toMatch(/larger than .*64 kB/);
    expect(chunked.sentWhenAnswered).toBeLessThan(chunked.total);
    expect(await countRows("documents", userId)).toBe(before);
  });

  it("an upload of more than 11 MB is answered 413 before it is read, and nothing is stored; 10 MB still go through", async () => {
    const { client, userId } = await signedInCustomer(app);
    const id = await orderAfterTopic(client);
    const boundary = "----tesigo-huge";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.txt"\r\nContent-Type: text/plain\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    // 32 MB: more than the cap plus all that the sockets' buffers could take in without the server reading.
    const fileBytes = 32 * MB;
    for (const declared of [true, false]) {
      const reply = await postInChunks(
        `${app.url}/orders/${id}/requirements`,
        {
          "content-type": `multipart/form-data; boundary=${boundary}`,
          cookie: client.cookieHeader(),
          origin: app.url,
          accept: "text/html",
          ...(declared
            ? { "content-length": String(head.length + fileBytes + tail.length) }
            : { "transfer-encoding": "chunked" }),
        },
        { head, bytes: fileBytes, tail },
      );
      expect(reply.status, declared ? "with Content-Length" : "chunked").toBe(413);
      expect(reply.text).toMatch(/larger than (the )?10 MB/);
      expect(reply.sentWhenAnswered).toBeLessThan(reply.total);
    }
    expect(await countRows("uploads", userId)).toBe(0);

    // The largest file the form accepts, 10 MB of text, still fits the upload's cap.
    const largest = multipart([
      [
        "file",
        { filename: "brief.txt", bytes: Buffer.concat([txtFile(), Buffer.alloc(10 * MB - txtFile().length, "b")]) },
      ],
    ]);
    const accepted = await client.fetch(`/orders/${id}/requirements`, {
      method: "POST",
      body: new Uint8Array(largest.body),
      headers: { "content-type": largest.contentType },
    });
    expect(accepted.status).toBe(302);
    expect(await countRows("uploads", userId)).toBe(1);

    // Remix' own client posts the form to …/requirements.data: the same cap applies there.
    const again = multipart([
      [
        "file",
        { filename: "brief-v2.txt", bytes: Buffer.concat([txtFile(), Buffer.alloc(10 * MB - txtFile().length, "c")]) },
      ],
    ]);
    const viaClient = await client.fetch(`/orders/${id}/requirements.data`, {
      method: "POST",
      body: new Uint8Array(again.body),
      headers: { "content-type": again.contentType },
    });
    expect(viaClient.status).toBeLessThan(400);
    expect(await app.db.selectFrom("uploads").select("filename").where("user_id", "=", userId).execute()).toEqual([
      { filename: "brief-v2.txt" },
    ]);
  });

  it("a multipart upload with more parts than the form has is refused with a message, and nothing is stored", async () => {
    const { client, userId } = await signedInCustomer(app);
    const id = await orderAfterTopic(client);
    const parts: [string, string | { filename: string; bytes: Buffer }][] = [
      ["file", { filename: "brief.txt", bytes: txtFile() }],
    ];
    for (let i = 0; i < 2000; i++) parts.push([`p${i}`, "x"]);
    const many = multipart(parts);
    const reply = await client.fetch(`/orders/${id}/requirements`, {
      method: "POST",
      body: new Uint8Array(many.body),
      headers: { "content-type": many.contentType, accept: "text/html" },
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("more parts than the upload form sends");
    expect(await countRows("uploads", userId)).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Item 16: every text field of every form action, over HTTP, with a NUL and with another control character.

/** NUL, and one other control character per field in turn, so every kind is posted somewhere. */
const OTHER_CONTROLS = ["\u0007", "\u000b", "\u001b", "\u007f", "\u0085", "\u009b", "\u000c", "\u0001"];

describe("a control character in any text field answers 400 with a message, never 500 (item 16)", () => {
  it("the list below covers every route with an action", () => {
    const covered = new Set([...FORM_ACTIONS.map((f) => f.route), ...Object.keys(NOT_FORMS)]);
    expect(routesWithActions().filter((route) => !covered.has(route))).toEqual([]);
  });

  it("today's failure: a topic with \\u0000 gets 400 and the message beside the field, and no order is created", async () => {
    const { client, userId } = await signedInCustomer(app);
    const reply = await client.post(
      "/orders/new",
      { kind: "essay", topic: "Energy policy\u0000 in Europe" },
      { accept: "text/html" },
    );
    expect(reply.status).toBe(400);
    expect(messageOf(reply)).toContain(CONTROL_CHARACTER_MESSAGE);
    expect(await countRows("documents", userId)).toBe(0);
  });

  it("tabs and line breaks are text, not control characters: instructions keep them", async () => {
    const { client, userId } = await signedInCustomer(app);
    const id = await orderAfterTopic(client);
    const reply = await client.post(`/orders/${id}/requirements`, {
      intent: "continue",
      instructions: "Line one\r\nLine two\tindented",
    });
    expect(reply.status).toBe(302);
    const row = await app.db
      .selectFrom("documents")
      .select("instructions")
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(row.instructions).toBe("Line one\r\nLine two\tindented");
  });

  for (const action of FORM_ACTIONS) {
    it(`${action.route}: each field of its form(s) (${Object.keys(action.valid).join(", ")}) with a control character gets 400 and a message; nothing is written`, async () => {
      const { ctx, valid } = await formContext(app, action);
      const client = ctx.client;

      const page = await client.get(action.page(ctx), { accept: "text/html" });
      expect(page.status, `${action.page(ctx)} shows its form`).toBe(200);
      const shown = fieldNames(page.text, action.path(ctx));
      for (const name of shown) {
        expect(
          [...Object.keys(valid), ...(action.files ?? [])],
          `the form's field "${name}" is in this test`,
        ).toContain(name);
      }

      let turn = 0;
      for (const field of Object.keys(valid)) {
        for (const control of ["\u0000", OTHER_CONTROLS[turn++ % OTHER_CONTROLS.length]!]) {
          const before = await action.written(ctx);
          const value = `${valid[field]!.slice(0, 3)}${control}${valid[field]!.slice(3)}`;
          const reply = await client.post(action.path(ctx), { ...valid, [field]: value }, { accept: "text/html" });
          const what = `${action.path(ctx)} with U+${control.codePointAt(0)!.toString(16).padStart(4, "0")} in ${field}`;
          expect(reply.status, what).toBe(400);
          expect(messageOf(reply), what).not.toBe("");
          if (["topic", "discipline", "institution", "instructions", "name"].includes(field)) {
            expect(messageOf(reply), what).toContain(CONTROL_CHARACTER_MESSAGE);
          }
          expect(await action.written(ctx), `${what}: nothing written`).toEqual(before);
        }
      }
    });
  }
});
