// Runs `npm run build` when a source file is newer than the last build, or when the last build was made for another
// mode than this process' NODE_ENV (used by `npm start`, `npm run worker` and the benchmarks): the web bundle
// (build/index.js), the compiled server (build/server.js) and the mode they were built in (build/build-info.json).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const INPUTS = [
  "app",
  "worker",
  "db",
  "server.ts",
  "remix.config.js",
  "tailwind.config.ts",
  "postcss.config.js",
  "package-lock.json",
];
const OUTPUTS = ["build/index.js", "build/server.js", "build/build-info.json"];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

/** The mode `remix build` gives a bundle made under this environment: NODE_ENV, production when unset. */
export function wantedMode(env = process.env) {
  return env.NODE_ENV || "production";
}

/** The mode the last build recorded, or null (none, or made by an older build script). */
export function recordedMode(root = ROOT) {
  try {
    return JSON.parse(readFileSync(path.join(root, "build", "build-info.json"), "utf8")).mode ?? null;
  } catch {
    return null;
  }
}

/** Why a build is needed now, or null when the last one serves: outputs missing or older than a source, or another mode. */
export function buildReason({ builtAt, changedAt, recorded, wanted }) {
  if (!builtAt) return "Building the app (first start)…";
  if (builtAt < changedAt) return "Sources changed since the last build: rebuilding…";
  if (recorded !== wanted)
    return `The last build was made for NODE_ENV=${recorded ?? "unknown"}, this start is ${wanted}: rebuilding…`;
  return null;
}

export function buildIfNeeded() {
  const builtAt = Math.min(
    ...OUTPUTS.map((o) => (existsSync(path.join(ROOT, o)) ? statSync(path.join(ROOT, o)).mtimeMs : 0)),
  );
  const changedAt = Math.max(...INPUTS.map((i) => newestMtime(path.join(ROOT, i))));
  const reason = buildReason({ builtAt, changedAt, recorded: recordedMode(), wanted: wantedMode() });
  if (!reason) return;
  console.log(reason);
  // The same environment, so `remix build` picks the mode this process runs in.
  const result = spawnSync("npm", ["run", "build"], {
    stdio: "inherit",
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: wantedMode() },
  });
  if (result.status !== 0) throw new Error("The build failed (see above).");
}
