/** Series colours of the admin charts, distinguishable for the common colour-vision deficiencies (Okabe–Ito). */
export const CHART_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

export function chartColor(index: number): string {
  return CHART_COLORS[index % CHART_COLORS.length]!;
}
