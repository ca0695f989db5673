// Wrong: db/ imports app/.
import { PRICE_PER_PAGE_CENTS } from "../app/price";

export const DEFAULT_PRICE_CENTS = PRICE_PER_PAGE_CENTS;
