// Runs `npm run build` when a source file is newer than the last build (used by `npm start`, `npm run worker` and the
// benchmarks): the web bundle (build/index.js) and the compiled server (build/server.js).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const INPUTS = ["app", "worker", "db", "server.ts", "remix.config.js", "tailwind.config.ts", "postcss.config.js", "package-lock.json"];
const OUTPUTS = ["build/index.js", "build/server.js"];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

export function buildIfNeeded() {
  const built = Math.min(...OUTPUTS.map((o) => (existsSync(path.join(ROOT, o)) ? statSync(path.join(ROOT, o)).mtimeMs : 0)));
  const changed = Math.max(...INPUTS.map((i) => newestMtime(path.join(ROOT, i))));
  if (built >= changed) return;
  console.log(built ? "Sources changed since the last build: rebuilding…" : "Building the app (first start)…");
  const result = spawnSync("npm", ["run", "build"], { stdio: "inherit", cwd: ROOT });
  if (result.status !== 0) throw new Error("The build failed (see above).");
}
