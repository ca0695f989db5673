import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildChangedDuringRun, recordBuildAtStart } from "./build-unchanged";

function project() {
  const root = mkdtempSync(path.join(os.tmpdir(), "tesigo-build-stamp-"));
  mkdirSync(path.join(root, "build"));
  mkdirSync(path.join(root, "coverage"));
  const build = (info: object) => writeFileSync(path.join(root, "build", "build-info.json"), JSON.stringify(info));
  return { root, coverage: path.join(root, "coverage"), build };
}

describe("the coverage figure and build/ during the run", () => {
  it("is trusted when build/ is the one the run started with", () => {
    const p = project();
    p.build({ mode: "production", builtAt: "2026-12-07T10:00:00.000Z" });
    recordBuildAtStart(p.root, p.coverage);
    expect(buildChangedDuringRun(p.root, p.coverage)).toBeNull();
  });

  it("is refused, saying why, when a test rebuilt build/ midway", () => {
    const p = project();
    p.build({ mode: "production", builtAt: "2026-12-07T10:00:00.000Z" });
    recordBuildAtStart(p.root, p.coverage);
    p.build({ mode: "test", builtAt: "2026-12-07T10:20:00.000Z" });
    expect(buildChangedDuringRun(p.root, p.coverage)).toMatch(
      /build\/ was rebuilt while the tests ran .*"mode":"test"/,
    );
  });

  it("has nothing to say about a run that recorded no stamp", () => {
    const p = project();
    expect(buildChangedDuringRun(p.root, p.coverage)).toBeNull();
  });
});
