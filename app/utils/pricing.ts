// One place for what an order costs; used by the order form, the payment step and (later) checkout and emails.
export const MIN_PAGES = 5;
export const MAX_PAGES = 200;
export const CURRENCY = "eur";

const PRICE_PER_PAGE_CENTS = 500;

export function priceCents(pages: number): number {
  return pages * PRICE_PER_PAGE_CENTS;
}

export function formatMoney(cents: number, currency = CURRENCY): string {
  return new Intl.NumberFormat("en-IE", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}
