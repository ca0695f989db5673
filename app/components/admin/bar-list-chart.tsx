// Horizontal bars, one per category (orders by state, queue depth), drawn as SVG on the server; the numbers are in the
// table beside it.
import { useTranslation } from "react-i18next";
import { chartColor } from "./chart-colors";

const WIDTH = 480;
const ROW = 26;
const LABEL = 190;

export function BarListChart({
  title,
  items,
  formatValue = String,
}: {
  title: string;
  items: { label: string; value: number }[];
  formatValue?: (value: number) => string;
}) {
  const { t } = useTranslation("admin");
  const max = Math.max(0, ...items.map((item) => item.value));
  const barSpace = WIDTH - LABEL - 60;
  const height = items.length * ROW + 4;
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${height}`}
      className="h-auto w-full"
      role="img"
      aria-label={t("shared.chart", { title })}
    >
      <title>{title}</title>
      {items.map((item, index) => {
        const width = max ? (item.value / max) * barSpace : 0;
        const y = index * ROW + 2;
        return (
          <g key={item.label}>
            <text x={LABEL - 8} y={y + 17} textAnchor="end" fontSize="13" fill="#334155">
              {item.label}
            </text>
            <rect x={LABEL} y={y + 3} width={width} height={ROW - 8} rx="2" fill={chartColor(0)} />
            <text x={LABEL + width + 6} y={y + 17} fontSize="13" fill="#334155">
              {formatValue(item.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
