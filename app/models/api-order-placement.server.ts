// Orders placed and paid through the public API (issue 22): the wizard's steps in one transaction, then the web's own
// checkout (a Stripe Checkout Session by startCheckout, credited by the Stripe webhook) or the development payment.
import type { z } from "zod";
import type { orderRequestSchema, PlacedOrder } from "../utils/api-schemas";
import type { Db } from "../utils/db.server";
import { getEnv } from "../utils/env.server";
import { stripeConfigured } from "../utils/stripe.server";
import { getApiOrder } from "./api-orders.server";
import { CheckoutUnavailableError, payWithDevPayment, startCheckout, submitOrderIn } from "./checkout.server";
import { createDraftDocument, getDocumentForOwner, updateDraftDocument } from "./documents.server";
import { logger } from "../utils/logger.server";

export type OrderRequest = z.output<typeof orderRequestSchema>;

/** Creates the order as the wizard's steps would, in one transaction: a draft, or placed for payment. Returns its id. */
export async function createApiOrder(db: Db, userId: string, input: OrderRequest): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const { id } = await createDraftDocument(trx, userId, input);
    await updateDraftDocument(trx, id, userId, {
      pages: input.pages,
      language: input.language,
      citation_style: input.citationStyle,
      express: input.express,
      instructions: input.instructions || null,
    });
    if (!input.draft) await submitOrderIn(trx, id, userId);
    return id;
  });
}

export class OrderNotPayableError extends Error {}

/**
 * The order as the API answers it after placing it: with the Checkout URL where it is paid (card payment on and the
 * order awaiting payment) and the development payment's path (where allowed). A draft is placed first when `place`.
 */
export async function placedOrder(
  db: Db,
  userId: string,
  documentId: string,
  { place }: { place: boolean },
): Promise<PlacedOrder | undefined> {
  let document = await getDocumentForOwner(db, documentId, userId);
  if (!document) return undefined;
  if (place && document.status === "draft") {
    await db.transaction().execute((trx) => submitOrderIn(trx, documentId, userId));
    document = (await getDocumentForOwner(db, documentId, userId))!;
  }
  const payable = document.status === "awaiting_payment";
  if (place && !payable) throw new OrderNotPayableError();
  let checkoutUrl: string | null = null;
  if (payable && stripeConfigured()) {
    try {
      checkoutUrl = await startCheckout(db, documentId, userId);
    } catch (error) {
      if (!(error instanceof CheckoutUnavailableError)) throw error;
      // The order stands; POST /orders/{id}/checkout asks again.
      logger.warn({ documentId }, "no Checkout URL for an API order");
    }
  }
  return {
    order: (await getApiOrder(db, userId, documentId))!,
    checkoutUrl,
    devPaymentPath: payable && getEnv().ALLOW_DEV_PAYMENT ? `/api/v1/orders/${documentId}/dev-payment` : null,
  };
}

/** Places a draft and pays it with the development payment; false when the order cannot be paid (anymore). */
export async function payApiOrderInDevelopment(db: Db, userId: string, documentId: string): Promise<boolean> {
  await db.transaction().execute((trx) => submitOrderIn(trx, documentId, userId));
  return payWithDevPayment(db, documentId, userId);
}
