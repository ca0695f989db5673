export const PRICE_PER_PAGE_CENTS = 900;
