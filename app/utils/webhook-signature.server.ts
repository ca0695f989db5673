// How a webhook delivery is signed (documented for customers in README, "Webhooks"): like Stripe's scheme, the header
// `TesiGo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; the receiver recomputes it with
// its endpoint's secret, compares in constant time and refuses a timestamp older than a few minutes (replays).
import { createHmac, randomBytes } from "node:crypto";

export const WEBHOOK_HEADERS = {
  signature: "TesiGo-Signature",
  event: "TesiGo-Event",
  delivery: "TesiGo-Delivery",
  timestamp: "TesiGo-Timestamp",
} as const;

/** A new signing secret: whsec_ + 43 URL-safe characters (32 random bytes). Shown to the customer once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** The TesiGo-Signature header's value for a body sent at `timestamp` (unix seconds). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  const digest = createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${digest}`;
}
