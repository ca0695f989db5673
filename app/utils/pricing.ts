// One place for what an order costs and how long it takes; used by the order wizard, the checkout and the emails.
export const MIN_PAGES = 5;
export const MAX_PAGES = 200;
export const CURRENCY = "eur";
/** Express delivery: the order jumps the queue, for this share on top of the price. */
export const EXPRESS_SURCHARGE = 0.5;

export const DOCUMENT_KINDS = {
  essay: { label: "Essay", pricePerPageCents: 500 },
  term_paper: { label: "Term paper", pricePerPageCents: 600 },
  bachelor_thesis: { label: "Bachelor thesis", pricePerPageCents: 700 },
  master_thesis: { label: "Master thesis", pricePerPageCents: 900 },
  book_chapter: { label: "Book chapter", pricePerPageCents: 800 },
  literature_review: { label: "Literature review", pricePerPageCents: 650 },
} as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;
export const DOCUMENT_KIND_CODES = Object.keys(DOCUMENT_KINDS) as [DocumentKind, ...DocumentKind[]];

export const CITATION_STYLES = {
  apa7: "APA 7",
  mla9: "MLA 9",
  chicago_author_date: "Chicago (author-date)",
  harvard: "Harvard (Cite Them Right)",
  ieee: "IEEE",
  gost_author_date: "GOST R 7.0.5 (author-date)",
  gost_numeric: "GOST R 7.0.5 (numeric)",
} as const;
export type CitationStyle = keyof typeof CITATION_STYLES;
export const CITATION_STYLE_CODES = Object.keys(CITATION_STYLES) as [CitationStyle, ...CitationStyle[]];

export type PriceInput = { kind: string; pages: number; express: boolean };
export type Price = { pricePerPageCents: number; baseCents: number; expressCents: number; totalCents: number };

export function kindLabel(kind: string): string {
  return DOCUMENT_KINDS[kind as DocumentKind]?.label ?? kind;
}

/** The price of an order, computed the same way on the page, at checkout (server) and in the emails. */
export function priceOf({ kind, pages, express }: PriceInput): Price {
  const pricePerPageCents = DOCUMENT_KINDS[kind as DocumentKind]?.pricePerPageCents ?? DOCUMENT_KINDS.essay.pricePerPageCents;
  const baseCents = pricePerPageCents * pages;
  const expressCents = express ? Math.round(baseCents * EXPRESS_SURCHARGE) : 0;
  return { pricePerPageCents, baseCents, expressCents, totalCents: baseCents + expressCents };
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

export function formatMoney(cents: number, currency = CURRENCY): string {
  return new Intl.NumberFormat("en-IE", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}

export function formatTimeRange({ minSeconds, maxSeconds }: TimeEstimate): string {
  const minutes = (s: number) => Math.max(1, Math.round(s / 60));
  if (maxSeconds < 90) return "about a minute";
  if (maxSeconds < 3600) return `${minutes(minSeconds)}–${minutes(maxSeconds)} minutes`;
  const hours = (s: number) => Math.round((s / 3600) * 10) / 10;
  return `${hours(minSeconds)}–${hours(maxSeconds)} hours`;
}
