import { kindText, languageName } from "../i18n/catalog-labels";
import { translatorFor } from "../i18n/i18n.server";
import { DEFAULT_LOCALE, isLocale, type Locale } from "../i18n/locales";
import { en } from "../i18n/resources.server";
import type { SendEmailJob } from "../jobs/definitions";
import { escapeHtml } from "./email.server";
import { formatMoney } from "./pricing";

// Every email TesiGo sends, as plain text and HTML from the same words, in the recipient's language.

/** Who an email goes to: the address, and the account's interface language (null: English). */
export type Recipient = { email: string; locale: string | null };

type OrderFacts = {
  id: string;
  topic: string;
  kind: string;
  pages: number;
  language: string;
  price_cents: number;
  currency: string;
};

type Words = {
  t: Awaited<ReturnType<typeof translatorFor>>;
  locale: Locale;
  money: (cents: number, currency: string) => string;
};

async function wordsFor(locale: string | null): Promise<Words> {
  const chosen = isLocale(locale) ? locale : DEFAULT_LOCALE;
  const t = await translatorFor(chosen);
  return { t, locale: chosen, money: (cents, currency) => formatMoney(cents, currency, chosen) };
}

function render(
  to: string,
  words: Words,
  subject: string,
  paragraphs: string[],
  link?: { url: string; label: string },
): SendEmailJob {
  const signature = words.t("email:signature");
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.url}`] : []), signature].join("\n\n");
  const html =
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("") +
    (link ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>` : "") +
    `<p>${escapeHtml(signature)}</p>`;
  return { to, subject, text, html };
}

/** "Term paper, 6 pages, German: "…"", in the recipient's words. */
function summary({ t, locale }: Words, order: OrderFacts): string {
  return t("email:order.summary", {
    kind: kindText(t, order.kind),
    pages: t("email:order.pages", { count: order.pages }),
    language: languageName(order.language, locale),
    topic: order.topic,
  });
}

export async function orderReceivedEmail(to: Recipient, order: OrderFacts, appUrl: string): Promise<SendEmailJob> {
  const words = await wordsFor(to.locale);
  const { t } = words;
  return render(
    to.email,
    words,
    t("email:orderReceived.subject", { topic: order.topic }),
    [
      t("email:orderReceived.thanks", { order: summary(words, order) }),
      t("email:orderReceived.price", { price: words.money(order.price_cents, order.currency) }),
    ],
    { url: `${appUrl}/orders/${order.id}/review`, label: t("email:links.reviewOrder") },
  );
}

export async function paymentConfirmedEmail(
  to: Recipient,
  order: OrderFacts,
  amountCents: number,
  appUrl: string,
): Promise<SendEmailJob> {
  const words = await wordsFor(to.locale);
  const { t } = words;
  return render(
    to.email,
    words,
    t("email:paymentConfirmed.subject", { topic: order.topic }),
    [
      t("email:paymentConfirmed.received", {
        amount: words.money(amountCents, order.currency),
        order: summary(words, order),
      }),
      t("email:paymentConfirmed.started"),
    ],
    { url: `${appUrl}/documents/${order.id}`, label: t("email:links.watchWriting") },
  );
}

export async function documentReadyEmail(
  to: Recipient,
  order: OrderFacts,
  appUrl: string,
  withWarnings: boolean,
): Promise<SendEmailJob> {
  const words = await wordsFor(to.locale);
  const { t } = words;
  return render(
    to.email,
    words,
    t("email:documentReady.subject", { topic: order.topic }),
    [
      t("email:documentReady.ready", { order: summary(words, order) }),
      ...(withWarnings ? [t("email:documentReady.warnings")] : []),
    ],
    { url: `${appUrl}/documents/${order.id}`, label: t("email:links.readDocument") },
  );
}

/** `reason`: a refund reason code (quality_threshold, support…), said in words; anything else is shown as it is. */
export async function refundProcessedEmail(
  to: Recipient,
  order: OrderFacts,
  amountCents: number,
  reason: string,
  appUrl: string,
): Promise<SendEmailJob> {
  const words = await wordsFor(to.locale);
  const { t } = words;
  const amount = words.money(amountCents, order.currency);
  return render(
    to.email,
    words,
    t("email:refundProcessed.subject", { amount, topic: order.topic }),
    [
      t("email:refundProcessed.refunded", { amount, order: summary(words, order) }),
      t("email:refundProcessed.reason", {
        reason: Object.hasOwn(en.email.refundReasons, reason) ? t(`email:refundReasons.${reason}` as never) : reason,
      }),
      t("email:refundProcessed.timing"),
    ],
    { url: `${appUrl}/documents/${order.id}`, label: t("email:links.seeOrder") },
  );
}

export async function orderFailedEmail(
  to: Recipient,
  order: OrderFacts,
  refundCents: number,
  appUrl: string,
): Promise<SendEmailJob> {
  const words = await wordsFor(to.locale);
  const { t } = words;
  return render(
    to.email,
    words,
    t("email:orderFailed.subject", { topic: order.topic }),
    [
      t("email:orderFailed.stopped", { order: summary(words, order) }),
      refundCents > 0
        ? t("email:orderFailed.refunding", { amount: words.money(refundCents, order.currency) })
        : t("email:orderFailed.nothingCharged"),
      t("email:orderFailed.sorry"),
    ],
    { url: `${appUrl}/documents/${order.id}`, label: t("email:links.seeOrder") },
  );
}

/** To the address the account had, sent as it is deleted: what happened to the orders that were not delivered. */
export async function accountDeletedEmail(
  to: Recipient,
  refunded: { order: OrderFacts; refundCents: number }[],
  checkoutsClosed: number,
): Promise<SendEmailJob> {
  const words = await wordsFor(to.locale);
  const { t } = words;
  return render(to.email, words, t("email:accountDeleted.subject"), [
    t("email:accountDeleted.deleted"),
    ...refunded.map(({ order, refundCents }) =>
      t("email:accountDeleted.refunded", {
        order: summary(words, order),
        amount: words.money(refundCents, order.currency),
      }),
    ),
    ...(checkoutsClosed > 0 ? [t("email:accountDeleted.checkoutClosed")] : []),
    t("email:accountDeleted.last"),
  ]);
}

/** The sign-in code and link, in the language of the page that asked for them. */
export async function signInCodeEmail(
  to: Recipient,
  sent: { code: string; magicLink: string; minutes: number },
): Promise<SendEmailJob> {
  const { t } = await wordsFor(to.locale);
  const { code, magicLink, minutes } = sent;
  const expiry = t("email:signIn.expiry", { count: minutes });
  // The code is set large in the HTML: the sentence is escaped around a marker, then the marker becomes the code.
  const marker = "\u0000code\u0000";
  const codeHtml = escapeHtml(t("email:signIn.code", { code: marker })).replace(
    marker,
    `<strong style="font-size:20px;letter-spacing:2px">${escapeHtml(code)}</strong>`,
  );
  const linkMarker = "\u0000link\u0000";
  const linkHtml = escapeHtml(t("email:signIn.linkHtml", { link: linkMarker })).replace(
    linkMarker,
    `<a href="${escapeHtml(magicLink)}">${escapeHtml(t("email:signIn.linkLabel"))}</a>`,
  );
  return {
    to: to.email,
    subject: t("email:signIn.subject", { code }),
    text: [t("email:signIn.code", { code }), `${t("email:signIn.linkText")}\n${magicLink}`, expiry].join("\n\n"),
    html: `<p>${codeHtml}</p><p>${linkHtml}</p><p>${escapeHtml(expiry)}</p>`,
  };
}
