// The dashboard's period: the last 7, 30 or 90 days, counted in whole UTC days up to and including today.
import { z } from "zod";

export const STATS_PERIODS = [7, 30, 90] as const;
export type StatsPeriodDays = (typeof STATS_PERIODS)[number];
export const DEFAULT_STATS_PERIOD: StatsPeriodDays = 30;

/** `?period=` of the dashboard: absent means the default; anything but 7, 30 or 90 is refused with this message. */
export const statsPeriodSchema = z.object({
  period: z
    .enum(["7", "30", "90"], { error: "The period must be 7, 30 or 90 days." })
    .optional()
    .transform((value) => (value ? (Number(value) as StatsPeriodDays) : DEFAULT_STATS_PERIOD)),
});

export type StatsPeriod = {
  days: StatsPeriodDays;
  /** Midnight UTC of the first day. */
  since: Date;
  /** Every day of the period, oldest first, as YYYY-MM-DD (UTC). */
  dayKeys: string[];
};

export function statsPeriod(days: StatsPeriodDays, now = new Date()): StatsPeriod {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = new Date(today - (days - 1) * 86_400_000);
  const dayKeys = Array.from({ length: days }, (_, i) =>
    new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10),
  );
  return { days, since, dayKeys };
}
