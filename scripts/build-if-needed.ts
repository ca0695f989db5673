// Builds the web bundle only when a source file is newer than the last build (used by `npm start`).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const INPUTS = ["app", "remix.config.js", "tailwind.config.ts", "postcss.config.js", "package-lock.json"];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

export function buildIfNeeded(): void {
  const buildFile = path.join(ROOT, "build", "index.js");
  const built = existsSync(buildFile) ? statSync(buildFile).mtimeMs : 0;
  const changed = Math.max(...INPUTS.map((i) => newestMtime(path.join(ROOT, i))));
  if (built >= changed) return;
  console.log(built ? "Sources changed since the last build: rebuilding the web bundle…" : "Building the web bundle (first start)…");
  const result = spawnSync(path.join(ROOT, "node_modules", ".bin", "remix"), ["build"], { stdio: "inherit", cwd: ROOT });
  if (result.status !== 0) throw new Error("The web build failed (see above).");
}
