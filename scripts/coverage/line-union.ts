// Line coverage of app/, worker/ and db/ as one figure: a line counts as covered when the tests ran it in their own
// processes (vitest's coverage) or in a process they started (the children's coverage). The lines that count are
// those vitest's coverage lists for each file, so every source file is there, run or not.

type IstanbulFile = {
  statementMap: Record<string, { start: { line: number } }>;
  s: Record<string, number>;
};

export type FileLines = { file: string; lines: number; covered: number };
export type LineCoverage = { files: FileLines[]; lines: number; covered: number; percent: number };

export function lineCoverage(
  vitest: Record<string, IstanbulFile>,
  children: Map<string, Set<number>>,
  relative: (file: string) => string,
): LineCoverage {
  const files: FileLines[] = [];
  for (const [file, data] of Object.entries(vitest)) {
    const counts = new Map<number, number>();
    for (const [id, statement] of Object.entries(data.statementMap)) {
      const line = statement.start.line;
      counts.set(line, Math.max(counts.get(line) ?? 0, data.s[id] ?? 0));
    }
    const elsewhere = children.get(file) ?? new Set<number>();
    const covered = [...counts].filter(([line, count]) => count > 0 || elsewhere.has(line)).length;
    files.push({ file: relative(file), lines: counts.size, covered });
  }
  const lines = files.reduce((sum, f) => sum + f.lines, 0);
  const covered = files.reduce((sum, f) => sum + f.covered, 0);
  return { files, lines, covered, percent: lines === 0 ? 0 : (100 * covered) / lines };
}

/** The files with the lowest share of covered lines (files of fewer than `minLines` lines left out as noise). */
export function lowestFiles(coverage: LineCoverage, count: number, minLines = 10): FileLines[] {
  return coverage.files
    .filter((f) => f.lines >= minLines)
    .sort((a, b) => a.covered / a.lines - b.covered / b.lines || b.lines - a.lines)
    .slice(0, count);
}
