import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { childCoveredLines, compactRawCoverage, isOurScript } from "./child-coverage";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

// Lines 5–7 are a function the program calls, lines 9–11 one it never calls; type annotations move columns, so the
// lines come back only through tsx's source map.
const PROGRAM = `type Reading = { value: number };
const readings: Reading[] = [{ value: 2 }, { value: 3 }];

function total(list: Reading[]): number {
  let sum: number = 0;
  for (const reading of list) sum += reading.value;
  return sum;
}
function unused(list: Reading[]): number {
  const first: Reading | undefined = list[0];
  return first ? first.value * 2 : 0;
}
console.log(total(readings) + (process.argv.length > 99 ? unused(readings) : 0));
`;

function run(root: string, dir: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", tsx, path.join(root, "app", "sample.ts")], {
      cwd: root,
      env: { ...process.env, NODE_V8_COVERAGE: dir },
      stdio: "ignore",
    });
    child.on("error", reject);
    child.on("exit", resolve);
  });
}

describe("the coverage of a process the tests start", () => {
  it("a TypeScript file run through tsx comes back as its own covered lines; other files are dropped", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "child-coverage-"));
    mkdirSync(path.join(root, "app"));
    writeFileSync(path.join(root, "app", "sample.ts"), PROGRAM);
    const dir = path.join(root, "raw");
    expect(await run(root, dir)).toBe(0);

    const covered = await childCoveredLines(dir, root);
    expect([...covered.keys()]).toEqual([path.join(root, "app", "sample.ts")]);
    const lines = covered.get(path.join(root, "app", "sample.ts"))!;
    for (const line of [5, 6, 7, 13]) expect(lines.has(line), `line ${line} ran`).toBe(true);
    for (const line of [10, 11]) expect(lines.has(line), `line ${line} never ran`).toBe(false);
    expect(
      readdirSync(dir).every((name) => name.startsWith("ours-")),
      "only the cut-down files stay",
    ).toBe(true);
  });

  it("a file still being written is left for a later pass; a missing folder is no error", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "child-coverage-raw-"));
    writeFileSync(path.join(dir, "coverage-1-2-0.json"), '{"result":[{"url":');
    compactRawCoverage(dir, "/repo");
    expect(readdirSync(dir)).toEqual(["coverage-1-2-0.json"]);
    expect(() => compactRawCoverage(path.join(dir, "none"), "/repo")).not.toThrow();
  });

  it("ours are app/, worker/, db/ and the Remix bundle; not node_modules, not node's own", () => {
    const root = "/repo";
    expect(isOurScript("file:///repo/app/utils/env.server.ts", root)).toBe(true);
    expect(isOurScript("file:///repo/worker/index.ts", root)).toBe(true);
    expect(isOurScript("file:///repo/build/index.js", root)).toBe(true);
    expect(isOurScript("file:///repo/build/server.js", root)).toBe(false);
    expect(isOurScript("file:///repo/node_modules/pg/lib/index.js", root)).toBe(false);
    expect(isOurScript("file:///repo/tests/setup/fixtures.ts", root)).toBe(false);
    expect(isOurScript("node:internal/main/run_main_module", root)).toBe(false);
  });
});
