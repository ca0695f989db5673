import type Stripe from "stripe";
import { getEnv } from "./env.server";
import { remember } from "./singleton.server";

/** Whether card payments through Stripe are configured (STRIPE_SECRET_KEY set); otherwise only the dev payment exists. */
export function stripeConfigured(): boolean {
  return Boolean(getEnv().STRIPE_SECRET_KEY);
}

/** The SDK, loaded on first use: a worker that never refunds, and a server without Stripe, never hold it in memory. */
const stripeSdk = () => import("stripe").then((m) => m.default);

/** The Stripe client, or null when STRIPE_SECRET_KEY is not set. */
export async function getStripe(): Promise<Stripe | null> {
  if (!stripeConfigured()) return null;
  const env = getEnv();
  return remember("stripe", async () => {
    const api = env.STRIPE_API_URL ? new URL(env.STRIPE_API_URL) : null;
    const StripeSdk = await stripeSdk();
    return new StripeSdk(env.STRIPE_SECRET_KEY!, {
      // Our own jobs retry; one SDK retry covers a dropped connection.
      maxNetworkRetries: 1,
      timeout: 20_000,
      ...(api
        ? {
            host: api.hostname,
            port: Number(api.port || (api.protocol === "https:" ? 443 : 80)),
            protocol: api.protocol.replace(":", "") as "http" | "https",
          }
        : {}),
    });
  });
}

/** Verifies a webhook's signature on its raw body; throws when it does not match. */
export async function constructWebhookEvent(rawBody: string, signature: string | null): Promise<Stripe.Event> {
  const env = getEnv();
  if (!env.STRIPE_WEBHOOK_SECRET) throw new Error("STRIPE_WEBHOOK_SECRET is not set");
  if (!signature) throw new Error("Missing Stripe-Signature header");
  // constructEvent needs a client instance only for its crypto provider; the key is irrelevant here.
  const stripe = (await getStripe()) ?? new (await stripeSdk())("sk_unused");
  return stripe.webhooks.constructEvent(rawBody, signature, env.STRIPE_WEBHOOK_SECRET);
}
