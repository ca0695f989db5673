// How the admin dashboard writes its numbers (the same on the server and in the browser).
import { formatDuration } from "./format";

const count = new Intl.NumberFormat("en-GB");
const dollars = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

/** 12,345 */
export function formatCount(value: number): string {
  return count.format(Math.round(value));
}

/** LLM cost, kept in millionths of a dollar: "$0.0123", "$12.50". */
export function formatDollars(microdollars: number): string {
  return dollars.format(microdollars / 1e6);
}

/** 0.8333 → "83.3 %"; null (nothing to divide) → "—". */
export function formatRate(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(1)} %`;
}

/** Seconds as "4 min" or "1 h 12 min"; null (nothing measured) → "—". */
export function formatSeconds(seconds: number | null): string {
  return seconds === null ? "—" : formatDuration(seconds);
}
