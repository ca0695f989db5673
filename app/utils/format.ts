// Numbers, money, dates and durations as the reader's language writes them (Intl), the same on the server and in the
// browser. `locale` is an interface language (app/i18n/locales.ts); English is written the British way.

/** The Intl tag for an interface language. */
export function intlTag(locale = "en"): string {
  return locale === "en" ? "en-GB" : locale;
}

// Making an Intl formatter costs far more than using one (a page formats dozens of numbers): each is made once.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(tag: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${tag} ${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(tag, options)));
  return format;
}

function dateFormat(tag: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${tag} ${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(tag, options)));
  return format;
}

function unit(locale: string, name: "second" | "minute" | "hour", display: "short" | "long" = "short") {
  // British English abbreviates "20 mins"; the site writes "20 min" as American English does.
  const tag = locale === "en" ? "en-US" : intlTag(locale);
  return numberFormat(tag, { style: "unit", unit: name, unitDisplay: display });
}

/** "45 s", "12 min", "1 h 12 min" (in the reader's language). */
export function formatDuration(seconds: number, locale = "en"): string {
  if (seconds < 60) return unit(locale, "second").format(Math.max(1, Math.round(seconds)));
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return unit(locale, "minute").format(minutes);
  return `${unit(locale, "hour").format(Math.floor(minutes / 60))} ${unit(locale, "minute").format(minutes % 60)}`;
}

/** A range of whole minutes or tenths of hours: "5–10 minutes", "1.5–3 hours" (in the reader's language). */
export function formatDurationRange(minSeconds: number, maxSeconds: number, locale = "en"): string {
  const minutes = (s: number) => Math.max(1, Math.round(s / 60));
  if (maxSeconds < 3600) {
    const [from, to] = [minutes(minSeconds), minutes(maxSeconds)];
    return from === to
      ? unit(locale, "minute", "long").format(to)
      : unit(locale, "minute", "long").formatRange(from, to);
  }
  const hours = (s: number) => Math.round((s / 3600) * 10) / 10;
  const [from, to] = [hours(minSeconds), hours(maxSeconds)];
  return from === to ? unit(locale, "hour", "long").format(to) : unit(locale, "hour", "long").formatRange(from, to);
}

/** Integer cents as money: "€12.50", "12,50 €". */
export function formatMoneyIn(locale: string, cents: number, currency: string): string {
  return numberFormat(intlTag(locale), { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}

/** A number with the language's separators: "12,345.5", "12 345,5". */
export function formatNumber(value: number, locale = "en", options: Intl.NumberFormatOptions = {}): string {
  return numberFormat(intlTag(locale), options).format(value);
}

/** A day: "6 Dec 2026", "6 груд. 2026 р.". */
export function formatDate(iso: string | Date, locale = "en"): string {
  return dateFormat(intlTag(locale), { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
}

/** A moment: "6 Dec 2026, 19:51 UTC" (the same on the server and in the browser, so in UTC). */
export function formatDateTime(iso: string | Date, locale = "en"): string {
  const format = dateFormat(intlTag(locale), { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  return `${format.format(new Date(iso))} UTC`;
}

/** How long before `now` a moment was: "5 minutes ago", "yesterday" (in the reader's language). */
export function formatTimeAgo(iso: string | Date, now: Date, locale = "en"): string {
  const seconds = (new Date(iso).getTime() - now.getTime()) / 1000;
  const relative = new Intl.RelativeTimeFormat(intlTag(locale), { numeric: "auto" });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(0, "second");
}
