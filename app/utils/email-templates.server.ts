import type { SendEmailJob } from "../jobs/definitions";
import { escapeHtml } from "./email.server";
import { kindLabel, LANGUAGES, type LanguageCode } from "./catalog";
import { formatMoney } from "./pricing";

// Every email TesiGo sends, as plain text and HTML from the same words.
type OrderFacts = {
  id: string;
  topic: string;
  kind: string;
  pages: number;
  language: string;
  price_cents: number;
  currency: string;
};

function render(
  to: string,
  subject: string,
  paragraphs: string[],
  link?: { url: string; label: string },
): SendEmailJob {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.url}`] : []), "— TesiGo"].join("\n\n");
  const html =
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("") +
    (link ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>` : "") +
    "<p>— TesiGo</p>";
  return { to, subject, text, html };
}

function describe(order: OrderFacts): string {
  const language = LANGUAGES[order.language as LanguageCode]?.label ?? order.language;
  return `${kindLabel(order.kind)}, ${order.pages} pages, ${language}: "${order.topic}"`;
}

export function orderReceivedEmail(to: string, order: OrderFacts, appUrl: string): SendEmailJob {
  return render(
    to,
    `We received your order: ${order.topic}`,
    [
      `Thank you for your order: ${describe(order)}.`,
      `Price: ${formatMoney(order.price_cents, order.currency)}. We start writing as soon as the payment is confirmed.`,
    ],
    { url: `${appUrl}/orders/${order.id}/review`, label: "Review your order" },
  );
}

export function paymentConfirmedEmail(
  to: string,
  order: OrderFacts,
  amountCents: number,
  appUrl: string,
): SendEmailJob {
  return render(
    to,
    `Payment confirmed: ${order.topic}`,
    [
      `We received your payment of ${formatMoney(amountCents, order.currency)} for ${describe(order)}.`,
      "Writing has started; you can watch it live.",
    ],
    { url: `${appUrl}/documents/${order.id}`, label: "Watch your document being written" },
  );
}

export function documentReadyEmail(to: string, order: OrderFacts, appUrl: string, withWarnings: boolean): SendEmailJob {
  return render(
    to,
    `Your document is ready: ${order.topic}`,
    [
      `Your ${describe(order)} is ready.`,
      ...(withWarnings ? ["Some sections did not pass every quality check; the document page lists them."] : []),
    ],
    { url: `${appUrl}/documents/${order.id}`, label: "Read your document" },
  );
}

export function refundProcessedEmail(
  to: string,
  order: OrderFacts,
  amountCents: number,
  reason: string,
  appUrl: string,
): SendEmailJob {
  return render(
    to,
    `Refund of ${formatMoney(amountCents, order.currency)}: ${order.topic}`,
    [
      `We refunded ${formatMoney(amountCents, order.currency)} for ${describe(order)}.`,
      `Reason: ${reason}`,
      "The money returns to the card you paid with, usually within 5–10 business days.",
    ],
    { url: `${appUrl}/documents/${order.id}`, label: "See your order" },
  );
}

export function orderFailedEmail(to: string, order: OrderFacts, refundCents: number, appUrl: string): SendEmailJob {
  return render(
    to,
    `We could not finish your document: ${order.topic}`,
    [
      `Writing your ${describe(order)} stopped after repeated errors on our side, and we could not finish it.`,
      refundCents > 0
        ? `We are refunding your payment of ${formatMoney(refundCents, order.currency)} in full; you will receive a confirmation when it is done.`
        : "Nothing was charged for it.",
      "Our team has been told and is looking into it. We are sorry.",
    ],
    { url: `${appUrl}/documents/${order.id}`, label: "See your order" },
  );
}

/** To the address the account had, sent as it is deleted: what happened to the orders that were not delivered. */
export function accountDeletedEmail(
  to: string,
  refunded: { order: OrderFacts; refundCents: number }[],
  checkoutsClosed: number,
): SendEmailJob {
  return render(to, "Your TesiGo account was deleted", [
    "Your TesiGo account and the personal data in it were deleted, as you asked.",
    ...refunded.map(
      ({ order, refundCents }) =>
        `Your order ${describe(order)} was cancelled before it was delivered, and your payment of ${formatMoney(refundCents, order.currency)} is being refunded in full.`,
    ),
    ...(checkoutsClosed > 0
      ? [
          "A card payment you had started was closed. Should it have gone through all the same, it is refunded in full, automatically.",
        ]
      : []),
    "This is the last email we send to this address.",
  ]);
}
