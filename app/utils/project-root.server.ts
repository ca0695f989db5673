import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/**
 * The folder with package.json: the same answer from the TypeScript sources (tsx, vitest) and from the compiled
 * server (build/server.js), which sit at different depths.
 */
export function projectRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("package.json not found above the server's files");
    dir = parent;
  }
  return (root = dir);
}
