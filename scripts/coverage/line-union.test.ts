import { describe, expect, it } from "vitest";
import { lineCoverage, lowestFiles } from "./line-union";

const statement = (line: number) => ({ start: { line } });

describe("one line-coverage figure from the tests' own processes and the ones they started", () => {
  it("a line counts once, covered when either side ran it; lines the children ran outside the file's lines do not count", () => {
    const vitest = {
      "/r/app/a.ts": {
        // Line 1 holds two statements (one ran), lines 2 and 3 one each (neither ran here).
        statementMap: { 0: statement(1), 1: statement(1), 2: statement(2), 3: statement(3) },
        s: { 0: 0, 1: 4, 2: 0, 3: 0 },
      },
      "/r/worker/b.ts": { statementMap: { 0: statement(1), 1: statement(2) }, s: { 0: 0, 1: 0 } },
    };
    const children = new Map([["/r/app/a.ts", new Set([3, 40])]]);
    const coverage = lineCoverage(vitest, children, (f) => f.slice(3));
    expect(coverage.files).toEqual([
      { file: "app/a.ts", lines: 3, covered: 2 },
      { file: "worker/b.ts", lines: 2, covered: 0 },
    ]);
    expect(coverage).toMatchObject({ lines: 5, covered: 2, percent: 40 });
  });

  it("the lowest files come first, small files left out", () => {
    const coverage = {
      files: [
        { file: "a", lines: 100, covered: 90 },
        { file: "b", lines: 100, covered: 10 },
        { file: "tiny", lines: 3, covered: 0 },
        { file: "c", lines: 20, covered: 10 },
      ],
      lines: 223,
      covered: 110,
      percent: 49.3,
    };
    expect(lowestFiles(coverage, 2).map((f) => f.file)).toEqual(["b", "c"]);
  });
});
