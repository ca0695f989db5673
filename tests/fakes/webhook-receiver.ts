// A customer's webhook receiver, as a sample consumer would write it: it checks every message's TesiGo-Signature with
// the documented scheme (t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>, a fresh timestamp, compared
// in constant time), records what it received, and answers 200 — or the statuses a test queued with failNext.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** How old a signed timestamp may be before the message is refused as a replay. */
const TOLERANCE_SECONDS = 300;

/** Whether `header` is a valid TesiGo-Signature of `body` for `secret` (and recent, as of `nowSeconds`). */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const parts = Object.fromEntries(
    (header ?? "").split(",").map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    }),
  );
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return false;
  const expected = createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest();
  const given = Buffer.from(String(parts.v1 ?? ""), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type ReceivedWebhook = {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The signature checked with the secret the receiver knew then. */
  verified: boolean;
  /** What the receiver answered. */
  status: number;
  event: { id: string; type: string; created: string; data: Record<string, any> };
};

export type WebhookReceiver = {
  url: string;
  received: ReceivedWebhook[];
  /** The secret the endpoint's page showed once, for the endpoint at this path (e.g. "/tesigo"). */
  setSecret(path: string, secret: string): void;
  /** The next `count` messages are answered with `status` (then 200 again). */
  failNext(status: number, count?: number): void;
  close(): Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const secrets = new Map<string, string>();
  const failures: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const secret = secrets.get(req.url ?? "/") ?? "";
      const verified = verifyWebhookSignature(secret, req.headers["tesigo-signature"] as string | undefined, body);
      const status = failures.shift() ?? (verified ? 200 : 400);
      let event: ReceivedWebhook["event"];
      try {
        event = JSON.parse(body) as ReceivedWebhook["event"];
      } catch {
        event = { id: "", type: "unreadable", created: "", data: {} };
      }
      received.push({ path: req.url ?? "/", headers: req.headers, body, verified, status, event });
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status === 200 ? "ok" : `refused with ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    setSecret: (path, secret) => void secrets.set(path, secret),
    failNext: (status, count = 1) => void failures.push(...Array.from({ length: count }, () => status)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
