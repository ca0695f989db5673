import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeEvent } from "~/models/stripe-events.server";
import { getDb } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { constructWebhookEvent } from "~/utils/stripe.server";

export async function loader() {
  return Response.json({ error: "Stripe sends webhooks with POST." }, { status: 405 });
}

/** Stripe → TesiGo. The signature is checked on the raw body; a bad or missing one changes nothing (400). */
export async function action({ request }: ActionFunctionArgs) {
  const rawBody = await request.text();
  let event;
  try {
    event = await constructWebhookEvent(rawBody, request.headers.get("stripe-signature"));
  } catch (error) {
    logger.warn(
      { reason: error instanceof Error ? error.message.split("\n")[0] : String(error) },
      "Stripe webhook refused: signature",
    );
    return Response.json({ error: "Invalid Stripe signature." }, { status: 400 });
  }
  const outcome = await handleStripeEvent(getDb(), event);
  logger.info({ eventId: event.id, type: event.type, outcome }, "Stripe webhook");
  return Response.json({ received: true, outcome });
}
