// `npm start` builds the web bundle only when a source file is newer than the last build.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = process.cwd();
const buildFile = path.join(root, "build", "index.js");
const inputs = ["app", "remix.config.js", "tailwind.config.ts", "postcss.config.js", "package-lock.json"];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

const built = existsSync(buildFile) ? statSync(buildFile).mtimeMs : 0;
const changed = Math.max(...inputs.map((i) => newestMtime(path.join(root, i))));
if (built >= changed) process.exit(0);

console.log(built ? "Sources changed since the last build: rebuilding the web bundle…" : "Building the web bundle (first start)…");
const result = spawnSync(path.join(root, "node_modules", ".bin", "remix"), ["build"], { stdio: "inherit" });
process.exit(result.status ?? 1);
