// `npm run coverage` (the end of `npm run test:unit`): one line-coverage figure over app/, worker/ and db/ from
// vitest's coverage (coverage/vitest/) and the processes the tests started (coverage/processes/, written
// by Node where the test setup pointed NODE_V8_COVERAGE). Prints the figure and the lowest files; exits 1 under
// COVERAGE_MIN_LINES percent (85 unless set).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runTool } from "./run-tool";
import { buildChangedDuringRun } from "./coverage/build-unchanged";
import { childCoveredLines } from "./coverage/child-coverage";
import { lineCoverage, lowestFiles } from "./coverage/line-union";

const ROOT = path.resolve(import.meta.dirname, "..");
const COVERAGE = path.join(ROOT, "coverage");

runTool("coverage", async () => {
  const minimum = Number(process.env.COVERAGE_MIN_LINES ?? 85);
  const vitestFile = path.join(COVERAGE, "vitest", "coverage-final.json");
  if (!existsSync(vitestFile)) {
    console.log(
      "coverage: no coverage/vitest/coverage-final.json — run `npm run test:unit` (vitest run --coverage) first",
    );
    return 1;
  }
  const rebuilt = buildChangedDuringRun(ROOT, COVERAGE);
  if (rebuilt) {
    console.log(`coverage: ${rebuilt}`);
    return 1;
  }
  const childrenDir = path.join(COVERAGE, "processes");
  const children = existsSync(childrenDir) ? await childCoveredLines(childrenDir, ROOT) : new Map();
  const coverage = lineCoverage(JSON.parse(readFileSync(vitestFile, "utf8")), children, (f) => path.relative(ROOT, f));
  const pct = (covered: number, lines: number) => `${((100 * covered) / lines).toFixed(1)} %`;
  console.log("lowest files (lines covered):");
  for (const f of lowestFiles(coverage, 15)) {
    console.log(`  ${pct(f.covered, f.lines).padStart(7)}  ${String(f.covered).padStart(4)}/${f.lines}  ${f.file}`);
  }
  const figure = `${coverage.percent.toFixed(1)} %`;
  console.log(
    `lines covered in app/, worker/, db/: ${figure} (${coverage.covered}/${coverage.lines}), minimum ${minimum} %`,
  );
  writeFileSync(
    path.join(COVERAGE, "lines.json"),
    `${JSON.stringify({ percent: Number(coverage.percent.toFixed(2)), lines: coverage.lines, covered: coverage.covered })}\n`,
  );
  return coverage.percent >= minimum ? 0 : 1;
});
