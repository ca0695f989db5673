// Compiles server.ts (web + worker, with app/, worker/ and db/ code) into one ES module, build/server.js, which
// `npm start`, `npm run worker` and the Docker image run with plain node: no TypeScript loader in production
// (docs/decisions/012-compiled-server.md). Packages stay in node_modules; the Remix bundle (build/index.js) is imported
// by it at run time. Run by `npm run build`, after `remix build`. Then it records the bundle's mode (NODE_ENV at
// `remix build`, production when unset) in build/build-info.json, so a later start knows what it would run.
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// What only one role needs (the web side's Remix, socket.io, helmet; an SDK loaded on first use) is imported
// dynamically and goes into chunks of its own, so a process loads it only when it runs that code.
rmSync(path.join(ROOT, "build", "server-chunks"), { recursive: true, force: true });
await build({
  entryPoints: { server: path.join(ROOT, "server.ts") },
  outdir: path.join(ROOT, "build"),
  chunkNames: "server-chunks/[name]-[hash]",
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  alias: { "~": path.join(ROOT, "app") },
  sourcemap: "linked",
  logLevel: "warning",
});

// `remix build --sourcemap` maps the server bundle (stack traces, and the coverage of the processes tests start) and,
// unavoidably, the browser's: those are not served. Remix warns that the maps would make server code visible in the
// browser; said here that it does not, so nobody reading the build's output worries.
let browserMaps = 0;
for (const file of readdirSync(path.join(ROOT, "public", "build"), { recursive: true })) {
  if (String(file).endsWith(".map")) {
    rmSync(path.join(ROOT, "public", "build", String(file)));
    browserMaps++;
  }
}
console.log(
  `[info] source maps: the server's are kept in build/ (stack traces, coverage); the browser's ${browserMaps} were deleted, so none are served`,
);

// The bundle's own word for its mode (Remix exports it), not a guess from this process' environment.
const { mode } = await import(pathToFileURL(path.join(ROOT, "build", "index.js")).href);
// builtAt: /health/detailed reports it with package.json's version, so an operator sees which build runs.
writeFileSync(
  path.join(ROOT, "build", "build-info.json"),
  `${JSON.stringify({ mode, builtAt: new Date().toISOString() })}\n`,
);
