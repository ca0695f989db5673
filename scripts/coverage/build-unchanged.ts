// The processes a test run starts load build/ (the Remix bundle and the compiled server); their coverage is mapped
// through build/'s source maps when the run ends. Were build/ rebuilt midway, processes started before ran another
// bundle than the maps describe and their lines would be counted wrongly: the run records build/'s stamp when it
// starts, and the coverage figure is refused when the stamp changed.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const STAMP = "build-at-start.json";

function buildStamp(root: string): string | null {
  const file = path.join(root, "build", "build-info.json");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : null;
}

/** Keeps build/'s stamp (its build-info.json) as the test run starts, in the coverage folder. */
export function recordBuildAtStart(root: string, coverageDir: string) {
  writeFileSync(path.join(coverageDir, STAMP), JSON.stringify({ stamp: buildStamp(root) }));
}

/** Why the processes' coverage cannot be trusted (build/ changed since the run started), or null. */
export function buildChangedDuringRun(root: string, coverageDir: string): string | null {
  const file = path.join(coverageDir, STAMP);
  if (!existsSync(file)) return null; // a run without started processes' coverage
  const before = (JSON.parse(readFileSync(file, "utf8")) as { stamp: string | null }).stamp;
  const now = buildStamp(root);
  if (before === now) return null;
  return `build/ was rebuilt while the tests ran (${before ?? "no build"} → ${now ?? "no build"}): the started processes' coverage cannot be mapped. A test built the app (e.g. a CLI calling buildIfNeeded under another NODE_ENV); it must run the existing build.`;
}
