import Stripe from "stripe";
import { getEnv } from "./env.server";
import { remember } from "./singleton.server";

/** The Stripe client, or null when STRIPE_SECRET_KEY is not set (then only the dev payment exists). */
export function getStripe(): Stripe | null {
  const env = getEnv();
  if (!env.STRIPE_SECRET_KEY) return null;
  return remember("stripe", () => {
    const api = env.STRIPE_API_URL ? new URL(env.STRIPE_API_URL) : null;
    return new Stripe(env.STRIPE_SECRET_KEY!, {
      // Our own jobs retry; one SDK retry covers a dropped connection.
      maxNetworkRetries: 1,
      timeout: 20_000,
      ...(api
        ? { host: api.hostname, port: Number(api.port || (api.protocol === "https:" ? 443 : 80)), protocol: api.protocol.replace(":", "") as "http" | "https" }
        : {}),
    });
  });
}

/** Verifies a webhook's signature on its raw body; throws when it does not match. */
export function constructWebhookEvent(rawBody: string, signature: string | null): Stripe.Event {
  const env = getEnv();
  if (!env.STRIPE_WEBHOOK_SECRET) throw new Error("STRIPE_WEBHOOK_SECRET is not set");
  if (!signature) throw new Error("Missing Stripe-Signature header");
  // constructEvent needs a client instance only for its crypto provider; the key is irrelevant here.
  const stripe = getStripe() ?? new Stripe("sk_unused");
  return stripe.webhooks.constructEvent(rawBody, signature, env.STRIPE_WEBHOOK_SECRET);
}
