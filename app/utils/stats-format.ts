// How the admin dashboard writes its numbers, in the admin's language (the same on the server and in the browser).
import { formatDuration, formatNumber, intlTag } from "./format";

/** 12,345 (12.345 in German). */
export function formatCount(value: number, locale = "en"): string {
  return formatNumber(Math.round(value), locale);
}

/** LLM cost, kept in millionths of a dollar: "$0.0123", "$12.50" ("0,0123 $" in German). */
export function formatDollars(microdollars: number, locale = "en"): string {
  // English writes dollars the American way, as the providers bill them.
  const tag = locale === "en" ? "en-US" : intlTag(locale);
  return new Intl.NumberFormat(tag, {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  }).format(microdollars / 1e6);
}

/** 0.8333 → "83.3 %" ("83,3 %" in Italian); null (nothing to divide) → "—". */
export function formatRate(rate: number | null, locale = "en"): string {
  if (rate === null) return "—";
  return `${formatNumber(rate * 100, locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
}

/** Seconds as "4 min" or "1 h 12 min"; null (nothing measured) → "—". */
export function formatSeconds(seconds: number | null, locale = "en"): string {
  return seconds === null ? "—" : formatDuration(seconds, locale);
}
