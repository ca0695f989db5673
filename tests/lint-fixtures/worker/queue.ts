// Allowed: the worker imports app/.
import { PRICE_PER_PAGE_CENTS } from "../app/price";

export const WRITE_QUEUE = `section.write.${PRICE_PER_PAGE_CENTS}`;
