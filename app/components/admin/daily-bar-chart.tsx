// A bar per day, drawn as SVG on the server (no chart library, nothing fetched). Several series are stacked (parts of
// one whole, e.g. tokens by model) or grouped (side by side, e.g. revenue and refunds). The numbers are in the table
// the page puts beside it; the SVG is an image with a name for screen readers.
import { useTranslation } from "react-i18next";
import { chartColor } from "./chart-colors";

export type DailySeries = { label: string; values: number[] };

const WIDTH = 560;
const HEIGHT = 240;
const LEFT = 76;
const BOTTOM = 26;
const TOP = 12;

export function DailyBarChart({
  title,
  days,
  series,
  mode = "stacked",
  formatValue,
}: {
  title: string;
  /** YYYY-MM-DD, oldest first; each series has a value per day. */
  days: string[];
  series: DailySeries[];
  mode?: "stacked" | "grouped";
  formatValue: (value: number) => string;
}) {
  const { t } = useTranslation("admin");
  const totals = days.map((_, day) =>
    mode === "stacked"
      ? series.reduce((sum, s) => sum + (s.values[day] ?? 0), 0)
      : Math.max(0, ...series.map((s) => s.values[day] ?? 0)),
  );
  const max = Math.max(0, ...totals);
  const plotWidth = WIDTH - LEFT - 8;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / days.length;
  const barWidth = Math.max(1, slot * 0.8);
  const y = (value: number) => TOP + plotHeight - (max ? (value / max) * plotHeight : 0);
  const labelled = new Set([0, Math.floor((days.length - 1) / 2), days.length - 1]);
  return (
    <figure className="space-y-2">
      {/* Seen, not read: the image's own name says the same. */}
      <figcaption className="text-sm font-medium text-slate-700" aria-hidden="true">
        {title}
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full"
        role="img"
        aria-label={t("shared.chart", { title })}
      >
        <title>{title}</title>
        {[0, 0.5, 1].map((share) => (
          <g key={share}>
            <line x1={LEFT} x2={WIDTH - 8} y1={y(max * share)} y2={y(max * share)} stroke="#e2e8f0" />
            <text x={LEFT - 6} y={y(max * share) + 5} textAnchor="end" fontSize="13" fill="#475569">
              {formatValue(max * share)}
            </text>
          </g>
        ))}
        {days.map((day, index) => {
          const x = LEFT + index * slot + (slot - barWidth) / 2;
          let base = 0;
          return (
            <g key={day}>
              {series.map((s, seriesIndex) => {
                const value = s.values[index] ?? 0;
                if (value <= 0) return null;
                if (mode === "grouped") {
                  const width = barWidth / series.length;
                  return (
                    <rect
                      key={s.label}
                      x={x + seriesIndex * width}
                      y={y(value)}
                      width={width}
                      height={y(0) - y(value)}
                      fill={chartColor(seriesIndex)}
                    />
                  );
                }
                const top = y(base + value);
                const bottom = y(base);
                base += value;
                return (
                  <rect
                    key={s.label}
                    x={x}
                    y={top}
                    width={barWidth}
                    height={bottom - top}
                    fill={chartColor(seriesIndex)}
                  />
                );
              })}
              {labelled.has(index) ? (
                <text
                  x={LEFT + index * slot + slot / 2}
                  y={HEIGHT - 7}
                  textAnchor={index === 0 ? "start" : index === days.length - 1 ? "end" : "middle"}
                  fontSize="13"
                  fill="#475569"
                >
                  {day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? <ChartLegend labels={series.map((s) => s.label)} /> : null}
    </figure>
  );
}

export function ChartLegend({ labels }: { labels: string[] }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-hidden="true">
      {labels.map((label, index) => (
        <li key={label} className="flex items-center gap-1">
          <span className="inline-block h-3 w-3 rounded-sm" style={{ backgroundColor: chartColor(index) }} />
          {label}
        </li>
      ))}
    </ul>
  );
}
