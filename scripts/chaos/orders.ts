// The chaos run's customers: paid orders of mixed sizes, kinds, languages and styles, paid through the Stripe fake's
// Checkout, whose webhook reaches the web process twice (Stripe delivers at least once) and is retried as Stripe
// retries while the web answers an error (Postgres restarting).
import { createDocument } from "../../app/models/documents.server";
import { startCheckout } from "../../app/models/checkout.server";
import type { Db } from "../../app/utils/db.server";
import { CITATION_STYLE_CODES, DOCUMENT_KIND_CODES, LANGUAGE_CODES } from "../../app/utils/catalog";
import type { FakeStripe } from "../../tests/fakes/stripe";

const TOPICS = [
  "Crash recovery in distributed job queues",
  "Urban heat islands and street trees",
  "Monetary policy after the pandemic",
  "Reading comprehension in bilingual schools",
  "Antibiotic resistance in livestock farming",
  "The ethics of predictive policing",
];

export type PlacedOrder = { id: string; pages: number; language: string };

/** Orders of 5–`maxPages` pages, one customer each, every one paid; resolves when all are paid. */
export async function placePaidOrders(
  db: Db,
  stripe: FakeStripe,
  count: number,
  maxPages: number,
  random: () => number,
): Promise<PlacedOrder[]> {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const orders: PlacedOrder[] = [];
  for (let i = 0; i < count; i++) {
    const user = await db
      .insertInto("users")
      .values({ email: `chaos-${i}@example.com` })
      .returning("id")
      .executeTakeFirstOrThrow();
    const pages = 5 + Math.floor(random() * (maxPages - 4));
    const language = i === 0 ? "en" : pick(LANGUAGE_CODES);
    const order = await createDocument(db, user.id, {
      topic: `${pick(TOPICS)} (${i + 1})`,
      pages,
      language,
      kind: pick(DOCUMENT_KIND_CODES),
      citationStyle: pick(CITATION_STYLE_CODES),
    });
    await startCheckout(db, order.id, user.id);
    const payment = await db
      .selectFrom("payments")
      .select("stripe_checkout_session_id")
      .where("document_id", "=", order.id)
      .executeTakeFirstOrThrow();
    const session = stripe.completeSession(payment.stripe_checkout_session_id!);
    const paid = stripe.event("checkout.session.completed", session);
    await deliverUntilAccepted(stripe, paid);
    await deliverUntilAccepted(stripe, paid); // the duplicate every webhook endpoint must expect
    orders.push({ id: order.id, pages, language });
  }
  return orders;
}

/** Delivers a webhook until the web process accepts it, backing off as Stripe does (here in seconds, not hours). */
export async function deliverUntilAccepted(stripe: FakeStripe, event: Parameters<FakeStripe["deliver"]>[0]) {
  for (let attempt = 1; ; attempt++) {
    const status = await stripe.deliver(event);
    if (status >= 200 && status < 300) return;
    if (attempt === 30) throw new Error(`The web process refused the ${event.type} webhook 30 times (last ${status})`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5000)));
  }
}
