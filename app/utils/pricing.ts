// One place for what an order costs and how long it takes; used by the order wizard, the checkout and the emails.
import type { DocumentKind } from "./catalog";
import { formatDurationRange, formatMoneyIn } from "./format";

export const CURRENCY = "eur";
/** Express delivery: the order jumps the queue, for this share on top of the price. */
export const EXPRESS_SURCHARGE = 0.5;

export const PRICE_PER_PAGE_CENTS: Record<DocumentKind, number> = {
  essay: 500,
  term_paper: 600,
  bachelor_thesis: 700,
  master_thesis: 900,
  book_chapter: 800,
  literature_review: 650,
};

/** `ownKeyDiscount`: the share taken off an order written with the customer's own LLM key (BYOK_DISCOUNT), else 0. */
export type PriceInput = { kind: string; pages: number; express: boolean; ownKeyDiscount?: number };
export type Price = {
  pricePerPageCents: number;
  baseCents: number;
  expressCents: number;
  /** Taken off for the customer's own LLM key (0 without one). */
  ownKeyCents: number;
  totalCents: number;
};

/** The price of an order, computed the same way on the page, at checkout (server), in the API and in the emails. */
export function priceOf({ kind, pages, express, ownKeyDiscount = 0 }: PriceInput): Price {
  const pricePerPageCents = PRICE_PER_PAGE_CENTS[kind as DocumentKind] ?? PRICE_PER_PAGE_CENTS.essay;
  const baseCents = pricePerPageCents * pages;
  const expressCents = express ? Math.round(baseCents * EXPRESS_SURCHARGE) : 0;
  const ownKeyCents = Math.round((baseCents + expressCents) * ownKeyDiscount);
  return {
    pricePerPageCents,
    baseCents,
    expressCents,
    ownKeyCents,
    totalCents: baseCents + expressCents - ownKeyCents,
  };
}

/** Seconds of generation per page by kind, measured from finished orders (generation_rates); defaults until then. */
export type GenerationRates = Partial<Record<string, number>>;
export const DEFAULT_SECONDS_PER_PAGE = 12;
const FIXED_SECONDS = 45; // planning and assembling
const EXPRESS_SPEEDUP = 0.8; // express orders wait less in the queue

export type TimeEstimate = { minSeconds: number; maxSeconds: number };

/** A range, not a promise: from 80 % to 160 % of the expected time. */
export function estimateTime({ kind, pages, express }: PriceInput, rates: GenerationRates = {}): TimeEstimate {
  const perPage = rates[kind] ?? DEFAULT_SECONDS_PER_PAGE;
  const expected = (FIXED_SECONDS + perPage * pages) * (express ? EXPRESS_SPEEDUP : 1);
  return { minSeconds: Math.round(expected * 0.8), maxSeconds: Math.round(expected * 1.6) };
}

/** Money in the reader's language (English by default): "€12.50", "12,50 €". */
export function formatMoney(cents: number, currency = CURRENCY, locale = "en"): string {
  return formatMoneyIn(locale, cents, currency);
}

/** "5–10 minutes", "1.5–3 hours", in the reader's language. */
export function formatTimeRange({ minSeconds, maxSeconds }: TimeEstimate, locale = "en"): string {
  return formatDurationRange(minSeconds, maxSeconds, locale);
}
